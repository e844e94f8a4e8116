import { InputFormatError } from "../errors.js";
import type { Conversation, Utterance } from "../schema/conversation.js";
import { baseName, ownValue } from "./chat.js";
import type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";

/**
 * LINE トーク履歴 (.txt from "トーク履歴を送信") → one conversation; and back, masked, in the same layout.
 * See reference/input-formats.md section 4.
 *
 * ```
 * [LINE] 佐藤商事 鈴木様とのトーク履歴      1:1 "…とのトーク履歴", group "…のトーク履歴", English "Chat history with …"
 * 保存日時：2024/06/03 18:20
 *
 * 2024/06/01(土)                           also 2024/6/1, 2024.06.01 Saturday, Sat, 06/01/2024
 * 09:12	鈴木 一郎	お見積りありがとうございます      also 午前9:12, 午後1:05, 9:12 AM
 * 09:13	鈴木 一郎	"携帯は…                          a multi-line message, quoted ("" inside)
 * メールは…"
 * 22:05		メッセージの送信を取り消しました           system: an empty name …
 * 22:10	田中がグループに参加しました               … or two fields
 * ```
 *
 * Participants' names (name column and header) are personal data: in the conversation the names are the
 * speakers (pseudonymized by the engine); the header name is not kept anywhere in the model, and is masked
 * as a name when the file is written again. Placeholders ([スタンプ], [写真], ☎ 通話時間 1:23 …) stay as text.
 */

export const LINE_TALK_FORMAT = "line-talk";

/** How one physical line (or a multi-line message) of the file was read. */
export type LineTalkEntry =
  | { readonly kind: "header"; readonly before: string; readonly name: string; readonly after: string; readonly terminator: string }
  | { readonly kind: "verbatim"; readonly raw: string; readonly terminator: string }
  | {
      readonly kind: "message";
      readonly line: number;
      /** The time as written (kept), and the name and text fields. */
      readonly time: string;
      readonly name: string;
      readonly text: string;
      /** `time<TAB>name<TAB>text`, a system line with an empty name, or a two-field system line. */
      readonly shape: "message" | "empty-name" | "two-fields";
      /** The line break inside a quoted multi-line message; undefined for a one-line message. */
      readonly innerBreak: string | undefined;
      readonly terminator: string;
      /** The utterance it became; undefined when its text was empty. */
      readonly utterance: number | undefined;
    };

export interface LineTalkReading {
  readonly conversation: Conversation;
  readonly entries: readonly LineTalkEntry[];
  readonly bom: boolean;
}

const HEADER_JA = /^(\[LINE\]\s*)(.*?)((?:とのトーク履歴|のトーク履歴)\s*)$/;
const HEADER_EN = /^(\[LINE\]\s*Chat history (?:with|in)\s+)(.*?)(\s*)$/i;
const SAVED = /^(?:保存日時|Saved on)\s*[:：]\s*(.*)$/i;
const DATE_YMD =
  /^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*(?:[(（](?:日|月|火|水|木|金|土)[)）]|\(?(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)[a-z]*\.?\)?)?\s*$/i;
const DATE_US = /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)[a-z]*\.?,?\s+(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/i;
/** A time opening a message line: 09:12, 9:12, 午前9:12, 午後1:05, 9:12 AM, PM 1:05. */
const TIME = /^(?:(午前|午後)\s?(\d{1,2}):(\d{2})|(AM|PM)\s?(\d{1,2}):(\d{2})|(\d{1,2}):(\d{2})(?:\s?(AM|PM))?)\t/i;

/** Names LINE gives to the system's own lines in this model (speaker and role). */
const SYSTEM_SPEAKER = "system";

/**
 * Reads a LINE talk history: the conversation and, per line, what it was (for writing it again).
 * Throws InputFormatError naming the file and line for a line that is no header, date, message or
 * continuation, a message before any date line, an impossible date or time, never quoting the line.
 *
 * @example
 * const { conversation } = readLineTalk("[LINE] 鈴木とのトーク履歴\n\n2024/06/01(土)\n09:12\t鈴木\tこんにちは\n", { file: "talk.txt" });
 * conversation.utterances[0]; // { index: 0, speaker: "鈴木", timestamp: "2024-06-01T09:12:00", text: "こんにちは" }
 */
export function readLineTalk(content: string, options: FormatParseOptions): LineTalkReading {
  const { file } = options;
  const bom = content.charCodeAt(0) === 0xfeff;
  const lines = splitLines(bom ? content.slice(1) : content);
  const entries: LineTalkEntry[] = [];
  const utterances: Utterance[] = [];
  let date: string | undefined;
  let chat: "one-to-one" | "group" | "unknown" = "unknown";
  let headerLanguage: "ja" | "en" | "none" = "none";
  let savedAt: string | undefined;
  let skipped = 0;
  let system = 0;

  for (let i = 0; i < lines.length; i++) {
    const { text: raw, terminator } = lines[i]!;
    const line = i + 1;
    const verbatim = (): void => void entries.push({ kind: "verbatim", raw, terminator });
    if (raw.trim() === "") {
      verbatim();
      continue;
    }
    // The header comes first, after blank lines at most.
    if (entries.every((e) => e.kind === "verbatim" && e.raw.trim() === "")) {
      const ja = HEADER_JA.exec(raw);
      const en = ja ? null : HEADER_EN.exec(raw);
      const header = ja ?? en;
      if (header) {
        const [, before = "", name = "", after = ""] = header;
        headerLanguage = ja ? "ja" : "en";
        chat = ja ? (after.startsWith("との") ? "one-to-one" : "group") : /\bwith\s/i.test(before) ? "one-to-one" : "group";
        entries.push({ kind: "header", before, name, after, terminator });
        continue;
      }
    }
    if (date === undefined && SAVED.test(raw)) {
      savedAt = savedTime(SAVED.exec(raw)?.[1] ?? "");
      verbatim();
      continue;
    }
    const day = parseDateLine(raw, file, line);
    if (day !== undefined) {
      date = day;
      verbatim();
      continue;
    }
    const time = TIME.exec(raw);
    if (time === null) {
      throw new InputFormatError(
        "expected the header, a date line (2024/06/01(土)) or a message (HH:MM<TAB>name<TAB>text)",
        { file, line },
      );
    }
    if (date === undefined) throw new InputFormatError("a message before any date line", { file, line });
    const clock = clockOf(time, file, line);
    const timeText = raw.slice(0, time[0].length - 1);
    const rest = raw.slice(time[0].length);
    const tab = rest.indexOf("\t");
    const shape = tab < 0 ? "two-fields" : tab === 0 ? "empty-name" : "message";
    const name = tab < 0 ? "" : rest.slice(0, tab);
    let text = tab < 0 ? rest : rest.slice(tab + 1);

    // A multi-line message is quoted; its continuation lines carry no time.
    let innerBreak: string | undefined;
    let last = i;
    if (text.startsWith('"') && !closesQuote(text.slice(1))) {
      const end = findClosingLine(lines, i + 1);
      if (end !== undefined) {
        innerBreak = terminator || "\n";
        const body = [text.slice(1), ...lines.slice(i + 1, end + 1).map((l) => l.text)].join("\n");
        text = body.slice(0, -1).replaceAll('""', '"');
        last = end;
      }
    }
    const entryTerminator = lines[last]!.terminator;
    i = last;

    const isSystem = shape !== "message";
    const speaker = isSystem ? SYSTEM_SPEAKER : name;
    let utterance: number | undefined;
    if (text.trim() === "") {
      skipped++;
    } else {
      if (isSystem) system++;
      const u: Utterance = { index: utterances.length, speaker, timestamp: `${date}T${clock}:00`, text };
      const role = ownValue(options.roleMap, speaker) ?? (isSystem ? "system" : undefined);
      if (role !== undefined) u.role = role;
      utterance = u.index;
      utterances.push(u);
    }
    entries.push({ kind: "message", line, time: timeText, name, text, shape, innerBreak, terminator: entryTerminator, utterance });
  }

  const metadata: Conversation["metadata"] = {
    format: LINE_TALK_FORMAT,
    file,
    chat,
    headerLanguage,
    messages: utterances.length,
    skippedMessages: skipped,
    systemMessages: system,
  };
  if (savedAt !== undefined) metadata["savedAt"] = savedAt;
  const conversation: Conversation = {
    conversationId: options.conversationId ?? (baseName(file) || "line-talk"),
    source: "chat",
    utterances,
    metadata,
  };
  return { conversation, entries, bom };
}

/**
 * The LINE talk history format: sniffed by its header (or, without one, a date line followed by a
 * tab-separated message), written back line by line with names pseudonymized and texts masked.
 *
 * @example
 * lineTalkModule.sniff("talk.txt", "[LINE] 鈴木とのトーク履歴\n保存日時：2024/06/03 18:20\n"); // true
 */
export const lineTalkModule: FormatModule = {
  format: LINE_TALK_FORMAT,
  sniff(_file, content) {
    // The first lines decide; a large file is not split whole.
    const head = content.slice(content.charCodeAt(0) === 0xfeff ? 1 : 0, 8192);
    const lines = splitLines(head)
      .map((l) => l.text)
      .filter((l) => l.trim() !== "")
      .slice(0, 6);
    const first = lines[0] ?? "";
    if (HEADER_JA.test(first) || HEADER_EN.test(first)) return true;
    return (DATE_YMD.test(first) || DATE_US.test(first)) && lines.slice(1).some((l) => TIME.test(l));
  },
  parse(text, options) {
    return [readLineTalk(text, options).conversation];
  },
  render(input: KeepFormatInput) {
    const { entries, bom } = readLineTalk(input.text, input.options ?? { file: input.file });
    const result = input.anonymized[0];
    if (result === undefined) throw new InputFormatError("nothing anonymized to write", { file: input.file });
    let out = bom ? "\ufeff" : "";
    for (const entry of entries) {
      if (entry.kind === "verbatim") {
        out += entry.raw + entry.terminator;
      } else if (entry.kind === "header") {
        out += entry.before + input.maskName(entry.name, 0) + entry.after + entry.terminator;
      } else {
        const masked = entry.utterance === undefined ? undefined : result.conversation.utterances[entry.utterance];
        if (entry.utterance !== undefined && masked === undefined) {
          throw new InputFormatError("an utterance has no anonymized counterpart", { file: input.file, line: entry.line });
        }
        const text = masked?.text ?? entry.text;
        const body = entry.innerBreak !== undefined ? `"${text.replaceAll('"', '""').replaceAll("\n", entry.innerBreak)}"` : text;
        if (entry.shape === "two-fields") out += `${entry.time}\t${body}`;
        else if (entry.shape === "empty-name") out += `${entry.time}\t\t${body}`;
        else out += `${entry.time}\t${masked?.speaker ?? input.maskName(entry.name, 0)}\t${body}`;
        out += entry.terminator;
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------------------

interface PhysicalLine {
  text: string;
  terminator: string;
}

function splitLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  const pattern = /([^\r\n]*)(\r\n|\n|\r|$)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const [, line = "", terminator = ""] = match;
    if (line === "" && terminator === "") break;
    lines.push({ text: line, terminator });
  }
  return lines;
}

/** A line ends a quoted message when it ends with an odd run of quotes (`""` is an escaped quote). */
function closesQuote(text: string): boolean {
  const run = /"+$/.exec(text)?.[0].length ?? 0;
  return run % 2 === 1;
}

/**
 * The line that closes a quoted message opened on the line before `from`, or undefined when none does before
 * a line that starts a new message or a new day (then the opening quote was part of a one-line message).
 */
function findClosingLine(lines: readonly PhysicalLine[], from: number): number | undefined {
  for (let j = from; j < lines.length; j++) {
    const text = lines[j]!.text;
    if (TIME.test(text)) return undefined;
    if ((DATE_YMD.test(text) || DATE_US.test(text)) && lines[j - 1]?.text.trim() === "") return undefined;
    if (closesQuote(text)) return j;
  }
  return undefined;
}

/** A date line → YYYY-MM-DD; undefined when the line is no date line; throws on an impossible date. */
function parseDateLine(text: string, file: string, line: number): string | undefined {
  const ymd = DATE_YMD.exec(text);
  const us = ymd ? null : DATE_US.exec(text);
  if (!ymd && !us) return undefined;
  const [year, month, day] = ymd ? [ymd[1], ymd[2], ymd[3]] : [us![3], us![1], us![2]];
  const iso = isoDate(Number(year), Number(month), Number(day));
  if (iso === undefined) throw new InputFormatError("a date line with an impossible date", { file, line });
  return iso;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** HH:MM on a 24-hour clock from any of the time shapes; throws on an impossible time. */
function clockOf(match: RegExpExecArray, file: string, line: number): string {
  const marker = (match[1] ?? match[4] ?? match[9])?.toUpperCase();
  const hour = Number(match[2] ?? match[5] ?? match[7]);
  const minute = Number(match[3] ?? match[6] ?? match[8]);
  const twelve = marker !== undefined;
  if (minute > 59 || (twelve ? hour > 12 : hour > 23)) {
    throw new InputFormatError("a message with an impossible time", { file, line });
  }
  const afternoon = marker === "午後" || marker === "PM";
  const h24 = twelve ? (hour % 12) + (afternoon ? 12 : 0) : hour;
  return `${String(h24).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function savedTime(value: string): string | undefined {
  const text = value.trim();
  const ymd = /^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})/.exec(text);
  const us = ymd ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?/.exec(text);
  if (!ymd && !us) return undefined;
  const [year, month, day] = ymd ? [ymd[1], ymd[2], ymd[3]] : [us![3], us![1], us![2]];
  const date = isoDate(Number(year), Number(month), Number(day));
  if (date === undefined) return undefined;
  const time = /^\s*(?:(午前|午後|AM|PM)\s?)?(\d{1,2}):(\d{2})(?:\s?(AM|PM))?/i.exec(text.slice((ymd ?? us)![0].length));
  if (time === null) return date;
  const marker = (time[1] ?? time[4])?.toUpperCase();
  const hour = Number(time[2]);
  const minute = Number(time[3]);
  if (minute > 59 || (marker ? hour > 12 : hour > 23)) return date;
  const h24 = marker ? (hour % 12) + (marker === "午後" || marker === "PM" ? 12 : 0) : hour;
  return `${date}T${String(h24).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00`;
}
