import { prepareText } from "../text/analysis-text.js";
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
  // Each utterance is prepared once: for its own analysis, as the next one's preceding text, and for the repeats.
  const views = texts.map((text) => prepareText(text));
  const own = views.map((view, i) => analyzer.analyzePrepared(view, views[i - 1]));
  return addRepeats(views, own, repeatOptions, known);
}
