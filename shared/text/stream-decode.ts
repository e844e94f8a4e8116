import { InputFormatError } from "../errors.js";
import { bomlessUtf16, decodeInput, firstInvalidUtf8, MIXED_ENCODING_EVIDENCE, multibyteUtf8Before, startsWith, type DecodedInput, type InputEncoding } from "./decode.js";

/**
 * Decoding an input as it streams in, so that a large export is never held twice (bytes and text): each
 * chunk is decoded and dropped. The encoding is chosen from the first 64 KiB by the rules of `decodeInput`
 * and then enforced on every later byte; a file that changes encoding after that is refused with the byte
 * offset, as is a file larger than the limit.
 */

/** Bytes looked at before choosing the encoding. */
const SNIFF_BYTES = 64 * 1024;

export interface StreamDecodeOptions {
  /** Inputs above this many bytes are refused (clear error instead of running out of memory). */
  readonly maxBytes: number;
}

/**
 * @example
 * const { text, encoding } = await decodeStream(s3Body, "incoming/chat/log.jsonl", { maxBytes: 256 * 2 ** 20 });
 */
export async function decodeStream(chunks: AsyncIterable<Uint8Array>, file: string, options: StreamDecodeOptions): Promise<DecodedInput> {
  const head: Uint8Array[] = [];
  let headLength = 0;
  let total = 0;
  let decoder: ChunkDecoder | undefined;
  const parts: string[] = [];

  const limit = (size: number) => {
    total += size;
    if (total > options.maxBytes) {
      throw new InputFormatError(`input is larger than the ${formatSize(options.maxBytes)} limit (maxInputBytes); split it or raise the limit`, { file });
    }
  };

  for await (const chunk of chunks) {
    limit(chunk.length);
    if (decoder === undefined) {
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < SNIFF_BYTES) continue;
      decoder = chooseDecoder(concat(head, headLength), file, false);
      parts.push(decoder.push(concat(head, headLength)));
      head.length = 0;
      continue;
    }
    parts.push(decoder.push(chunk));
  }
  if (decoder === undefined) return decodeInput(concat(head, headLength), file); // small input: one piece
  parts.push(decoder.end());
  return { text: parts.join(""), encoding: decoder.encoding };
}

interface ChunkDecoder {
  readonly encoding: InputEncoding;
  push(chunk: Uint8Array): string;
  end(): string;
}

/** Picks the encoding from the head; `complete` is false when more bytes follow (a sequence may be cut). */
function chooseDecoder(headBytes: Uint8Array, file: string, complete: boolean): ChunkDecoder {
  if (startsWith(headBytes, [0xef, 0xbb, 0xbf])) return streaming("utf-8", "utf-8-bom", file, 3);
  if (startsWith(headBytes, [0xff, 0xfe])) return streaming("utf-16le", "utf-16le", file, 2);
  if (startsWith(headBytes, [0xfe, 0xff])) return streaming("utf-16be", "utf-16be", file, 2);
  const bad = firstInvalidUtf8(headBytes);
  // A multibyte character cut by the end of the head is not an error yet.
  if (bad === headBytes.length || (!complete && bad >= headBytes.length - 3 && cutSequence(headBytes, bad))) {
    return streaming("utf-8", "utf-8", file, 0);
  }
  const utf16 = bomlessUtf16(headBytes);
  if (utf16 !== undefined) return streaming(utf16, utf16, file, 0);
  if (multibyteUtf8Before(headBytes, bad) >= MIXED_ENCODING_EVIDENCE) {
    throw new InputFormatError(
      `mixed encodings: valid UTF-8 with Japanese text up to byte ${bad}, then bytes that are not UTF-8; save the file in one encoding`,
      { file },
    );
  }
  return streaming("shift_jis", "cp932", file, 0);
}

/** The bytes from `at` are the start of a valid sequence that the head's end cut short. */
function cutSequence(bytes: Uint8Array, at: number): boolean {
  const lead = bytes[at]!;
  const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
  if (need < 0 || at + need < bytes.length) return false;
  for (let k = at + 1; k < bytes.length; k++) if ((bytes[k]! & 0xc0) !== 0x80) return false;
  return true;
}

function streaming(label: "utf-8" | "utf-16le" | "utf-16be" | "shift_jis", encoding: InputEncoding, file: string, bomLength: number): ChunkDecoder {
  const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: bomLength === 0 });
  let offset = 0;
  /** UTF-8: the unfinished sequence at the end of the previous chunk, to find the exact bad byte. */
  let carry: Uint8Array = new Uint8Array(0);
  const what = label === "shift_jis" ? "CP932/Shift_JIS" : label.toUpperCase();
  const fail = (chunk?: Uint8Array): never => {
    if (label === "utf-8" && chunk !== undefined) {
      const joined = concat([carry, chunk], carry.length + chunk.length);
      const at = offset - carry.length + firstInvalidUtf8(joined.subarray(offset === 0 ? bomLength : 0)) + (offset === 0 ? bomLength : 0);
      throw new InputFormatError(`not valid UTF-8 (first invalid byte at offset ${at}); the file changes encoding or is damaged there`, { file });
    }
    throw new InputFormatError(`not valid ${what} at or after byte ${offset}; the file changes encoding or is damaged there`, { file });
  };
  return {
    encoding,
    push(chunk) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        if (label === "utf-8") carry = unfinishedTail(chunk);
        offset += chunk.length;
        return text;
      } catch {
        return fail(chunk);
      }
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        return fail();
      }
    },
  };
}

/** The last bytes of a chunk when they start a UTF-8 sequence the chunk does not finish. */
function unfinishedTail(chunk: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= chunk.length; back++) {
    const b = chunk[chunk.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    return need >= back ? chunk.subarray(chunk.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** 256 MiB, 1.5 MiB, 64 bytes: a size limit as people say it. */
export function formatSize(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB` : `${bytes} bytes`;
}
