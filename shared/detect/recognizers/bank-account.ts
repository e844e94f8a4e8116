import { digitsOnly, type Recognizer } from "../recognizer.js";
import { UNIT_AFTER } from "../labelled-value.js";

const NOT_UNIT = `(?!${UNIT_AFTER.source.slice(1)})`;

/**
 * BANK_ACCOUNT: the account number only (not bank, branch or type), near 口座/普通/当座/振込 keywords;
 * ゆうちょ 記号-番号 pairs as one span.
 *
 * @example
 * analyze("振込先は普通預金1234567です") // → BANK_ACCOUNT over 1234567
 */
export const bankAccountRecognizer: Recognizer = {
  id: "jp-bank-account",
  entity: "BANK_ACCOUNT",
  description: "口座番号: 6-8 digits (ゆうちょ 5+8) near account keywords",
  patterns: [
    { name: "keyword-account-number", regex: new RegExp(`(?<![0-9]|\\d[ -])\\d(?:-?\\d){5,7}(?![0-9]|[ -]\\d)${NOT_UNIT}`, "gi"), score: 0.8, requiresContext: true },
    { name: "keyword-yucho", regex: /(?<![0-9])\d{5}-\d{6,8}(?![0-9])/g, score: 0.8, requiresContext: true },
  ],
  context: {
    words: ["口座", "普通", "当座", "振込", "振り込", "預金", "貯金", "ゆうちょ", "引き落と", "引落", "記号", "account"],
    before: 25,
    after: 10,
  },
  labels: ["口座番号", "口座", "普通預金", "当座預金", "普通", "当座", "振込先", "account number"],
  canonical: digitsOnly,
};
