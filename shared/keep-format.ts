import iconv from "iconv-lite";
import { z } from "zod";
import type { AnonymizedConversation, Engine } from "./engine.js";
import { DetectionError, InputFormatError } from "./errors.js";
import { formatModule, type ParseOptions, resolveParseOptions } from "./formats/index.js";
import type { ExtraOutputs } from "./pipeline.js";
import type { InputEncoding } from "./text/decode.js";

/**
 * `--keep-format`: the anonymized input written again in its own format (a masked LINE history, Transcribe
 * JSON, chat CSV …), so that it can be handed on as it is: same layout, and the input's own encoding unless
 * another is asked for. Only PII is replaced: utterances as in the datasets, speaker names by their
 * speaker_N pseudonyms, other personal fields through the engine's maskField/maskName.
 */

/**
 * The encoding of keep-format outputs: "input" (the encoding the input was read in: CP932 stays CP932, a
 * UTF-8 BOM is kept, UTF-16 keeps its byte order and is written with a BOM) or a fixed one.
 *
 * @example
 * KeepFormatEncodingSchema.parse("utf-8"); // "utf-8"
 */
export const KeepFormatEncodingSchema = z.enum(["input", "utf-8", "utf-8-bom", "cp932", "utf-16le", "utf-16be"]);
export type KeepFormatEncoding = z.infer<typeof KeepFormatEncodingSchema>;

/**
 * Where the keep-format copy of an input goes.
 *
 * @example
 * keepFormatKey("line/talk.txt"); // "keep-format/line/talk.txt"
 */
export function keepFormatKey(inputKey: string): string {
  return `keep-format/${inputKey}`;
}

export interface KeepFormatOptions {
  /** Default "input". */
  readonly encoding?: KeepFormatEncoding;
  /** The parse options the pipeline parses with (format override, field mapping, roles). */
  readonly parse?: ParseOptions;
}

/**
 * The pipeline's `extraOutputs` hook for `--keep-format`: one more output per input, written with the
 * datasets (so never for an input that failed) and listed in its audit record.
 *
 * @example
 * await processObject(key, storage, engine, { extraOutputs: keepFormatOutputs(engine, { encoding: "input" }) });
 */
export function keepFormatOutputs(engine: Engine, options: KeepFormatOptions = {}): ExtraOutputs {
  const encoding = KeepFormatEncodingSchema.parse(options.encoding ?? "input");
  return ({ inputKey, text, encoding: read, format, anonymized, bytes }) => {
    if (bytes !== undefined) return [{ key: keepFormatKey(inputKey), body: renderKeepFormatBytes(engine, inputKey, bytes, anonymized, format) }];
    // The pipeline has settled the format already: no second detection.
    const rendered = renderKeepFormat(engine, inputKey, text, anonymized, { ...options.parse, format });
    return [{ key: keepFormatKey(inputKey), body: encodeText(rendered, encoding === "input" ? read : encoding, inputKey) }];
  };
}

/**
 * The input text written again in its format with the anonymization of `anonymized` (what the engine
 * returned for the conversations parsed from `text` with `parse`, in order).
 *
 * @example
 * const anonymized = parseConversations("talk.txt", text).map((c) => engine.anonymizeConversation(c));
 * renderKeepFormat(engine, "talk.txt", text, anonymized); // "[LINE] speaker_2とのトーク履歴\n…"
 */
export function renderKeepFormat(
  engine: Engine,
  file: string,
  text: string,
  anonymized: readonly AnonymizedConversation[],
  parse: ParseOptions = {},
): string {
  const { format, parse: options } = resolveParseOptions(file, text, parse);
  const conversationAt = (index: number): AnonymizedConversation => {
    const result = anonymized[index];
    if (result === undefined) throw new DetectionError(`keep-format: no anonymized conversation ${index} for ${file}`);
    return result;
  };
  return formatModule(format).render({
    file,
    text,
    anonymized,
    options,
    maskField: (value, index) => engine.maskField(conversationAt(index), value),
    maskName: (value, index) => engine.maskName(conversationAt(index), value),
  });
}

/** An archive (a Slack export .zip) written again with its module's renderBytes. */
function renderKeepFormatBytes(engine: Engine, file: string, bytes: Uint8Array, anonymized: readonly AnonymizedConversation[], format: string): Uint8Array {
  const module = formatModule(format);
  if (!module.renderBytes) throw new DetectionError(`keep-format: format ${format} cannot write archives`);
  const conversationAt = (index: number): AnonymizedConversation => {
    const result = anonymized[index];
    if (result === undefined) throw new DetectionError(`keep-format: no anonymized conversation ${index} for ${file}`);
    return result;
  };
  return module.renderBytes({
    file,
    bytes,
    anonymized,
    maskField: (value, index) => engine.maskField(conversationAt(index), value),
    maskName: (value, index) => engine.maskName(conversationAt(index), value),
  });
}

/**
 * Text → bytes in one of the input encodings. UTF-8 with BOM and UTF-16 are written with their BOM. CP932
 * output is checked by decoding it again: a character CP932 cannot hold (none comes from the masking
 * itself) is an error naming its line, never a silent "?".
 *
 * @example
 * encodeText("①㈱髙～", "cp932", "a.csv"); // Uint8Array [0x87, 0x40, 0x87, 0x8d, 0xfb, 0xfc, 0x81, 0x60]
 */
export function encodeText(text: string, encoding: InputEncoding, file: string): Uint8Array {
  switch (encoding) {
    case "utf-8":
      return new TextEncoder().encode(text);
    case "utf-8-bom":
      return new TextEncoder().encode(text.startsWith("\ufeff") ? text : `\ufeff${text}`);
    case "utf-16le":
    case "utf-16be": {
      const bytes = Buffer.from(text.startsWith("\ufeff") ? text : `\ufeff${text}`, "utf16le");
      if (encoding === "utf-16be") bytes.swap16();
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    case "cp932": {
      const bytes = iconv.encode(text, "cp932");
      if (new TextDecoder("shift_jis").decode(bytes) !== text) {
        const lines = text.split("\n");
        const line = lines.findIndex((l) => new TextDecoder("shift_jis").decode(iconv.encode(l, "cp932")) !== l) + 1;
        throw new InputFormatError(
          "keep-format: a character cannot be written in CP932; use --keep-format-encoding utf-8",
          line > 0 ? { file, line } : { file },
        );
      }
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  }
}
