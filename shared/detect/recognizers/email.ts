import type { Candidate, Recognizer } from "../recognizer.js";

const LOCAL = "[A-Za-z0-9._%+\\-]+";
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?";
const PLAIN = new RegExp(`(?<![A-Za-z0-9._%+\\-])${LOCAL}@${LABEL}(?:\\.${LABEL})*\\.[A-Za-z]{2,}(?![A-Za-z0-9])`, "g");
/** Addresses written to dodge scrapers: taro (at) example (dot) com, taro[at]example.com. */
const OBFUSCATED = new RegExp(
  `(?<![A-Za-z0-9._%+\\-])${LOCAL}\\s?[\\(\\[]at[\\)\\]]\\s?${LABEL}(?:(?:\\.|\\s?[\\(\\[]dot[\\)\\]]\\s?)${LABEL})+`,
  "gi",
);

// Spoken forms, as speech recognition writes them: words or letters, often one by one between commas.
type SpokenKind = "at" | "dot" | "join" | "label";
const SPOKEN_WORDS: ReadonlyArray<readonly [string, SpokenKind]> = [
  ["アットマーク", "at"], ["あっとまーく", "at"], ["アット", "at"], ["あっと", "at"], ["@", "at"],
  ["ドット", "dot"], ["どっと", "dot"], [".", "dot"],
  ["ハイフン", "join"], ["はいふん", "join"], ["アンダーバー", "join"], ["アンダースコア", "join"], ["アンダーライン", "join"],
  ["-", "join"], ["_", "join"],
];
/** The spoken "at" words that contain no shorter one (アット, not アットマーク): a text without them says no "at". */
const SPOKEN_AT_CORES = SPOKEN_WORDS.filter(([w, kind]) => kind === "at" && w !== "@")
  .map(([w]) => w)
  .filter((w, _, all) => !all.some((other) => other !== w && w.includes(other)));
/** Between spoken parts: spaces, commas, middle dots, and fillers. */
const SPOKEN_SKIP = /^(?:[ 、,・]|えー|えっと|あの)/;
const LABEL_RUN = /[A-Za-z0-9]+|[\u30A1-\u30FA\u30FC]+|[\u3041-\u3096]+/y;
/** Words said before an address, never part of it. */
const LOCAL_STOP_WORDS = new Set(["メールアドレス", "アドレス", "メール", "メアド", "Eメール", "イーメール"]);

interface SpokenToken {
  readonly kind: SpokenKind;
  readonly start: number;
  readonly end: number;
}

/** Tokens of a spoken address from `at` on, stopping at the first character that cannot belong to one. */
function spokenTokens(text: string, from: number): SpokenToken[] {
  const tokens: SpokenToken[] = [];
  let i = from;
  while (i < text.length) {
    const skip = SPOKEN_SKIP.exec(text.slice(i, i + 4));
    if (skip) {
      i += skip[0].length;
      continue;
    }
    const word = SPOKEN_WORDS.find(([w]) => text.startsWith(w, i));
    if (word) {
      tokens.push({ kind: word[1], start: i, end: i + word[0].length });
      i += word[0].length;
      continue;
    }
    LABEL_RUN.lastIndex = i;
    const run = LABEL_RUN.exec(text);
    if (!run) break;
    // A katakana run can swallow the next spoken word (エグザンプルドットコム): cut it there.
    let length = run[0].length;
    for (const [w] of SPOKEN_WORDS) {
      const cut = run[0].indexOf(w);
      if (cut > 0 && cut < length) length = cut;
    }
    tokens.push({ kind: "label", start: i, end: i + length });
    i += length;
  }
  return tokens;
}

/** Where the local part may start: back over letters, katakana, digits, separators and commas. */
function localRegionStart(text: string, atWordStart: number): number {
  let i = atWordStart;
  while (i > 0 && /[A-Za-z0-9._\-\u30A1-\u30FA\u30FC\u3041-\u3096・、, ]/.test(text[i - 1]!)) i--;
  // Hiragana in the region may start with the sentence's particle (メールはひがしやま…): not the address.
  while (/^[はがをもにでとの]/.test(text.slice(i)) && /[\u3041-\u3096]{3,}/.test(text.slice(i, i + 4)) && !/[\u3041-\u3096]/.test(text[i - 1] ?? "")) i++;
  return i;
}

function findSpokenEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Most texts say no "at" at all.
  if (!SPOKEN_AT_CORES.some((w) => text.includes(w))) return out;
  let searchFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const at = SPOKEN_WORDS.find(([w, kind]) => kind === "at" && w !== "@" && text.startsWith(w, i));
    if (!at || i < searchFrom) continue;
    const local = spokenTokens(text, localRegionStart(text, i)).filter((t) => t.end <= i);
    // Drop leading words that introduce the address, and anything before the last gap-free stretch.
    while (local.length > 0 && (local[0]!.kind !== "label" || LOCAL_STOP_WORDS.has(text.slice(local[0]!.start, local[0]!.end)))) local.shift();
    const domain = domainTokens(spokenTokens(text, i + at[0].length));
    if (local.length === 0 || !domain) continue;
    const start = local[0]!.start;
    const end = domain[domain.length - 1]!.end;
    out.push({ start, end, score: 0.85, patternName: "spoken", canonical: text.slice(start, end).replace(/[\s、,・]/g, "").toLowerCase() });
    searchFrom = end;
  }
  return out;
}

/** label (separator label)* with at least one dot, ending on a label; undefined otherwise (アットホーム). */
function domainTokens(tokens: readonly SpokenToken[]): SpokenToken[] | undefined {
  const taken: SpokenToken[] = [];
  let dots = 0;
  for (const t of tokens) {
    const last = taken[taken.length - 1];
    if (t.kind === "at") break;
    if (t.kind === "label" ? last !== undefined && last.kind === "label" : last === undefined || last.kind !== "label") break;
    if (t.kind === "dot") dots++;
    taken.push(t);
  }
  while (taken.length > 0 && taken[taken.length - 1]!.kind !== "label") {
    if (taken.pop()!.kind === "dot") dots--;
  }
  return dots > 0 ? taken : undefined;
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
