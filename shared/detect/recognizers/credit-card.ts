import { digitsOnly, type Recognizer } from "../recognizer.js";

/**
 * Luhn (mod 10) check over a digit string.
 *
 * @example
 * luhnValid("4242424242424242") // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Issuer ranges in use (Visa 4, Mastercard 2/5, Amex 34/37, JCB 35, Diners 30/36/38, Discover/UnionPay 6). */
const ISSUER_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[0-9]|6)/;

/**
 * CREDIT_CARD: 13–19 digits, grouped by spaces or hyphens or not, passing Luhn. A Luhn failure drops the
 * match (a 16-digit order number is not a card, policy rule 8).
 *
 * @example
 * analyze("カード番号は4980 1234 5678 9016です") // → CREDIT_CARD
 */
export const creditCardRecognizer: Recognizer = {
  id: "credit-card",
  entity: "CREDIT_CARD",
  description: "Card numbers of 13-19 digits validated by Luhn",
  patterns: [{ name: "digits-13-19", regex: /(?<![0-9])\d(?:[ -]?\d){12,18}(?![0-9])/g, score: 0.3 }],
  validate: (value) => {
    const digits = digitsOnly(value);
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return false;
    return ISSUER_PREFIX.test(digits) ? true : undefined;
  },
  validatedScore: 0.95,
  strongValidation: true,
  context: { words: ["カード", "クレジット", "クレカ", "card", "Visa", "VISA", "Master", "JCB", "AMEX", "アメックス", "ダイナース", "決済", "支払"] },
  labels: ["カード番号", "クレジットカード番号", "クレジットカード", "クレカ", "card number", "card no"],
  canonical: digitsOnly,
};
