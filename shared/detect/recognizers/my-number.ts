import { digitsOnly, type Recognizer } from "../recognizer.js";

/**
 * 個人番号 check digit (pii-facts.md 5.2): 11 − (Σ Pn·Qn mod 11), 0 when the remainder is ≤ 1;
 * Pn is the n-th digit from the right excluding the check digit, Qn = n+1 for n ≤ 6, n−5 for n ≥ 7.
 *
 * @example
 * myNumberValid("123456789018") // true
 */
export function myNumberValid(digits: string): boolean {
  if (!/^\d{12}$/.test(digits)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = digits.charCodeAt(11 - n) - 48;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const remainder = sum % 11;
  const check = remainder <= 1 ? 0 : 11 - remainder;
  return check === digits.charCodeAt(11) - 48;
}

/** 12 digits in any grouping: 4-4-4 typed, 3-3-3-3 or pairs as read aloud. */
const TWELVE_DIGITS = /(?<![0-9]|\d[ -])\d(?:[ -]?\d){11}(?![0-9]|[ -]\d)/g;

/**
 * MY_NUMBER: 12 digits with a valid check digit; with マイナンバー/個人番号 nearby, kept even when the
 * check digit fails (a misheard digit must not un-mask the rest).
 *
 * @example
 * analyze("マイナンバーは1234 5678 9018です") // → MY_NUMBER
 */
export const myNumberRecognizer: Recognizer = {
  id: "jp-my-number",
  entity: "MY_NUMBER",
  description: "個人番号 (My Number): 12 digits with check digit, or 12 digits after its keyword",
  patterns: [
    { name: "checksum", regex: TWELVE_DIGITS, score: 0.3 },
    { name: "keyword", regex: TWELVE_DIGITS, score: 0.6, requiresContext: true, validate: false },
  ],
  validate: (value) => myNumberValid(digitsOnly(value)),
  validatedScore: 0.6,
  // Twelve digits with a valid check digit are masked even after another type's label (お電話…番号は): no phone
  // has twelve digits, and a My Number left readable is the worst leak there is. Non-PII labels still win.
  strongValidation: true,
  context: { words: ["マイナンバー", "個人番号", "my number", "mynumber", "通知カード", "番号カード"] },
  // Not "my number": in English it introduces a phone number as often as anything.
  labels: ["マイナンバー", "個人番号", "マイナンバーカード"],
  canonical: digitsOnly,
};
