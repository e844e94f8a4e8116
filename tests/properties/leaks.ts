import type { Identifier } from "./arbitraries.js";

/**
 * The leak check of the property tests, written apart from the detector: what of an identifier is still readable
 * in the masked output that the surrounding context does not explain.
 */

const KANJI_DIGITS = "〇一二三四五六七八九";

/** Every digit of `text` in order (ASCII, full-width and kanji digits as ASCII), nothing else. */
export function digitsOf(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code >= 0x30 && code <= 0x39) out += c;
    else if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xfee0);
    else if (KANJI_DIGITS.includes(c)) out += String(KANJI_DIGITS.indexOf(c));
  }
  return out;
}

function count(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

/**
 * What of `value` survives in `masked`: its written form, a piece (a digit group, an e-mail's local part) or its
 * whole digit sequence, each counted beyond what `context` (the text around it, without the value) holds.
 *
 * @example
 * leaks("携帯は<PHONE_1>です", phoneValue, "携帯はです") // → []
 */
export function leaks(masked: string, value: Identifier, context: string): string[] {
  const found: string[] = [];
  for (const piece of [value.written, ...value.pieces]) {
    if (count(masked, piece) > count(context, piece)) found.push(`"${piece}" left in the output`);
  }
  if (value.digits && count(digitsOf(masked), value.digits) > count(digitsOf(context), value.digits)) {
    found.push(`the digits ${value.digits} left in the output`);
  }
  return found;
}
