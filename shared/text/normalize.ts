import { identityText, MappedTextBuilder, type MappedText } from "./mapped-text.js";

/** Dashes NFKC leaves alone but people and ASR use as hyphens between digits (pii-facts.md 5.1). */
const DASHES = new Set(["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u2500", "\u2501", "\u2043", "\uFE63"]);
/** The chōon mark ー is a hyphen between digits or letters but a vowel mark after kana. */
const CHOON = "\u30FC";
const WAVE_DASH = "\u301C";
const KANA = /[\u3041-\u309F\u30A0-\u30FA\u30FD-\u30FF]/u;
/** Marks that combine with the previous character; NFKC must see them together with their base. */
const COMBINING = /[\p{M}\uFF9E\uFF9F]/u;

/** Per UTF-16 code unit: 1 when NFKC and the rules below leave it as it is, 2 when not, 0 not yet known. */
const KEPT = new Uint8Array(0x10000);

function kept(code: number): boolean {
  let known = KEPT[code]!;
  if (known === 0) {
    const c = String.fromCharCode(code);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    known = !surrogate && c.normalize("NFKC") === c && !COMBINING.test(c) && c !== CHOON && c !== WAVE_DASH && !DASHES.has(c) ? 1 : 2;
    KEPT[code] = known;
  }
  return known === 1;
}

/**
 * NFKC plus the dash class NFKC leaves alone, with an offset map back to the original.
 * Full-width letters, digits and symbols become ASCII, the ideographic space a space, half-width kana
 * full-width kana; `ー` becomes `-` unless it lengthens a kana vowel.
 *
 * @example
 * normalize("０９０ー１２３４").text // "090-1234"
 */
export function normalize(original: string): MappedText {
  // Most utterances are in normal form already: nothing to rewrite, nothing to map.
  let plain = 0;
  while (plain < original.length && kept(original.charCodeAt(plain))) plain++;
  if (plain === original.length) return identityText(original);
  const input = identityText(original);
  const out = new MappedTextBuilder(input);
  let i = 0;
  let previous = "";
  while (i < original.length) {
    // A character NFKC and the rules here leave alone, with no mark combining with it, is copied as it is.
    if (kept(original.charCodeAt(i)) && !COMBINING.test(original[i + 1] ?? "")) {
      out.push(original[i]!, i, i + 1);
      previous = original[i]!;
      i++;
      continue;
    }
    const first = original.codePointAt(i)!;
    let end = i + (first > 0xffff ? 2 : 1);
    // Keep a base character together with its combining marks (ｶﾞ → ガ, not カ + ゙).
    while (end < original.length && COMBINING.test(original[end]!)) end++;
    const cluster = original.slice(i, end);
    let normalized = cluster.normalize("NFKC"); // ｰ (half-width) becomes ー here, then joins the rule below
    if (normalized === CHOON) {
      normalized = KANA.test(previous) ? CHOON : "-";
    } else if (DASHES.has(normalized)) {
      normalized = "-";
    } else if (normalized === WAVE_DASH) {
      normalized = "~";
    }
    out.push(normalized, i, end);
    if (normalized.length > 0) previous = normalized[normalized.length - 1]!;
    i = end;
  }
  return out.build();
}
