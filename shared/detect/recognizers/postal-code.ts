import { digitsOnly, type Recognizer } from "../recognizer.js";

/** A prefecture or a municipality right after the code: `123-4567 東京都…`. */
const ADDRESS_AFTER = "(?=[、,]?\\s?(?:で|です)?[、,]?\\s?(?:北海道|東京都|大阪府|京都府|\\p{Script=Han}{2,3}県|\\p{Script=Han}{1,4}[市区町村郡]))";

/**
 * POSTAL_CODE: 郵便番号 (3+4 digits); weak alone, so it needs 〒, 郵便番号, 住所 nearby, or a hyphenated code
 * followed by an address. The 〒 mark stays outside the span (policy rule 7).
 *
 * @example
 * analyze("〒150-0041 東京都渋谷区…") // → POSTAL_CODE over 150-0041
 */
export const postalCodeRecognizer: Recognizer = {
  id: "jp-postal-code",
  entity: "POSTAL_CODE",
  description: "郵便番号: context-gated 7 digits",
  patterns: [
    { name: "after-mark", regex: /〒\s?(?<value>\d{3}-?\d{4})(?![0-9])/g, score: 0.95 },
    { name: "before-address", regex: new RegExp(`(?<![0-9-])\\d{3}-\\d{4}(?![0-9])${ADDRESS_AFTER}`, "gu"), score: 0.8 },
    { name: "keyword", regex: /(?<![0-9-])\d{3}-?\d{4}(?![0-9-])/g, score: 0.7, requiresContext: true },
  ],
  context: {
    words: ["〒", "郵便番号", "郵便", "ゆうびん", "住所", "郵送", "送付先", "送り先", "届け先", "postal", "zip", "postcode", "address"],
    before: 20,
    after: 8,
  },
  labels: ["郵便番号", "〒", "postal code", "zip code", "zip"],
  canonical: digitsOnly,
};
