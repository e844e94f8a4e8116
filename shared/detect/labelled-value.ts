import { type Candidate, globalMatches } from "./recognizer.js";
import { WordsMatcher } from "./labels.js";

/**
 * Finds values that follow a label word: `会員番号は、えっと、A1234567です` → `A1234567`.
 * For free-form values (IDs, passwords, LINE IDs) that no shape alone can tell from other text.
 */
export interface LabelledValueSpec {
  readonly patternName: string;
  readonly labels: readonly string[];
  /** Matched at the first letter, digit or @ after the label; must not be global. */
  readonly value: RegExp;
  readonly score: number;
  /** Characters allowed between label and value (particles, colons, fillers, a line break). */
  readonly maxGap?: number;
  /** Rejects a matched value (a price, a word that only looks like an ID). */
  readonly reject?: (value: string, following: string, label: string) => boolean;
  /** What a value must look like when found past a clause or in an answer (default: digits, or _ . @ : inside). */
  readonly shape?: RegExp;
  /**
   * Looser ways to name the value, with words in between (お手元に証券があれば、番号を…, カードの裏の番号は…);
   * what follows them counts only with an identifier's shape.
   */
  readonly loosePattern?: RegExp;
  /** Trailing characters that end a sentence rather than the value. */
  readonly trimTrailing?: RegExp;
}

const VALUE_START = /[A-Za-z0-9@]/;
/** English connectives between a label and its value: "password is …", "ID: …", "No. …". */
const CONNECTIVE = /(?:(?:is|was|will be|no\.?)\s+|[=:#]\s*)/iy;

/**
 * @example
 * labelledValueFinder({ patternName: "id", labels: ["会員番号"], value: /[0-9]{6,}/, score: 0.8 })("会員番号は123456です")
 * // → [{ start: 5, end: 11, score: 0.8, patternName: "id" }]
 */
export function labelledValueFinder(spec: LabelledValueSpec): (text: string) => Candidate[] {
  const labelWords = new WordsMatcher(spec.labels, { wholeKatakana: true });
  const valueRegex = new RegExp(spec.value.source, spec.value.flags.replace("g", "") + "y");
  const maxGap = spec.maxGap ?? 16;
  const loose = spec.loosePattern ? new RegExp(spec.loosePattern.source, "g") : undefined;
  return (text) => {
    const out: Candidate[] = [];
    for (const label of loose ? globalMatches(loose, text) : []) {
      const end = label.index + label[0].length;
      const value = firstShapedValue(text, end, end + maxGap, valueRegex, spec, label[0]);
      if (value) out.push({ ...value, score: value.score - FAR_PENALTY, patternName: `${spec.patternName}-loose` });
    }
    for (const label of labelWords.matchAll(text)) {
      const end = label.index + label[0].length;
      const near = valueAt(text, end, maxGap, valueRegex, spec, label[0]);
      if (near) {
        out.push(near);
        // 暗証番号って 7351 のまま…ネットのほうも Yumi_2024pw で一緒: a second value "too" (も) in the sentence.
        const rest = text.slice(near.end, near.end + FAR_GAP);
        const also = /^[^。\n]*?も\s?/.exec(rest);
        if (also) {
          const second = firstShapedValue(text, near.end + also[0].length, near.end + also[0].length + 4, valueRegex, spec, label[0]);
          if (second) out.push({ ...second, score: second.score - FAR_PENALTY, patternName: `${spec.patternName}-also` });
        }
        continue;
      }
      // Further on, past a clause (PINを忘れちゃったかも。0629だった…), only an identifier-shaped token counts,
      // and with less confidence, so that a nearer label of another type wins.
      const far = firstShapedValue(text, end, end + FAR_GAP, valueRegex, spec, label[0]);
      if (far) out.push({ ...far, score: far.score - FAR_PENALTY, patternName: `${spec.patternName}-far` });
    }
    return out;
  };
}

/**
 * The same value read as the answer to a question: when the previous utterance names the label
 * (お客様IDをお願いします), the first value near the start of this utterance is the one asked for.
 *
 * @example
 * labelledAnswerFinder(spec)("会員番号をお願いします。", "えっと、A1234567です") // → A1234567
 */
export function labelledAnswerFinder(spec: LabelledValueSpec): (question: string, answer: string) => Candidate[] {
  const labelWords = new WordsMatcher(spec.labels, { wholeKatakana: true });
  const loose = spec.loosePattern ? new RegExp(spec.loosePattern.source, "i") : undefined;
  const value = new RegExp(spec.value.source, spec.value.flags.replace("g", "") + "y");
  return (question, answer) => {
    // The leftmost label or loose phrase; a label wins where both start (it comes first in the alternation).
    const word = labelWords.first(question);
    const phrase = loose?.exec(question) ?? null;
    const label = word && (!phrase || word.index <= phrase.index) ? word : phrase;
    if (!label) return [];
    // An answer may open with words ("Added you! Mine is …", "えっと、カードの裏に、…").
    const candidate = firstShapedValue(answer, 0, ANSWER_GAP, value, spec, label[0]);
    // Weaker than any label in the utterance itself.
    return candidate ? [{ ...candidate, score: candidate.score - ANSWER_PENALTY, patternName: `${spec.patternName}-answer` }] : [];
  };
}

/** The first identifier-shaped value (digits, or _ . @ : inside) starting before `limit`. */
function firstShapedValue(text: string, from: number, limit: number, value: RegExp, spec: LabelledValueSpec, label: string): Candidate | undefined {
  for (let at = from; at < limit; ) {
    const candidate = valueAt(text, at, limit - at, value, spec, label, true);
    if (!candidate || candidate.start >= limit) return undefined;
    if ((spec.shape ?? IDENTIFIER_SHAPE).test(text.slice(candidate.start, candidate.end))) return candidate;
    at = candidate.end;
  }
  return undefined;
}

const FAR_PENALTY = 0.2;
const ANSWER_PENALTY = 0.25;

/** How far past its label a shaped value may stand. */
const FAR_GAP = 30;

const FILLERS = /えーっと|えーと|えっと|あのー|あの|えー|まあ|です|ですが|でございます|になります|ですね/g;
const MAX_GAP_WORDS = 4;

/** Japanese characters between a label and a value, fillers and copulas aside. */
function wordsIn(gap: string): number {
  return (gap.replace(FILLERS, "").match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu) ?? []).length;
}

/** How far into an answer its value may start. */
const ANSWER_GAP = 28;
/** Without a label in the same utterance, a plain word (Sorry, WAN) is not taken for a value. */
const IDENTIFIER_SHAPE = /[0-9]|[A-Za-z][_.@:][A-Za-z0-9]/;

function valueAt(
  text: string,
  from: number,
  maxGap: number,
  value: RegExp,
  spec: LabelledValueSpec,
  label: string,
  answer = false,
): Candidate | undefined {
  let at = from;
  while (at < text.length && at - from <= maxGap && !VALUE_START.test(text[at]!)) at++;
  if (at >= text.length || at - from > maxGap) return undefined;
  // After a label, only particles, punctuation and fillers stand before its value; a clause in between
  // (暗証番号に変更はございません。Web…) means the next token is about something else.
  if (!answer && wordsIn(text.slice(from, at)) > MAX_GAP_WORDS) return undefined;
  for (;;) {
    CONNECTIVE.lastIndex = at;
    const connective = CONNECTIVE.exec(text);
    if (!connective || connective[0].length === 0) break;
    at += connective[0].length;
  }
  value.lastIndex = at;
  const match = value.exec(text);
  if (!match) return undefined;
  let surface = match[0];
  if (spec.trimTrailing) surface = surface.replace(spec.trimTrailing, "");
  if (surface.length === 0) return undefined;
  const following = text.slice(at + surface.length, at + surface.length + 4);
  if (spec.reject?.(surface, following, label)) return undefined;
  return { start: at, end: at + surface.length, score: spec.score, patternName: spec.patternName, labelBound: true };
}

/** Units that make a number a quantity, a price, a time or a date rather than an identifier. */
export const UNIT_AFTER = /^\s?(?:円|歳|才|個|件|時|分|秒|日|月|年|回|名|人|枚|台|本|冊|点|倍|割|%|万|億|桁|泊|階|丁目|番地|号|文字|GB|MB|TB|kg|km|cm|mm|ml|ドル|ポイント|pt)/i;
