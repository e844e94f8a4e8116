import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { baseName, keptSpeaker, ownValue } from "./chat.js";
import { type CsvDocument, type CsvRecord, readCsvRecords, writeCsvRecords } from "./csv-records.js";
import type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";

/**
 * LINE公式アカウント chat CSV → one conversation; and back, masked, in the same layout and encoding.
 * See reference/input-formats.md section 4. Metadata lines come first, then the header
 * `送信者タイプ,送信者名,送信日,送信時刻,内容` and one row per message; multi-line contents are quoted.
 *
 * Roles: `User` → customer; `Account` → agent, or assistant for the automatic replies (sender
 * 応答メッセージ / 自動応答). A roleMap entry for the sender name or the raw type wins.
 */

export const LINE_OA_CSV_FORMAT = "line-oa-csv";

/** The columns of the export, in their usual order. */
export const LINE_OA_COLUMNS = ["送信者タイプ", "送信者名", "送信日", "送信時刻", "内容"] as const;

/** How many non-blank rows may come before the header (metadata lines). */
const MAX_HEADER_SEARCH_ROWS = 20;
const AUTOMATIC_SENDERS = new Set(["応答メッセージ", "自動応答", "自動応答メッセージ"]);

export interface LineOaCsvReading {
  readonly conversation: Conversation;
  readonly document: CsvDocument;
  /** Position of the header record in `document.records`. */
  readonly headerAt: number;
  /** Column of each LINE field. */
  readonly columns: Readonly<Record<(typeof LINE_OA_COLUMNS)[number], number>>;
  /** Record position → the utterance it became (absent: skipped, empty content). */
  readonly utteranceOf: ReadonlyMap<number, number>;
}

/**
 * Reads a LINE official account CSV. Throws InputFormatError naming the file and line: no header within
 * the first 20 rows, a row of the wrong width, a sender type other than User/Account, a date or time that is
 * not one, never quoting a cell.
 *
 * @example
 * const csv = "送信者タイプ,送信者名,送信日,送信時刻,内容\nUser,山本 花子,2024/06/01,10:02,予約の変更です\n";
 * readLineOaCsv(csv, { file: "oa.csv" }).conversation.utterances[0];
 * // { index: 0, speaker: "山本 花子", role: "customer", timestamp: "2024-06-01T10:02:00", text: "予約の変更です" }
 */
export function readLineOaCsv(content: string, options: FormatParseOptions): LineOaCsvReading {
  const { file } = options;
  const document = readCsvRecords(content, file);
  const { records } = document;
  let headerAt = -1;
  let seen = 0;
  for (let position = 0; position < records.length && seen < MAX_HEADER_SEARCH_ROWS; position++) {
    const record = records[position]!;
    if (record.blank) continue;
    seen++;
    if (isHeader(record)) {
      headerAt = position;
      break;
    }
  }
  const header = records[headerAt];
  if (header === undefined) {
    throw new InputFormatError(
      `no LINE official account header (${LINE_OA_COLUMNS.join(",")}) in the first ${MAX_HEADER_SEARCH_ROWS} rows`,
      { file },
    );
  }
  const names = header.cells.map((cell) => cell.trim());
  const columns = Object.fromEntries(LINE_OA_COLUMNS.map((name) => [name, names.indexOf(name)])) as Record<
    (typeof LINE_OA_COLUMNS)[number],
    number
  >;

  const utterances: Utterance[] = [];
  const utteranceOf = new Map<number, number>();
  let skipped = 0;
  for (let position = headerAt + 1; position < records.length; position++) {
    const record = records[position]!;
    if (record.blank) continue;
    const { line } = record;
    if (record.cells.length !== names.length) {
      throw new InputFormatError(`row has ${record.cells.length} fields, the header has ${names.length}`, { file, line });
    }
    const cell = (name: (typeof LINE_OA_COLUMNS)[number]): string => record.cells[columns[name]] ?? "";
    const type = cell("送信者タイプ").trim();
    if (!/^(?:user|account)$/i.test(type)) throw new InputFormatError("送信者タイプ is neither User nor Account", { file, line });
    const timestamp = timestampOf(cell("送信日"), cell("送信時刻"), file, line);
    const text = cell("内容").replace(/\r\n?/g, "\n");
    if (text.trim() === "") {
      skipped++;
      continue;
    }
    const isUser = type.toLowerCase() === "user";
    const speaker = cell("送信者名").trim() || (isUser ? "user" : "account");
    const role: Role =
      ownValue(options.roleMap, speaker) ??
      ownValue(options.roleMap, type) ??
      (isUser ? "customer" : AUTOMATIC_SENDERS.has(speaker) ? "assistant" : "agent");
    const utterance: Utterance = { index: utterances.length, speaker, role, timestamp, text };
    utteranceOf.set(position, utterance.index);
    utterances.push(utterance);
  }
  const conversation: Conversation = {
    conversationId: options.conversationId ?? (baseName(file) || "line-oa"),
    source: "chat",
    utterances,
    metadata: { format: LINE_OA_CSV_FORMAT, file, messages: utterances.length, skippedMessages: skipped },
  };
  return { conversation, document, headerAt, columns, utteranceOf };
}

/**
 * The LINE official account CSV format: sniffed by its header row among the first lines; written back with
 * sender names pseudonymized, contents masked, and metadata lines masked like any field.
 *
 * @example
 * lineOaCsvModule.sniff("oa.csv", "送信者タイプ,送信者名,送信日,送信時刻,内容\n"); // true
 */
export const lineOaCsvModule: FormatModule = {
  format: LINE_OA_CSV_FORMAT,
  sniff(_file, content) {
    const head = content.slice(content.charCodeAt(0) === 0xfeff ? 1 : 0, 16384).split(/\r\n|\n|\r/, 40);
    return head.some((line) => line.replace(/["\s]/g, "") === LINE_OA_COLUMNS.join(","));
  },
  parse(text, options) {
    return [readLineOaCsv(text, options).conversation];
  },
  render(input: KeepFormatInput) {
    const { document, headerAt, columns, utteranceOf } = readLineOaCsv(input.text, input.options ?? { file: input.file });
    const result = input.anonymized[0];
    if (result === undefined) throw new InputFormatError("nothing anonymized to write", { file: input.file });
    const structural = new Set([columns["送信者タイプ"], columns["送信日"], columns["送信時刻"]]);
    const records = document.records.map((record, position): CsvRecord => {
      if (record.blank || position === headerAt) return record;
      if (position < headerAt) return { ...record, cells: record.cells.map((cell) => input.maskField(cell, 0)) };
      const index = utteranceOf.get(position);
      const masked = index === undefined ? undefined : result.conversation.utterances[index];
      if (index !== undefined && masked === undefined) {
        throw new InputFormatError("an utterance has no anonymized counterpart", { file: input.file, line: record.line });
      }
      const cells = record.cells.map((cell, column) => {
        if (structural.has(column)) return cell;
        if (column === columns["送信者名"]) {
          // Automatic replies are labelled, not signed: the label says the role.
          if (masked === undefined) return input.maskName(cell, 0);
          return AUTOMATIC_SENDERS.has(cell.trim()) ? cell : keptSpeaker(cell.trim(), masked.speaker);
        }
        if (column === columns["内容"]) return masked?.text ?? cell;
        return input.maskField(cell, 0);
      });
      return { ...record, cells };
    });
    return writeCsvRecords({ ...document, records });
  },
};

// ---------------------------------------------------------------------------------------------------------

function isHeader(record: CsvRecord): boolean {
  const names = new Set(record.cells.map((cell) => cell.trim()));
  return LINE_OA_COLUMNS.every((name) => names.has(name));
}

function timestampOf(day: string, time: string, file: string, line: number): string {
  const date = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(day.trim());
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  if (date === null) throw new InputFormatError("送信日 is not a date (YYYY/MM/DD)", { file, line });
  if (clock === null) throw new InputFormatError("送信時刻 is not a time (HH:MM)", { file, line });
  const [, y, mo, d] = date;
  const [, h, mi, s] = clock;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) {
    throw new InputFormatError("送信日 is not a date (YYYY/MM/DD)", { file, line });
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    throw new InputFormatError("送信時刻 is not a time (HH:MM)", { file, line });
  }
  const pad = (part: string | undefined): string => (part ?? "0").padStart(2, "0");
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}
