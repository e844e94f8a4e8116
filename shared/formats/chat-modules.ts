import { InputFormatError } from "../errors.js";
import {
  type ChatPlacement,
  type ChatReading,
  type ChatStructureFields,
  keptSpeaker,
  parseChatCsv,
  parseChatJson,
  parseChatJsonl,
  readChatCsv,
  readChatJson,
  readChatJsonl,
} from "./chat.js";
import type { CsvRecord } from "./csv-records.js";
import { writeCsvRecords } from "./csv-records.js";
import type { FormatModule, KeepFormatInput } from "./format-module.js";
import { detectGenericFormat } from "./generic-format.js";
import { isJsonObject, writeJsonLike } from "./json-layout.js";

/**
 * The generic chat formats (JSON, JSONL, CSV) as format modules. They are the fallback of detection (see
 * generic-format.ts), and write the input back with message texts masked, speaker fields replaced by the
 * speaker_N pseudonyms of the datasets, the fields that place a message (timestamp, role, conversation id)
 * kept, and every other text field masked like the messages (numbers and booleans are kept).
 */

/**
 * Chat messages as a JSON array, or an object with a `messages` array.
 *
 * @example
 * chatJsonModule.sniff("lesson.json", '[{"text":"こんにちは"}]'); // true
 */
export const chatJsonModule: FormatModule = {
  format: "chat-json",
  sniff: (file, text) => detectGenericFormat(file, text) === "chat-json",
  parse: (text, options) => parseChatJson(text, options),
  render(input) {
    const reading = readChatJson(input.text, input.options ?? { file: input.file });
    const rewrite = messageRewriter(input, reading);
    reading.messages.forEach((message, k) => rewrite(message, reading.placements[k]!));
    if (isJsonObject(reading.root)) {
      // Fields of the export itself (a title, an owner's e-mail) sit beside the messages.
      const skip = new Set(["messages", ...(reading.structure.conversationId ? [reading.structure.conversationId] : [])]);
      for (const key of Object.keys(reading.root)) {
        if (!skip.has(key)) reading.root[key] = maskStrings(reading.root[key], (value) => input.maskField(value, 0));
      }
    }
    return writeJsonLike(input.text, reading.root);
  },
};

/**
 * Chat messages as JSON Lines.
 *
 * @example
 * chatJsonlModule.sniff("bot.jsonl", '{"text":"a"}\n{"text":"b"}\n'); // true
 */
export const chatJsonlModule: FormatModule = {
  format: "chat-jsonl",
  sniff: (file, text) => detectGenericFormat(file, text) === "chat-jsonl",
  parse: (text, options) => parseChatJsonl(text, options),
  render(input) {
    const reading = readChatJsonl(input.text, input.options ?? { file: input.file });
    const rewrite = messageRewriter(input, reading);
    const bom = input.text.charCodeAt(0) === 0xfeff;
    const parts = (bom ? input.text.slice(1) : input.text).split(/(\r\n|\n|\r)/);
    let record = 0;
    let out = bom ? "\ufeff" : "";
    parts.forEach((part, k) => {
      if (k % 2 === 1) {
        out += part;
        return;
      }
      const message = reading.lines[k / 2];
      if (message === undefined) {
        out += part;
        return;
      }
      rewrite(message, reading.placements[record++]!);
      out += JSON.stringify(message);
    });
    return out;
  },
};

/**
 * Chat messages (or exchanges) as CSV rows under a header, possibly after metadata rows.
 *
 * @example
 * chatCsvModule.sniff("desk.csv", "speaker,text\nA,はい\n"); // true
 */
export const chatCsvModule: FormatModule = {
  format: "chat-csv",
  sniff: (file, text) => detectGenericFormat(file, text) === "chat-csv",
  parse: (text, options) => parseChatCsv(text, options),
  render(input) {
    const reading = readChatCsv(input.text, input.options ?? { file: input.file });
    const { document, headerAt, dataRecords, placements } = reading;
    const header = document.records[headerAt]!;
    const columnOf = new Map<string, number>();
    header.cells.forEach((cell, column) => {
      if (!columnOf.has(cell.trim())) columnOf.set(cell.trim(), column);
    });
    const kept = keptFields(reading.structure);
    const placementOf = new Map(dataRecords.map((position, k) => [position, placements[k]!]));
    const records = document.records.map((record, position): CsvRecord => {
      if (record.blank || position === headerAt) return record;
      if (position < headerAt) return { ...record, cells: record.cells.map((cell) => input.maskField(cell, 0)) };
      const placement = placementOf.get(position);
      if (placement === undefined) throw new InputFormatError("a row was not read", { file: input.file, line: record.line });
      const replaced = new Map<number, string>();
      const result = anonymizedOf(input, placement);
      for (const part of placement.parts) {
        const masked = part.utterance === undefined ? undefined : result.conversation.utterances[part.utterance];
        const textColumn = columnOf.get(part.textField);
        const speakerColumn = part.speakerField === undefined ? undefined : columnOf.get(part.speakerField);
        if (masked !== undefined && textColumn !== undefined) replaced.set(textColumn, masked.text);
        if (speakerColumn !== undefined) {
          const cell = record.cells[speakerColumn] ?? "";
          // A skipped (empty) message still names its sender.
          replaced.set(
            speakerColumn,
            masked !== undefined && cell.trim() !== "" ? keptSpeaker(cell.trim(), masked.speaker) : input.maskName(cell, placement.conversation),
          );
        }
      }
      const cells = record.cells.map((cell, column) => {
        const value = replaced.get(column);
        if (value !== undefined) return value;
        const name = header.cells[column]?.trim() ?? "";
        if (kept.has(name) && columnOf.get(name) === column) return cell;
        return input.maskField(cell, placement.conversation);
      });
      return { ...record, cells };
    });
    return writeCsvRecords({ ...document, records });
  },
};

// ---------------------------------------------------------------------------------------------------------

function keptFields(structure: ChatStructureFields): Set<string> {
  return new Set([structure.timestamp, structure.role, structure.conversationId].filter((f): f is string => f !== undefined));
}

function anonymizedOf(input: KeepFormatInput, placement: ChatPlacement) {
  const result = input.anonymized[placement.conversation];
  if (result === undefined) throw new InputFormatError("a conversation has no anonymized counterpart", { file: input.file });
  return result;
}

/** Rewrites one message object in place: texts, speakers, and every other text field. */
function messageRewriter(input: KeepFormatInput, reading: ChatReading) {
  const kept = keptFields(reading.structure);
  return (message: Record<string, unknown>, placement: ChatPlacement): void => {
    const result = anonymizedOf(input, placement);
    const done = new Set<string>(kept);
    for (const part of placement.parts) {
      const masked = part.utterance === undefined ? undefined : result.conversation.utterances[part.utterance];
      if (masked !== undefined) setField(message, part.textField, masked.text);
      done.add(part.textField);
      if (part.speakerField !== undefined) {
        const value = getField(message, part.speakerField);
        if (typeof value === "string" && value.trim() !== "") {
          setField(
            message,
            part.speakerField,
            masked !== undefined ? keptSpeaker(value.trim(), masked.speaker) : input.maskName(value, placement.conversation),
          );
        }
        done.add(part.speakerField);
      }
    }
    maskOtherStrings(message, "", done, (value) => input.maskField(value, placement.conversation));
  };
}

/** Masks every string under `value` whose dotted path is not in `done`. */
function maskOtherStrings(value: Record<string, unknown>, prefix: string, done: ReadonlySet<string>, mask: (text: string) => string): void {
  for (const key of Object.keys(value)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (done.has(path)) continue;
    const child = value[key];
    if (isJsonObject(child)) maskOtherStrings(child, path, done, mask);
    else value[key] = maskStrings(child, mask);
  }
}

function maskStrings(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask));
  if (isJsonObject(value)) {
    for (const key of Object.keys(value)) value[key] = maskStrings(value[key], mask);
    return value;
  }
  return value;
}

/** A field by exact name, or by dotted path when no field has that exact name (as the parser reads it). */
function getField(values: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(values, field)) return values[field];
  let current: unknown = values;
  for (const part of field.split(".")) {
    if (!isJsonObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function setField(values: Record<string, unknown>, field: string, value: string): void {
  if (Object.hasOwn(values, field) || !field.includes(".")) {
    values[field] = value;
    return;
  }
  const parts = field.split(".");
  let current: Record<string, unknown> = values;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (!isJsonObject(next)) return;
    current = next;
  }
  current[parts[parts.length - 1]!] = value;
}
