import type { Candidate, Recognizer } from "../recognizer.js";

const LOCAL = "[A-Za-z0-9._%+\\-]+";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?";
const PLAIN = new RegExp(`(?<![A-Za-z0-9._%+\\-])${LOCAL}@${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,}(?![A-Za-z0-9])`, "g");
/** Addresses written to dodge scrapers: taro (at) example (dot) com, taro[at]example.com. */
const OBFUSCATED = new RegExp(
  `(?<![A-Za-z0-9._%+\\-])${LOCAL}\\s?[\\(\\[]at[\\)\\]]\\s?${LABEL}(?:(?:\\.|\\s?[\\(\\[]dot[\\)\\]]\\s?)${LABEL})+`,
  "gi",
);

// Spoken forms, as speech recognition writes them.
const AT_WORDS = ["アットマーク", "あっとまーく", "アット", "あっと"];
const DOT_WORDS = ["ドット", "どっと", "."];
const JOIN_WORDS = ["ハイフン", "はいふん", "アンダーバー", "アンダースコア", "アンダーライン", "-", "_"];
/** Words said before an address, never part of it. */
const LOCAL_STOP_WORDS = new Set(["メールアドレス", "アドレス", "メール", "メアド", "Eメール", "イーメール"]);
const KATAKANA_RUN = /[\u30A1-\u30FA\u30FC\u30FB]+/y;
const LATIN_RUN = /[A-Za-z0-9]+/y;

function wordAt(text: string, at: number, words: readonly string[]): string | undefined {
  return words.find((w) => text.startsWith(w, at));
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (text[i] === " ") i++;
  return i;
}

/** A domain label: latin letters or a katakana run that is not itself a separator word. */
function labelEnd(text: string, at: number): number | undefined {
  for (const run of [LATIN_RUN, KATAKANA_RUN]) {
    run.lastIndex = at;
    const m = run.exec(text);
    if (!m) continue;
    let word = m[0];
    // A katakana run may have swallowed a following separator word (エグザンプルドットコム).
    for (const sep of [...DOT_WORDS, ...AT_WORDS, ...JOIN_WORDS]) {
      const cut = word.indexOf(sep);
      if (cut > 0) word = word.slice(0, cut);
    }
    if (word.length > 0 && !wordAt(word, 0, [...DOT_WORDS, ...AT_WORDS, ...JOIN_WORDS])) return at + word.length;
  }
  return undefined;
}

function findSpokenEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < text.length; i++) {
    const at = wordAt(text, i, AT_WORDS);
    if (!at) continue;
    const domainEnd = scanDomain(text, i + at.length);
    const localStart = scanLocalBackwards(text, i);
    if (domainEnd === undefined || localStart === undefined) continue;
    const surface = text.slice(localStart, domainEnd);
    out.push({
      start: localStart,
      end: domainEnd,
      score: 0.85,
      patternName: "spoken",
      canonical: surface.replace(/\s/g, "").toLowerCase(),
    });
    i = domainEnd - 1;
  }
  return out;
}

/** label (dot label)+ after the at-word; undefined when there is no dot (アットホーム is not an address). */
function scanDomain(text: string, from: number): number | undefined {
  let i = skipSpaces(text, from);
  let end = labelEnd(text, i);
  if (end === undefined) return undefined;
  let dots = 0;
  for (;;) {
    const j = skipSpaces(text, end);
    const sep = wordAt(text, j, [...DOT_WORDS, ...JOIN_WORDS]);
    if (!sep) break;
    const next = labelEnd(text, skipSpaces(text, j + sep.length));
    if (next === undefined) break;
    if (DOT_WORDS.includes(sep)) dots++;
    end = next;
    i = next;
  }
  return dots > 0 ? end : undefined;
}

/** The local part before the at-word: latin or katakana labels joined by dot/hyphen/underscore words. */
function scanLocalBackwards(text: string, atWordStart: number): number | undefined {
  let i = atWordStart;
  while (i > 0 && text[i - 1] === " ") i--;
  let start: number | undefined;
  for (;;) {
    let j = i;
    while (j > 0 && /[A-Za-z0-9._\-\u30A1-\u30FA\u30FC\u30FB]/.test(text[j - 1]!)) j--;
    if (j === i || LOCAL_STOP_WORDS.has(text.slice(j, i))) break;
    start = j;
    // Continue over a spoken joiner (タロウ ドット ヤマダ) separated by spaces.
    let k = j;
    while (k > 0 && text[k - 1] === " ") k--;
    if (k === j) break;
    const before = text.slice(0, k);
    if (!/[A-Za-z0-9\u30A1-\u30FA\u30FC]$/.test(before)) break;
    i = k;
  }
  return start;
}

/**
 * EMAIL: e-mail addresses, plain, full-width (normalised before matching), obfuscated and spoken
 * (`ヤマダ アットマーク エグザンプル ドット コム`).
 *
 * @example
 * analyze("メールはｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐです") // → EMAIL over ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ
 */
export const emailRecognizer: Recognizer = {
  id: "email",
  entity: "EMAIL",
  description: "E-mail addresses: plain, full-width, obfuscated and spoken",
  patterns: [
    { name: "plain", regex: PLAIN, score: 1.0 },
    { name: "obfuscated", regex: OBFUSCATED, score: 0.85 },
  ],
  find: findSpokenEmails,
  context: { words: ["メール", "アドレス", "mail", "メアド", "Gmail", "送信先", "宛"] },
  labels: ["メールアドレス", "メアド", "メール", "e-mail", "email", "mail"],
  selfEvident: true,
  canonical: (value) => value.toLowerCase(),
};
