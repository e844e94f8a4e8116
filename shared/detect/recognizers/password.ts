import type { Recognizer } from "../recognizer.js";
import { labelledAnswerFinder, labelledValueFinder, type LabelledValueSpec, UNIT_AFTER } from "../labelled-value.js";

export const PASSWORD_LABELS: readonly string[] = [
  "パスワード", "パスコード", "暗証番号", "暗証", "ピン番号", "ピンコード", "PINコード", "PIN", "PW", "password",
  "passcode", "合言葉", "パスフレーズ", "暗号化キー", "セキュリティキー", "ネットワークキー", "Wi-Fiキー", "キー", "key",
];

const PASSWORD_SPEC: LabelledValueSpec = {
  patternName: "labelled",
  labels: PASSWORD_LABELS,
  // Brackets end the value: in prose they enclose it ("ID（…）"); they rarely belong to it.
  value: /[!-'*-~]{3,64}/,
  score: 0.9,
  maxGap: 14,
  reject: (value, following, label) =>
    UNIT_AFTER.test(following) ||
    // After an English label a plain lower-case word is prose ("PIN this message"), not a secret.
    (/^[A-Za-z]+$/.test(label) && /^[a-z]{1,10}$/.test(value)),
  trimTrailing: /[.,;:)\]}>"'。、]+$/,
};

/**
 * PASSWORD: passwords and PINs after their label (パスワードはsakura2024です → sakura2024).
 *
 * @example
 * analyze("暗証番号はいちにさんよんです") // → PASSWORD over いちにさんよん
 */
export const passwordRecognizer: Recognizer = {
  id: "password",
  entity: "PASSWORD",
  description: "Passwords and PINs after their label",
  find: labelledValueFinder(PASSWORD_SPEC),
  findAnswer: labelledAnswerFinder(PASSWORD_SPEC),
  context: { words: PASSWORD_LABELS },
  labels: PASSWORD_LABELS,
  canonical: (value) => value,
};
