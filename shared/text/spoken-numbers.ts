import { MappedTextBuilder, type MappedText } from "./mapped-text.js";

/**
 * Spoken and kanji digit strings, as speech recognition writes phone numbers and IDs, rewritten to ASCII
 * digits so that one set of patterns reads typed and spoken forms alike:
 * `〇八〇、えー、四四五一、の、二二〇九` → `080-4451-2209`, each digit mapped back to its reading and each
 * `-` to the separators and fillers it replaces (policy rule 3: fillers inside an item belong to its span).
 */

type Script = "ascii" | "kanji" | "kana";
interface DigitReading {
  readonly surface: string;
  readonly digit: string;
  readonly script: Script;
  /** Single kana like に, し, ご, く are everyday words; they count as digits only among stronger readings. */
  readonly weak: boolean;
  /** ○ and ◯ stand for 〇 in ASR output but also for masked characters (○○様). */
  readonly lookalike: boolean;
}

const KANA_READINGS: ReadonlyArray<readonly [string, string]> = [
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
const KANJI_DIGITS: Readonly<Record<string, string>> = {
  "〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
  "○": "0", "◯": "0",
};
/** Positional numerals: a kanji digit next to one of these is an amount (三万五千), not a digit string. */
const POSITIONAL = new Set(["十", "百", "千", "万", "億", "兆"]);

const READINGS: DigitReading[] = [
  ...KANA_READINGS.map(([surface, digit]) => ({ surface, digit, script: "kana" as const, weak: surface.length === 1, lookalike: false })),
  ...Object.entries(KANJI_DIGITS).map(([surface, digit]) => ({
    surface, digit, script: "kanji" as const, weak: false, lookalike: surface === "○" || surface === "◯",
  })),
  ...Array.from({ length: 10 }, (_, d) => ({ surface: String(d), digit: String(d), script: "ascii" as const, weak: false, lookalike: false })),
].sort((a, b) => b.surface.length - a.surface.length); // longest first: きゅう before く, しち before し

/** Words between the digits of one item: separators and hesitation fillers. */
const GAP_WORDS = [
  "えーっと", "ええっと", "えーと", "ええと", "えっと", "あのー", "あのう", "あの", "えー", "ええ", "えと", "まあ", "まぁ", "うーん", "んー", "その",
  "の", "ノ", "、", "・", "-", " ", "…", "ー",
].sort((a, b) => b.length - a.length);
const MAX_GAP = 12;

interface Token {
  readonly start: number;
  readonly end: number;
  readonly reading: DigitReading;
}

function readingAt(text: string, at: number): DigitReading | undefined {
  for (const r of READINGS) if (text.startsWith(r.surface, at)) return r;
  return undefined;
}

function gapEnd(text: string, at: number): number {
  let i = at;
  for (;;) {
    const word = GAP_WORDS.find((w) => text.startsWith(w, i));
    if (!word || i + word.length - at > MAX_GAP) return i;
    i += word.length;
  }
}

/** A maximal run of digit groups separated by gaps; groups are script-homogeneous. */
interface Run {
  readonly groups: Token[][];
}

function acceptRun(run: Run, text: string): boolean {
  const tokens = run.groups.flat();
  const real = tokens.filter((t) => !t.reading.lookalike);
  if (tokens.length < 4 || real.length < 3) return false;
  const kana = tokens.filter((t) => t.reading.script === "kana");
  if (kana.length > 0 && kana.filter((t) => !t.reading.weak).length * 2 < kana.length) return false;
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  // Kanji digit strings glued to positional numerals are amounts (二万三千四百) or dates, not digit strings.
  if (first.reading.script === "kanji" && POSITIONAL.has(text[first.start - 1] ?? "")) return false;
  if (last.reading.script === "kanji" && POSITIONAL.has(text[last.end] ?? "")) return false;
  return true;
}

/**
 * Rewrites spoken digit strings of `input` (already normalised) to ASCII digits with `-` between groups.
 * Runs that are not digit strings (fewer than 4 digits, everyday kana words, positional amounts) are copied
 * unchanged.
 *
 * @example
 * rewriteSpokenDigits(normalize("ゼロキューゼロのいちにさんよん")).text // "090-1234"
 */
export function rewriteSpokenDigits(input: MappedText): MappedText {
  const text = input.text;
  const out = new MappedTextBuilder(input);
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const startReading = readingAt(text, i);
    if (!startReading) {
      i++;
      continue;
    }
    const run = scanRun(text, i);
    const tokens = run.groups.flat();
    const runEnd = tokens[tokens.length - 1]!.end;
    if (acceptRun(run, text) && !isPlainAscii(run, text)) {
      out.copy(copied, i);
      emitRun(out, run);
      copied = runEnd;
    }
    i = runEnd;
  }
  out.copy(copied, text.length);
  return out.build();
}

function scanRun(text: string, from: number): Run {
  const groups: Token[][] = [];
  let group: Token[] = [];
  let i = from;
  for (;;) {
    const reading = readingAt(text, i);
    const previous = group[group.length - 1];
    if (reading && (!previous || previous.reading.script === reading.script)) {
      group.push({ start: i, end: i + reading.surface.length, reading });
      i += reading.surface.length;
      continue;
    }
    if (group.length > 0) groups.push(group);
    group = [];
    const afterGap = gapEnd(text, i);
    if (afterGap === i || !readingAt(text, afterGap)) break;
    i = afterGap;
  }
  if (group.length > 0) groups.push(group);
  return { groups };
}

/** ASCII digits joined by hyphens already read as they are; rewriting them would change nothing. */
function isPlainAscii(run: Run, text: string): boolean {
  const tokens = run.groups.flat();
  if (tokens.some((t) => t.reading.script !== "ascii")) return false;
  for (let g = 1; g < run.groups.length; g++) {
    const gap = text.slice(run.groups[g - 1]!.at(-1)!.end, run.groups[g]![0]!.start);
    if (gap !== "-") return false;
  }
  return true;
}

function emitRun(out: MappedTextBuilder, run: Run): void {
  run.groups.forEach((group, g) => {
    if (g > 0) out.push("-", run.groups[g - 1]!.at(-1)!.end, group[0]!.start);
    for (const token of group) out.push(token.reading.digit, token.start, token.end);
  });
}
