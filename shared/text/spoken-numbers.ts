import { MappedTextBuilder, type MappedText } from "./mapped-text.js";

/**
 * Spoken and kanji digit strings, and letters spelled out in katakana, as speech recognition writes phone
 * numbers and IDs, rewritten to ASCII so that one set of patterns reads typed and spoken forms alike:
 * `〇八〇、えー、四四五一、の、二二〇九` → `080-4451-2209`, `エム、ゼット、〇五八一二六四` → `MZ-0581264`.
 * Each output character maps back to its reading and each `-` to the separators and fillers it replaces
 * (policy rule 3: fillers inside an item belong to its span).
 */

type Script = "ascii-digit" | "kanji-digit" | "kana-digit" | "kana-letter" | "latin" | "plus" | "symbol";
interface Reading {
  readonly surface: string;
  readonly out: string;
  readonly script: Script;
  /** Single kana like に, し, ご, く are everyday words; they count as digits only among stronger readings. */
  readonly weak: boolean;
  /** ○ and ◯ stand for 〇 in ASR output but also for masked characters (○○様). */
  readonly lookalike: boolean;
}

const KANA_DIGITS: ReadonlyArray<readonly [string, string]> = [
  ["ゼロ", "0"], ["ぜろ", "0"], ["れい", "0"], ["レイ", "0"], ["まる", "0"], ["マル", "0"],
  ["いち", "1"], ["イチ", "1"],
  ["にい", "2"], ["にー", "2"], ["ニー", "2"], ["に", "2"], ["ニ", "2"],
  ["さん", "3"], ["サン", "3"],
  ["よん", "4"], ["ヨン", "4"], ["よー", "4"], ["ヨー", "4"], ["し", "4"], ["シ", "4"],
  ["ごう", "5"], ["ごー", "5"], ["ゴー", "5"], ["ご", "5"], ["ゴ", "5"],
  ["ろく", "6"], ["ロク", "6"],
  ["なな", "7"], ["ナナ", "7"], ["しち", "7"], ["シチ", "7"],
  ["はち", "8"], ["ハチ", "8"],
  ["きゅう", "9"], ["キュウ", "9"], ["きゅー", "9"], ["キュー", "9"], ["く", "9"], ["ク", "9"],
];
/** Letter names as katakana (Q is left out: キュー is far more often 9). */
const KANA_LETTERS: ReadonlyArray<readonly [string, string]> = [
  ["エイ", "A"], ["エー", "A"], ["ビー", "B"], ["シー", "C"], ["ディー", "D"], ["デー", "D"], ["イー", "E"], ["エフ", "F"],
  ["ジー", "G"], ["エイチ", "H"], ["エッチ", "H"], ["アイ", "I"], ["ジェー", "J"], ["ジェイ", "J"], ["ケー", "K"], ["ケイ", "K"],
  ["エル", "L"], ["エム", "M"], ["エヌ", "N"], ["オー", "O"], ["ピー", "P"], ["アール", "R"], ["エス", "S"], ["ティー", "T"],
  ["ユー", "U"], ["ブイ", "V"], ["ヴィー", "V"], ["ダブリュー", "W"], ["ダブリュ", "W"], ["エックス", "X"], ["ワイ", "Y"],
  ["ゼット", "Z"], ["ゼッド", "Z"],
];
/** Symbols as people read passwords aloud (アットマーク is left to the e-mail recognizer). */
const SYMBOLS: ReadonlyArray<readonly [string, string]> = [
  ["ビックリマーク", "!"], ["エクスクラメーション", "!"], ["シャープ", "#"], ["アスタリスク", "*"], ["アンパサンド", "&"],
  ["パーセント", "%"], ["イコール", "="], ["クエスチョン", "?"], ["アンダーバー", "_"], ["アンダースコア", "_"], ["ドル", "$"],
];
const KANJI_DIGITS: Readonly<Record<string, string>> = {
  "〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
  "○": "0", "◯": "0",
};
/** A kanji that is neither a digit nor a positional numeral: the letter of a word. */
const WORD_KANJI = /[\p{Script=Han}々](?<![〇一二三四五六七八九十百千万億兆零])/u;
/** Positional numerals: a kanji digit next to one of these is an amount (三万五千), not a digit string. */
const POSITIONAL = new Set(["十", "百", "千", "万", "億", "兆"]);

const READINGS: Reading[] = [
  ...KANA_DIGITS.map(([surface, out]) => ({ surface, out, script: "kana-digit" as const, weak: surface.length === 1, lookalike: false })),
  ...KANA_LETTERS.map(([surface, out]) => ({ surface, out, script: "kana-letter" as const, weak: false, lookalike: false })),
  ...Object.entries(KANJI_DIGITS).map(([surface, out]) => ({
    surface, out, script: "kanji-digit" as const, weak: false, lookalike: surface === "○" || surface === "◯",
  })),
  ...Array.from({ length: 10 }, (_, d) => ({ surface: String(d), out: String(d), script: "ascii-digit" as const, weak: false, lookalike: false })),
  { surface: "プラス", out: "+", script: "plus" as const, weak: false, lookalike: false },
  ...SYMBOLS.map(([surface, out]) => ({ surface, out, script: "symbol" as const, weak: false, lookalike: false })),
].sort((a, b) => b.surface.length - a.surface.length); // longest first: きゅう before く, シー before シ
/** READINGS by first character, longest first: every position of every utterance is looked up. */
const READINGS_BY_FIRST = new Map<string, Reading[]>();
for (const r of READINGS) READINGS_BY_FIRST.set(r.surface[0]!, [...(READINGS_BY_FIRST.get(r.surface[0]!) ?? []), r]);
const NO_READINGS: readonly Reading[] = [];

/** The readings that may start at `at`, longest first. */
function readingsAt(text: string, at: number): readonly Reading[] {
  return READINGS_BY_FIRST.get(text[at] ?? "") ?? NO_READINGS;
}

/** A-Z or a-z (NaN, before the text or after it, is neither). */
function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Words between the characters of one item: separators, hesitation fillers, spoken hyphens. */
const GAP_WORDS = [
  "えーっと", "ええっと", "えーと", "ええと", "えっと", "あのー", "あのう", "あの", "えー", "ええ", "えと", "まあ", "まぁ", "うーん", "んー", "その",
  "ハイフン", "はいふん", "大文字の", "小文字の", "大文字", "小文字", "の", "ノ", "、", "・", "-", " ", "…", "ー",
].sort((a, b) => b.length - a.length);
/** Gap words that only people say: a run with one of them is speech even if its digits are ASCII. */
const ASCII_GAPS = new Set(["-", " "]);
const HYPHEN_WORDS = new Set(["ハイフン", "はいふん", "-"]);
const MAX_GAP = 12;
const KATAKANA = /[\u30A1-\u30FA\u30FC]/u;
const LATIN_RUN = /[A-Za-z]{1,3}(?![A-Za-z])/y;
/** Short words that label a number rather than spell part of it (FAX 03…, ID 1234). */
const LATIN_WORDS = new Set(["TEL", "FAX", "ID", "NO", "PIN", "PW", "OK", "CC", "TO", "AT", "IS", "MY", "AND", "THE", "FOR", "IP"]);

interface Token {
  readonly start: number;
  readonly end: number;
  readonly reading: Reading;
  /** Whether separators or fillers stand between this token and the previous one. */
  readonly afterGap: boolean;
  /** Whether that gap says a hyphen (ハイフン, -): kept even between spelled letters. */
  readonly hyphen: boolean;
}

const isLetter = (s: Script) => s === "kana-letter" || s === "latin";
const isDigit = (s: Script) => s === "ascii-digit" || s === "kanji-digit" || s === "kana-digit";

/** Scripts that may touch without a separator inside one item (MZ0581264, シーエーエフ). */
function canTouch(previous: Reading, next: Reading): boolean {
  if (next.weak && previous.script !== "kana-digit") return false;
  if (previous.script === "symbol" || next.script === "symbol") return false;
  if (previous.script === next.script) return true;
  if (previous.script === "plus") return isDigit(next.script);
  const pair = new Set([previous.script, next.script]);
  return (pair.has("latin") && pair.has("ascii-digit")) || (pair.has("kana-letter") && (pair.has("kanji-digit") || pair.has("kana-digit")));
}

function readingAt(text: string, at: number): Reading | undefined {
  // No reading starts with a Latin letter: a letter is a spelled letter or nothing.
  if (isAsciiLetter(text.charCodeAt(at))) {
    if (isAsciiLetter(text.charCodeAt(at - 1))) return undefined;
    LATIN_RUN.lastIndex = at;
    const latin = LATIN_RUN.exec(text);
    return latin && !LATIN_WORDS.has(latin[0].toUpperCase()) ? { surface: latin[0], out: latin[0], script: "latin", weak: false, lookalike: false } : undefined;
  }
  // Most characters start no reading at all (every position of every utterance comes here).
  const candidates = readingsAt(text, at);
  if (candidates.length === 0) return undefined;
  const found = candidates.filter((r) => text.startsWith(r.surface, at));
  const longest = found[0];
  // にいちなな is に・いち・なな (2, 1, 7), not にい・ち…: a longer kana reading that leaves half a word behind
  // gives way to a shorter one after which the reading goes on.
  if (longest?.script === "kana-digit" && found.length > 1 && !readsOn(text, at + longest.surface.length)) {
    const shorter = found.find((r) => r.script === "kana-digit" && r !== longest && readingsAt(text, at + r.surface.length).some((n) => text.startsWith(n.surface, at + r.surface.length)));
    if (shorter) return shorter;
  }
  return longest;
}

/** Whether a reading or a gap word starts at `at` (or the text ends there). */
function readsOn(text: string, at: number): boolean {
  return at >= text.length || readingsAt(text, at).some((r) => text.startsWith(r.surface, at)) || GAP_WORDS.some((w) => text.startsWith(w, at));
}

/** A katakana word counts only if it is made entirely of readings (シーエーエフ yes, ユーザー no). */
function katakanaWordDecomposes(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && KATAKANA.test(text[i]!)) {
    const r = readingsAt(text, i).find((x) => (x.script === "kana-letter" || x.script === "kana-digit" || x.script === "plus" || x.script === "symbol") && text.startsWith(x.surface, i));
    if (!r) return false;
    i += r.surface.length;
  }
  return true;
}

function gapEnd(text: string, at: number): { end: number; spoken: boolean; hyphen: boolean } {
  let i = at;
  let spoken = false;
  let hyphen = false;
  for (;;) {
    const word = GAP_WORDS.find((w) => text.startsWith(w, i));
    if (!word || i + word.length - at > MAX_GAP) return { end: i, spoken, hyphen };
    if (!ASCII_GAPS.has(word)) spoken = true;
    if (HYPHEN_WORDS.has(word)) hyphen = true;
    i += word.length;
  }
}

function startsReading(text: string, at: number): Reading | undefined {
  const reading = readingAt(text, at);
  if (!reading) return undefined;
  if (KATAKANA.test(text[at]!) && (KATAKANA.test(text[at - 1] ?? "") || !katakanaWordDecomposes(text, at))) return undefined;
  return reading;
}

interface Run {
  readonly tokens: Token[];
  readonly spokenGap: boolean;
}

function scanRun(text: string, from: number): Run {
  const tokens: Token[] = [];
  let spokenGap = false;
  let i = from;
  let afterGap = false;
  let hyphen = false;
  for (;;) {
    const previous = tokens[tokens.length - 1];
    const reading = previous && !afterGap ? continuing(text, i, previous.reading) : startsReading(text, i);
    if (reading?.script === "symbol" && !previous) break;
    // Typed digits and kana readings do not make one item across a pause (090-…、さんに → さん is a word).
    if (reading && previous && afterGap && ((previous.reading.script === "ascii-digit" && reading.script === "kana-digit") || (previous.reading.script === "kana-digit" && reading.script === "ascii-digit"))) break;
    // エー starts a spoken number only as a filler; it is the letter A inside a spelled run.
    if (reading?.surface === "エー" && (!previous || !isLetter(previous.reading.script))) break;
    if (reading && (!previous || afterGap || canTouch(previous.reading, reading))) {
      if (reading.script === "plus" && previous) break;
      tokens.push({ start: i, end: i + reading.surface.length, reading, afterGap, hyphen });
      i += reading.surface.length;
      afterGap = false;
      hyphen = false;
      continue;
    }
    if (afterGap || tokens.length === 0) break;
    const gap = gapEnd(text, i);
    if (gap.end === i || !startsReading(text, gap.end)) break;
    spokenGap ||= gap.spoken;
    hyphen = gap.hyphen;
    i = gap.end;
    afterGap = true;
  }
  // 大文字のK: the case word said before a spelled letter belongs to it.
  const first = tokens[0];
  const caseWord = first && isLetter(first.reading.script) ? /(?:大文字|小文字)の?$/.exec(text.slice(Math.max(0, first.start - 4), first.start)) : null;
  if (first && caseWord) tokens[0] = { ...first, start: first.start - caseWord[0].length };
  return { tokens, spokenGap };
}

/** Inside a katakana word already being read, the next reading may follow without a boundary. */
function continuing(text: string, at: number, previous: Reading): Reading | undefined {
  const reading = readingAt(text, at);
  if (!reading) return undefined;
  if (reading.script === "latin" && /[A-Za-z]/.test(text[at - 1] ?? "")) return undefined;
  return KATAKANA.test(text[at] ?? "") && previous.script !== "kana-letter" && previous.script !== "kana-digit" && previous.script !== "plus"
    ? startsReading(text, at)
    : reading;
}

/** A lone particle (に, し, ご) set off by a pause at either end belongs to the sentence, not the number. */
function trimWeakEdges(run: Run, text: string): Run {
  const tokens = [...run.tokens];
  while (tokens.length > 1 && tokens[0]!.reading.weak && tokens[1]!.afterGap) tokens.shift();
  // A particle, or letters typed after a pause (…5678、FAX), ends the sentence's number rather than continuing it.
  while (
    tokens.length > 1 &&
    tokens[tokens.length - 1]!.afterGap &&
    (tokens[tokens.length - 1]!.reading.weak ||
      tokens[tokens.length - 1]!.reading.script === "latin" ||
      // 4-18-7、三宅様: a kanji digit starting a word after the pause is that word's (三宅, 五十嵐, 八木).
      (tokens[tokens.length - 1]!.reading.script === "kanji-digit" && WORD_KANJI.test(text[tokens[tokens.length - 1]!.end] ?? "")))
  ) {
    tokens.pop();
  }
  if (tokens[0] && tokens[0] !== run.tokens[0]) tokens[0] = { ...tokens[0], afterGap: false, hyphen: false };
  return { ...run, tokens };
}

/** A single-kana digit glued to the end of a number that begins the next word instead (…いちになります, ございます). */
const WORD_AFTER_WEAK: Readonly<Record<string, RegExp>> = { に: /^な[りっるれ]/, ご: /^ざい/, く: /^ださ/, し: /^(?:ま[すし]|て)/ };
/** Units that make the number before them a quantity, a time or a date (…5678、14時に; …5255、2024年4月). */
const QUANTITY_AFTER = /^\s?(?:年|月|日|時|分|秒|円|歳|才|名|人|個|件|回|枚|台|本|冊|点|倍|割|%|万|億|階|泊|週|ヶ月|か月|カ月|キロ|km|kg|GB|MB)/i;

/**
 * The end of a run that belongs to the sentence: a weak kana starting the next word, and a last group (after a
 * pause) that a unit makes a quantity.
 */
function trimSentenceTail(run: Run, text: string): Run {
  const tokens = [...run.tokens];
  const last = () => tokens[tokens.length - 1]!;
  while (tokens.length > 1 && last().reading.weak && !last().afterGap && WORD_AFTER_WEAK[last().reading.surface]?.test(text.slice(last().end))) tokens.pop();
  if (tokens.length > 1 && QUANTITY_AFTER.test(text.slice(last().end))) {
    let groupStart = tokens.length - 1;
    while (groupStart > 0 && !tokens[groupStart]!.afterGap) groupStart--;
    if (groupStart > 0) tokens.splice(groupStart);
  }
  return tokens.length === run.tokens.length ? run : { ...run, tokens };
}

function acceptRun(run: Run, text: string): boolean {
  const tokens = run.tokens.filter((t) => t.reading.script !== "plus");
  const real = tokens.filter((t) => !t.reading.lookalike);
  if (tokens.length < 4 || real.length < 3) return false;
  const kana = tokens.filter((t) => t.reading.script === "kana-digit");
  if (kana.length > 0 && kana.filter((t) => !t.reading.weak).length * 2 < kana.length) return false;
  const letters = tokens.filter((t) => isLetter(t.reading.script));
  const digits = tokens.filter((t) => isDigit(t.reading.script));
  if (letters.length > 0 && digits.length < 2 && letters.filter((t) => t.reading.script === "kana-letter").length < 3) return false;
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  // Kanji digit strings glued to positional numerals are amounts (二万三千四百), not digit strings.
  if (first.reading.script === "kanji-digit" && POSITIONAL.has(text[first.start - 1] ?? "")) return false;
  if (last.reading.script === "kanji-digit" && POSITIONAL.has(text[last.end] ?? "")) return false;
  return true;
}

/** Typed ASCII (digits, short letter groups, hyphens, spaces) already reads as it is: leave it untouched. */
function isTyped(run: Run): boolean {
  return !run.spokenGap && run.tokens.every((t) => t.reading.script === "ascii-digit" || t.reading.script === "latin");
}

/**
 * Rewrites spoken digit strings and spelled-out letters of `input` (already normalised) to ASCII with `-`
 * where separators or fillers stood. Runs that are not spoken items (fewer than 4 characters, everyday kana
 * words, positional amounts, typed ASCII) are copied unchanged.
 *
 * @example
 * rewriteSpokenDigits(normalize("ゼロキューゼロのいちにさんよん")).text // "090-1234"
 */
export function rewriteSpokenDigits(input: MappedText): MappedText {
  const text = input.text;
  const out = new MappedTextBuilder(input);
  let rewritten = false;
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    if (!startsReading(text, i)) {
      i++;
      continue;
    }
    const run = trimSentenceTail(trimWeakEdges(scanRun(text, i), text), text);
    if (run.tokens.length === 0) {
      i++;
      continue;
    }
    const runStart = run.tokens[0]!.start;
    const runEnd = run.tokens[run.tokens.length - 1]!.end;
    if (acceptRun(run, text) && !isTyped(run)) {
      out.copy(copied, runStart);
      emitRun(out, run);
      rewritten = true;
      copied = runEnd;
      i = runEnd;
    } else {
      // Not an item as a whole; a shorter run starting later may still be one.
      i = run.tokens[0]!.end;
    }
  }
  // Most utterances hold no spoken item: the input is the result, no need to copy it unit by unit.
  if (!rewritten) return input;
  out.copy(copied, text.length);
  return out.build();
}

function emitRun(out: MappedTextBuilder, run: Run): void {
  run.tokens.forEach((token, k) => {
    const previous = run.tokens[k - 1];
    if (previous && token.afterGap) {
      const spelled =
        (isLetter(previous.reading.script) || previous.reading.script === "symbol") &&
        (isLetter(token.reading.script) || token.reading.script === "symbol");
      if ((token.hyphen || !spelled) && previous.reading.script !== "plus") out.push("-", previous.end, token.start);
    }
    out.push(token.reading.out, token.start, token.end);
  });
}
