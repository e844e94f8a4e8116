import { parse as parseCsvText } from "csv-parse/sync";
import { z } from "zod";
import { ConfigError, InputFormatError } from "../errors.js";
import { type Conversation, ConversationSchema, RoleSchema } from "../schema/conversation.js";
import { ChatFieldMapSchema, parseChatCsv, parseChatJson, parseChatJsonl, parseJsonText } from "./chat.js";
import { parsePlainText } from "./plain-text.js";
import { parseTranscribe } from "./transcribe.js";

/**
 * Format detection and the one entry point from a file's text to validated conversations.
 */

/**
 * The input formats tokumei reads.
 *
 * @example
 * InputFormatSchema.parse("chat-csv"); // "chat-csv"
 */
export const InputFormatSchema = z.enum(["transcribe", "chat-json", "chat-jsonl", "chat-csv", "plain-text"]);
export type InputFormat = z.infer<typeof InputFormatSchema>;

/**
 * Options of {@link parseConversations}: a format override, a chat field mapping, speaker/role-value → role,
 * and a conversation id for inputs that carry none.
 *
 * @example
 * ParseOptionsSchema.parse({
 *   format: "chat-csv",
 *   fields: { text: "本文", speaker: "担当" },
 *   roleMap: { 担当A: "agent" },
 * });
 */
export const ParseOptionsSchema = z.strictObject({
  format: InputFormatSchema.optional(),
  fields: ChatFieldMapSchema.optional(),
  roleMap: z.record(z.string(), RoleSchema).optional(),
  conversationId: z.string().min(1).optional(),
});
export type ParseOptions = z.input<typeof ParseOptionsSchema>;

export { ChatFieldMapSchema, type ChatFieldMap } from "./chat.js";

/**
 * Guesses the format of a file, by content first:
 * a JSON object with `results.items` (or a Transcribe job's `jobName` + `status`) → "transcribe";
 * a JSON array or an object with `messages` → "chat-json"; every non-empty line a JSON object → "chat-jsonl";
 * a `.csv` extension or a consistent comma-separated header → "chat-csv"; anything else → "plain-text".
 * Broken JSON (a .json/.jsonl name, or text opening like JSON: `{"`, `[{`, `[1`…) is routed to the JSON parser
 * so that parsing reports the line and column; text such as "[LINE] …" is not taken for JSON.
 *
 * @example
 * detectFormat("call.json", '{"jobName":"j","status":"COMPLETED","results":{"items":[]}}'); // "transcribe"
 * detectFormat("bot.jsonl", '{"text":"a"}\n{"text":"b"}\n'); // "chat-jsonl"
 * detectFormat("notes.txt", "山田：こんにちは"); // "plain-text"
 */
export function detectFormat(fileName: string, content: string): InputFormat {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const trimmed = text.trim();
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";

  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const whole = tryJson(trimmed);
    if (whole.ok) {
      const value = whole.value;
      if (Array.isArray(value)) return "chat-json";
      if (isRecord(value)) {
        if (isTranscribe(value)) return "transcribe";
        if (Array.isArray(value["messages"])) return "chat-json";
      }
    }
    if (everyLineIsJsonObject(trimmed)) return "chat-jsonl";
    if (extension === "jsonl" || extension === "ndjson") return "chat-jsonl";
    if (!whole.ok && (extension === "json" || (looksLikeJson(trimmed) && extension !== "csv" && extension !== "txt"))) {
      return "chat-json";
    }
  }
  if (extension === "csv") return "chat-csv";
  if (extension === "jsonl" || extension === "ndjson") return "chat-jsonl";
  if (extension === "json") return "chat-json";
  if (looksLikeCsv(text)) return "chat-csv";
  return "plain-text";
}

/**
 * Parses a file's text into conversations, each validated with ConversationSchema.
 * The format comes from `options.format` or {@link detectFormat}. Invalid options throw ConfigError;
 * unreadable input throws InputFormatError naming the file and line, never quoting the input.
 *
 * @example
 * const conversations = parseConversations("support.json", text, { roleMap: { ch_0: "agent", ch_1: "customer" } });
 * conversations[0]?.utterances.length;
 */
export function parseConversations(fileName: string, content: string, options: ParseOptions = {}): Conversation[] {
  const parsedOptions = ParseOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new ConfigError(`invalid parse options: ${describeIssues(parsedOptions.error)}`);
  }
  const { format: override, fields, roleMap, conversationId } = parsedOptions.data;
  const format = override ?? detectFormat(fileName, content);
  const common = {
    file: fileName,
    ...(roleMap !== undefined ? { roleMap } : {}),
    ...(conversationId !== undefined ? { conversationId } : {}),
  };
  const chat = { ...common, ...(fields !== undefined ? { fields } : {}) };

  let conversations: Conversation[];
  switch (format) {
    case "transcribe":
      conversations = [parseTranscribe(parseJsonText(content, fileName), common)];
      break;
    case "chat-json":
      conversations = parseChatJson(content, chat);
      break;
    case "chat-jsonl":
      conversations = parseChatJsonl(content, chat);
      break;
    case "chat-csv":
      conversations = parseChatCsv(content, chat);
      break;
    case "plain-text":
      conversations = [parsePlainText(content, common)];
      break;
  }
  return conversations.map((conversation) => {
    const checked = ConversationSchema.safeParse(conversation);
    if (!checked.success) {
      throw new InputFormatError(`parsed conversation is invalid: ${describeIssues(checked.error)}`, {
        file: fileName,
      });
    }
    return checked.data;
  });
}

// ---------------------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTranscribe(value: Record<string, unknown>): boolean {
  const results = value["results"];
  if (isRecord(results) && Array.isArray(results["items"])) return true;
  return typeof value["jobName"] === "string" && typeof value["status"] === "string";
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Opens like a JSON object or array ("[LINE] …" does not). */
function looksLikeJson(text: string): boolean {
  return /^(?:\{\s*(?:"|\}|$)|\[\s*(?:[[{"\]\d-]|true|false|null|$))/.test(text);
}

function everyLineIsJsonObject(text: string): boolean {
  const lines = text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== "");
  return lines.length > 0 && lines.every((line) => {
    const parsed = tryJson(line);
    return parsed.ok && isRecord(parsed.value);
  });
}

/** A header with at least two fields and at least one data row, every row with the header's field count. */
function looksLikeCsv(text: string): boolean {
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? "";
  if (!firstLine.includes(",")) return false;
  try {
    const rows = parseCsvText(text, { skip_empty_lines: true }) as string[][];
    const width = rows[0]?.length ?? 0;
    return width >= 2 && rows.length >= 2 && rows.every((row) => row.length === width);
  } catch {
    return false;
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}
