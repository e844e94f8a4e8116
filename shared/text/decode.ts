import { InputFormatError } from "../errors.js";

/**
 * Turning an input file's bytes into text. Japanese teams export UTF-8 (with or without a BOM), CP932
 * (Shift_JIS as Windows and Excel write it, with NEC/IBM extensions such as ①, ㈱, 髙) and UTF-16 with a BOM
 * (Excel's "Unicode text"). The encoding is detected, never guessed silently: a file that decodes cleanly in
 * none of them, or that switches encoding part-way, is refused with the byte offset of the first bad byte.
 */

/** Encodings tokumei reads; the name is what the audit record reports. */
export type InputEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "cp932";

export interface DecodedInput {
  readonly text: string;
  readonly encoding: InputEncoding;
}

/**
 * Decodes an input file: BOMs decide first (UTF-8, UTF-16LE/BE; the BOM is dropped), then UTF-8 without a
 * BOM, then UTF-16 without a BOM when every other byte is zero in an ASCII-heavy file, then CP932.
 * Throws InputFormatError naming the byte offset (never the content) when no encoding fits or when the file
 * is valid UTF-8 for a while and then is not (a file assembled from two encodings).
 *
 * @example
 * decodeInput(new TextEncoder().encode("こんにちは"), "a.txt") // { text: "こんにちは", encoding: "utf-8" }
 * decodeInput(Uint8Array.of(0x82, 0xa0), "a.csv") // { text: "あ", encoding: "cp932" }
 */
export function decodeInput(bytes: Uint8Array, file: string): DecodedInput {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: strictDecode("utf-8", bytes.subarray(3), file, 3), encoding: "utf-8-bom" };
  }
  if (startsWith(bytes, [0xff, 0xfe])) return { text: strictDecode("utf-16le", bytes.subarray(2), file, 2), encoding: "utf-16le" };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: strictDecode("utf-16be", bytes.subarray(2), file, 2), encoding: "utf-16be" };

  const badUtf8 = firstInvalidUtf8(bytes);
  if (badUtf8 === bytes.length) return { text: new TextDecoder("utf-8").decode(bytes), encoding: "utf-8" };

  const utf16 = bomlessUtf16(bytes);
  if (utf16 !== undefined) return { text: strictDecode(utf16, bytes, file, 0), encoding: utf16 };

  if (multibyteUtf8Before(bytes, badUtf8) >= MIXED_ENCODING_EVIDENCE) {
    throw new InputFormatError(
      `mixed encodings: valid UTF-8 with Japanese text up to byte ${badUtf8}, then bytes that are not UTF-8; save the file in one encoding`,
      { file },
    );
  }
  const badCp932 = firstInvalidCp932(bytes);
  if (badCp932 === undefined) return { text: new TextDecoder("shift_jis").decode(bytes), encoding: "cp932" };
  throw new InputFormatError(
    `undecodable: not UTF-8 (first invalid byte at offset ${badUtf8}) nor CP932/Shift_JIS (first invalid byte at offset ${badCp932})`,
    { file },
  );
}

/**
 * Decodes UTF-8 only (a BOM is dropped). For inputs whose format fixes the encoding (JSON from Transcribe).
 *
 * @example
 * decodeUtf8(new TextEncoder().encode("こんにちは"), "a.txt") // "こんにちは"
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const offset = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  return strictDecode("utf-8", bytes.subarray(offset), file, offset);
}

/** Two or more Japanese (multibyte) UTF-8 characters before the first bad byte: the file began as UTF-8. */
export const MIXED_ENCODING_EVIDENCE = 2;

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function strictDecode(encoding: "utf-8" | "utf-16le" | "utf-16be", bytes: Uint8Array, file: string, base: number): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = encoding === "utf-8" ? firstInvalidUtf8(bytes) : firstInvalidUtf16(bytes, encoding === "utf-16le");
    throw new InputFormatError(`not valid ${encoding.toUpperCase()} (first invalid byte at offset ${base + at})`, { file });
  }
}

/** Offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or the length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    const second = bytes[i + 1];
    if (second === undefined) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates or > U+10FFFF).
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

export function multibyteUtf8Before(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i]! >= 0xc2 && bytes[i]! <= 0xf4) count++;
  return count;
}

/** Offset of the first byte CP932 cannot decode, or undefined when the whole input decodes. */
function firstInvalidCp932(bytes: Uint8Array): number | undefined {
  try {
    new TextDecoder("shift_jis", { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Decoding up to each lead byte finds the first failure without a second table of our own.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const width = b < 0x80 || (b >= 0xa1 && b <= 0xdf) ? 1 : 2;
      try {
        new TextDecoder("shift_jis", { fatal: true }).decode(bytes.subarray(i, i + width));
      } catch {
        return i;
      }
      i += width;
    }
    return bytes.length;
  }
}

function firstInvalidUtf16(bytes: Uint8Array, littleEndian: boolean): number {
  if (bytes.length % 2 !== 0) return bytes.length - 1;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = littleEndian ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const j = i + 2;
      const next = j + 1 < bytes.length ? (littleEndian ? bytes[j]! | (bytes[j + 1]! << 8) : (bytes[j]! << 8) | bytes[j + 1]!) : -1;
      if (next < 0xdc00 || next > 0xdfff) return i;
      i += 2;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return i;
    }
  }
  return bytes.length;
}

/**
 * UTF-16 without a BOM shows as zero bytes in every other position for its ASCII characters (newlines,
 * commas, digits, which every log has). Needs an even length and most of one byte column to be zero.
 */
export function bomlessUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  const sample = Math.min(bytes.length, 4096);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < sample; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = sample / 2;
  if (oddZero >= pairs * 0.3 && evenZero === 0) return "utf-16le";
  if (evenZero >= pairs * 0.3 && oddZero === 0) return "utf-16be";
  return undefined;
}
