import type { Analyzer } from "./analyze.js";
import type { Finding } from "./finding.js";
import { addRepeats, DEFAULT_REPEAT_OPTIONS, type KnownValue, type RepeatOptions } from "./repeats.js";

/**
 * Analyzes the utterances of one conversation in order: each utterance reads the previous one as context
 * (an answer is typed by its question), and values found anywhere are found again where repeated.
 *
 * @example
 * analyzeConversation(analyzer, ["口座番号をお願いします。", "1234567です。", "1234567ですね。"])
 * // → [[], [BANK_ACCOUNT], [BANK_ACCOUNT]]
 */
export function analyzeConversation(
  analyzer: Analyzer,
  texts: readonly string[],
  repeatOptions: RepeatOptions = DEFAULT_REPEAT_OPTIONS,
  known: readonly KnownValue[] = [],
): Finding[][] {
  const own = texts.map((text, i) => analyzer.analyze(text, i > 0 ? { precedingText: texts[i - 1]! } : {}));
  return addRepeats(texts, own, repeatOptions, known);
}
