import { digitsOnly, type Recognizer } from "../recognizer.js";

/**
 * Driver's licence check digit as published second-hand (mod 11, weights 5,4,3,2,7,6,5,4,3,2 over the first
 * ten digits). Unconfirmed by a primary source, so it only raises the score and never rejects.
 *
 * @example
 * licenseCheckDigitValid("301234567890") // true or false; never used to drop a match
 */
export function licenseCheckDigitValid(digits: string): boolean {
  if (!/^\d{12}$/.test(digits)) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * (digits.charCodeAt(i) - 48), 0);
  const remainder = sum % 11;
  const check = remainder <= 1 ? 0 : 11 - remainder;
  return check === digits.charCodeAt(10) - 48;
}

/**
 * DRIVERS_LICENSE: the 12-digit licence number, only near 免許 and similar keywords.
 *
 * @example
 * analyze("免許証番号は301234567890です") // → DRIVERS_LICENSE
 */
export const driversLicenseRecognizer: Recognizer = {
  id: "jp-drivers-license",
  entity: "DRIVERS_LICENSE",
  description: "運転免許証番号: 12 digits, keyword-gated, check digit as a booster",
  patterns: [
    { name: "keyword-12-digits", regex: /(?<![0-9]|\d[ -])\d(?:[ -]?\d){11}(?![0-9]|[ -]\d)/g, score: 0.75, requiresContext: true },
  ],
  validate: (value) => (licenseCheckDigitValid(digitsOnly(value)) ? true : undefined),
  validatedScore: 0.95,
  context: { words: ["免許", "運転免許", "免許証", "運転経歴", "license", "licence"], before: 40 },
  labels: ["免許証番号", "運転免許証番号", "運転免許証", "免許証", "免許番号", "license number", "licence number"],
  canonical: digitsOnly,
};
