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

/** EAN-13 / JAN check digit: weights 1 and 3 alternating from the left. */
function ean13Valid(digits: string): boolean {
  const sum = [...digits.slice(0, 12)].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === Number(digits[12]);
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
    // Japanese product barcodes (JAN, 45/49 + EAN-13 check digit) are 13 digits too.
    if (digits.length === 13 && /^4[59]/.test(digits) && ean13Valid(digits)) return false;
    // Luhn passes one random number in ten: outside issuer ranges, only card context keeps it.
    return ISSUER_PREFIX.test(digits) ? true : undefined;
  },
  validatedScore: 0.95,
  strongValidation: true,
  context: { words: ["カード", "クレジット", "クレカ", "card", "Visa", "VISA", "Master", "JCB", "AMEX", "アメックス", "ダイナース", "決済", "支払"] },
  labels: ["カード番号", "クレジットカード番号", "クレジットカード", "クレカ", "card number", "card no"],
  canonical: digitsOnly,
};
