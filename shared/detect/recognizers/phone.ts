import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { type Candidate, type Recognizer, globalMatches } from "../recognizer.js";

/** Japanese number shapes libphonenumber may reject as unassigned but a person still gave as theirs. */
const JP_SHAPE = /(?<![0-9+])(?:\+81[ -]?\(?0?\)?|0)\d{1,4}[ -]?\(?\d{1,4}\)?[ -]?\d{3,4}(?![0-9])/g;

/** Digits glued to letters are part of an ID (MD-2087-556193), and dotted quads an IP address: not phones. */
function gluedToLetters(text: string, start: number, end: number): boolean {
  // Dotted quads with a prefix length are network addresses (203.0.113.0/24), never phone numbers.
  const surface = text.slice(start, end);
  if (/\d\.\d{1,3}\.\d{1,3}\.\d/.test(surface) || surface.includes("/") || text[end] === "/" || text[start - 1] === ".") return true;
  const before = text[start - 1] ?? "";
  const after = text[end] ?? "";
  return (
    /[A-Za-z]/.test(before) ||
    (before === "-" && /[A-Za-z0-9]/.test(text[start - 2] ?? "")) ||
    // Letters right after are not enough (…5678まで, …5678test): only a hyphen joining more ID parts is.
    (after === "-" && /[A-Za-z0-9]/.test(text[end + 1] ?? ""))
  );
}

/** Every digit libphonenumber reads (ASCII, full-width, Arabic-Indic, its VALID_DIGITS). */
const ANY_DIGIT = /[0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]/g;
/**
 * The fewest digits any number can have: a valid number is a country code plus a national number of a possible
 * length, at least 6 digits in libphonenumber's metadata (+43 and a 4-digit Austrian number); JP_SHAPE needs 6.
 */
export const MIN_PHONE_DIGITS = 6;

function hasEnoughDigits(text: string): boolean {
  ANY_DIGIT.lastIndex = 0;
  for (let n = 0; ANY_DIGIT.test(text); ) if (++n >= MIN_PHONE_DIGITS) return true;
  return false;
}

function findPhones(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Most utterances have no digit or only a few (a date, a price); libphonenumber's matcher is costly even then.
  if (!hasEnoughDigits(text)) return out;
  for (const found of findPhoneNumbersInText(text, { defaultCountry: "JP" })) {
    if (gluedToLetters(text, found.startsAt, found.endsAt)) continue;
    out.push({
      start: found.startsAt,
      end: found.endsAt,
      score: 0.75,
      patternName: "libphonenumber-valid",
      validated: true,
      canonical: found.number.number,
    });
  }
  for (const match of globalMatches(JP_SHAPE, text)) {
    const parsed = parsePhoneNumberFromString(match[0], "JP");
    if (!parsed?.isPossible() || gluedToLetters(text, match.index, match.index + match[0].length)) continue;
    out.push({
      start: match.index,
      end: match.index + match[0].length,
      score: 0.45,
      patternName: "jp-shape-possible",
      canonical: parsed.number,
    });
  }
  return out;
}

/**
 * PHONE: any phone or fax number (mobile, landline, toll-free, +81), typed or spoken (spoken digit strings
 * arrive here already rewritten to ASCII by the analysis text).
 *
 * @example
 * analyze("携帯は〇九〇の一二三四の五六七八です") // → PHONE over 〇九〇の一二三四の五六七八
 */
export const phoneRecognizer: Recognizer = {
  id: "jp-phone",
  entity: "PHONE",
  description: "Phone and fax numbers (libphonenumber-js, region JP) incl. spoken digit strings",
  find: findPhones,
  context: {
    words: ["電話", "携帯", "ケータイ", "TEL", "FAX", "ファックス", "ファクス", "連絡", "折り返", "番号", "固定", "自宅",
      "直通", "代表", "ダイヤル", "かけ", "着信", "phone", "call", "mobile", "cell", "contact"],
  },
  labels: ["電話番号", "携帯番号", "携帯電話", "電話", "携帯", "TEL", "FAX", "ファックス", "連絡先", "ご連絡先",
    "折り返し先", "phone number", "phone", "mobile"],
};
