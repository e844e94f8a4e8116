import { globalMatches } from "./recognizer.js";
/**
 * Placeholders already in the input (earlier masking, vendor redaction) and tokumei's own output. They are
 * not PII and must survive re-anonymization unchanged, so findings that touch them are dropped.
 */
const PLACEHOLDER = /<[A-Z][A-Z_]*(?:[_:#][0-9A-Za-z]+)?>|<XX+>|\[PII\]|\[[A-Z_]+\]|[＊*]{2,}|[○●×]{2,}/g;

/**
 * @example
 * placeholderRanges("担当は<PERSON_1>です") // → [{ start: 3, end: 13 }]
 */
export function placeholderRanges(text: string): Array<{ start: number; end: number }> {
  return globalMatches(PLACEHOLDER, text).map((m) => ({ start: m.index, end: m.index + m[0].length }));
}
