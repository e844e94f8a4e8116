import type { Recognizer } from "../recognizer.js";

/**
 * PASSPORT: 2 letters + 7 digits, only near パスポート/旅券 (no checksum exists).
 *
 * @example
 * analyze("パスポート番号はTR1234567です") // → PASSPORT
 */
export const passportRecognizer: Recognizer = {
  id: "jp-passport",
  entity: "PASSPORT",
  description: "旅券番号: two letters and seven digits, keyword-gated",
  patterns: [
    { name: "keyword-2-letters-7-digits", regex: /(?<![A-Za-z0-9])[A-Za-z]{2}[ -]?\d{7}(?![0-9])/g, score: 0.85, requiresContext: true },
    // The shape alone is rare outside passports; model numbers carry other labels (型番) and lose to them.
    { name: "2-letters-7-digits", regex: /(?<![A-Za-z0-9-])[A-Z]{2}-?\d{7}(?![0-9A-Za-z-])/g, score: 0.5 },
  ],
  context: { words: ["パスポート", "旅券", "passport"], before: 40, after: 20 },
  labels: ["パスポート番号", "旅券番号", "パスポート", "旅券", "passport number", "passport no", "passport"],
  canonical: (value) => value.replace(/[ -]/g, "").toUpperCase(),
};
