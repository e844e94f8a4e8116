import { InputFormatError } from "../errors.js";

/**
 * Decodes UTF-8 input (a BOM is dropped). Invalid bytes are an error naming the byte offset, so a file in
 * another encoding is refused rather than half-read.
 *
 * @example
 * decodeUtf8(new TextEncoder().encode("こんにちは"), "a.txt") // "こんにちは"
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch {
    throw new InputFormatError(`not valid UTF-8 (first invalid byte at offset ${firstInvalidUtf8(bytes)})`, { file });
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
