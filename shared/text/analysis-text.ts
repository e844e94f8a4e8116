import type { MappedText } from "./mapped-text.js";
import { normalize } from "./normalize.js";
import { rewriteSpokenDigits } from "./spoken-numbers.js";

/**
 * The text every recognizer reads: NFKC with dashes unified, spoken digit strings as ASCII digits,
 * mapped back to the original's UTF-16 offsets.
 *
 * @example
 * prepareText("〇九〇の１２３４の５６７８").text // "090-1234-5678"
 */
export function prepareText(original: string): MappedText {
  return rewriteSpokenDigits(normalize(original));
}
