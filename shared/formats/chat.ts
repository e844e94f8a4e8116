import { z } from "zod";
import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { RoleSchema } from "../schema/conversation.js";
import { type CsvDocument, readCsvRecords } from "./csv-records.js";

/**
 * Chat logs in JSON (an array of messages or `{messages: [...]}`), JSONL (one message per line) and CSV
 * (header row, RFC 4180) → the conversation model. See reference/input-formats.md sections 4-5.
 * A record is one message, or one exchange (a user column and an assistant column, as chatbot logs keep
 * them) that gives two utterances.
 *
 * Error messages name the file, line (or message number) and field names only, never a message's text.
 */

/**
 * Which field (JSON key, dotted path such as `author.name`, or CSV column) holds each part of a message.
 * A given map is used as is: optional fields it leaves out are not read (no detection is mixed in).
 *
 * @example
 * const fields = ChatFieldMapSchema.parse({ text: "本文", speaker: "担当者", timestamp: "日時" });
 */
export const ChatFieldMapSchema = z.strictObject({
  text: z.string().min(1),
  speaker: z.string().min(1),
  timestamp: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  conversationId: z.string().min(1).optional(),
});
export type ChatFieldMap = z.infer<typeof ChatFieldMapSchema>;

/**
 * Columns of a log with one row per exchange (chatbot logs): the user's and the assistant's text become two
 * utterances, user first. Names are optional (default speakers "user" and "assistant").
 *
 * @example
 * const fields = ExchangeFieldMapSchema.parse({ userText: "質問", assistantText: "回答", timestamp: "日時" });
 */
export const ExchangeFieldMapSchema = z.strictObject({
  userText: z.string().min(1),
  assistantText: z.string().min(1),
  userName: z.string().min(1).optional(),
  assistantName: z.string().min(1).optional(),
  timestamp: z.string().min(1).optional(),
  conversationId: z.string().min(1).optional(),
});
export type ExchangeFieldMap = z.infer<typeof ExchangeFieldMapSchema>;

/**
 * A field mapping of either kind: one message per record, or one exchange per record.
 *
 * @example
 * ChatFieldsSchema.parse({ userText: "user_message", assistantText: "agent_response" });
 */
export const ChatFieldsSchema = z.union([ChatFieldMapSchema, ExchangeFieldMapSchema]);
export type ChatFields = z.infer<typeof ChatFieldsSchema>;

/** The chat formats this module parses; names match `detectFormat` in `./index.ts`. */
export type ChatFormat = "chat-json" | "chat-jsonl" | "chat-csv";

/** Options shared by the three chat parsers. */
export interface ChatParseOptions {
  /** File name, used in error messages and to derive the conversation id. */
  file: string;
  /** Field mapping; detected from common names when absent. */
  fields?: ChatFields;
  /** Speaker name or raw role value → role; wins over the built-in role words. */
  roleMap?: Readonly<Record<string, Role>>;
  /** Conversation id when the messages carry none (default: the file name without extension). */
  conversationId?: string;
}

/** Common field names, in order of preference, matched case-insensitively. */
export const CHAT_FIELD_CANDIDATES = {
  text: ["text", "message", "content", "body", "内容", "本文", "メッセージ"],
  speaker: ["speaker", "user", "sender", "author", "name", "from", "送信者", "送信者名", "発言者"],
  timestamp: ["timestamp", "time", "created_at", "ts", "date", "送信日時", "session_message_timestamp", "日時"],
  role: ["role", "sender_type", "送信者タイプ"],
  conversationId: ["conversation_id", "session_id", "session", "thread_id", "room_id"],
} as const satisfies Record<keyof ChatFieldMap, readonly string[]>;

/**
 * Column names of exchange logs, in order of preference (case-insensitive). A column is also taken when its
 * name says whose text it is (`user` with content/text/message/input; assistant/bot/agent/ai with
 * content/text/message/response/answer/reply).
 */
export const EXCHANGE_FIELD_CANDIDATES = {
  userText: [
    "session_message_user_content_text", "user_message", "user_text", "user_input", "user_utterance", "user_content",
    "question", "prompt", "質問", "質問内容", "ユーザー発話", "ユーザー入力", "ユーザーメッセージ", "利用者の質問",
  ],
  assistantText: [
    "session_message_assistant_content_text", "agent_response", "assistant_message", "assistant_text",
    "assistant_response", "bot_response", "bot_message", "bot_text", "response", "answer", "reply", "completion",
    "回答", "回答内容", "応答", "応答内容", "ボット応答", "aiの回答",
  ],
  userName: ["session_created_user_name", "user_name", "username", "user_id", "ユーザー名", "利用者名"],
  assistantName: ["agent_name", "bot_name", "assistant_name", "ボット名"],
} as const;

/** How many leading CSV rows may be metadata before the header row (LINE 公式アカウント exports). */
const MAX_CSV_HEADER_SEARCH_ROWS = 10;

const ROLE_WORDS: Readonly<Record<string, Role>> = {
  ...Object.fromEntries(RoleSchema.options.map((role) => [role, role])),
  operator: "agent",
  オペレーター: "agent",
  オペレータ: "agent",
  お客様: "customer",
  お客さま: "customer",
  bot: "assistant",
  account: "assistant",
  講師: "teacher",
  先生: "teacher",
  生徒: "student",
};

/**
 * Maps a common role word (agent, operator, オペレーター, user, customer, お客様, bot, assistant, Account,
 * teacher, 講師, 先生, student, 生徒, system) to a Role; anything else gives undefined.
 * Case, width (NFKC) and surrounding spaces are ignored.
 *
 * @example
 * mapRoleWord("オペレーター"); // "agent"
 * mapRoleWord("Account"); // "assistant"
 * mapRoleWord("山田"); // undefined
 */
export function mapRoleWord(value: string): Role | undefined {
  return ownValue(ROLE_WORDS, value.normalize("NFKC").trim().toLowerCase());
}

/**
 * The speaker a file written again (`--keep-format`) shows: a role word (オペレーター, お客様, bot …) names
 * no one and carries the role, so it stays; a name becomes its pseudonym.
 *
 * @example
 * keptSpeaker("オペレーター", "speaker_2"); // "オペレーター"
 * keptSpeaker("山田 太郎", "speaker_1"); // "speaker_1"
 */
export function keptSpeaker(original: string, pseudonym: string): string {
  return mapRoleWord(original) !== undefined ? original : pseudonym;
}

/**
 * Looks a key up in a plain record, ignoring inherited properties ("constructor", "toString").
 *
 * @example
 * ownValue({ ch_0: "agent" }, "ch_0"); // "agent"
 * ownValue({ ch_0: "agent" }, "constructor"); // undefined
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Fields resolved against the columns of one file. */
export interface ResolvedChatFields {
  text: string;
  speaker?: string;
  timestamp?: string;
  role?: string;
  conversationId?: string;
}

/**
 * Picks the text/speaker/timestamp/role/conversation-id columns among `columns` by common names
 * (case-insensitive, first candidate wins). Throws InputFormatError listing the columns when no text column
 * exists (column names are not PII).
 *
 * @example
 * detectChatFields(["送信日時", "送信者名", "本文"], "log.csv");
 * // { text: "本文", speaker: "送信者名", timestamp: "送信日時" }
 */
export function detectChatFields(columns: readonly string[], file: string, line?: number): ResolvedChatFields {
  const byName = new Map<string, string>();
  for (const column of columns) {
    const key = column.trim().toLowerCase();
    if (!byName.has(key)) byName.set(key, column);
  }
  const pick = (candidates: readonly string[]): string | undefined => {
    for (const candidate of candidates) {
      const column = byName.get(candidate.toLowerCase());
      if (column !== undefined) return column;
    }
    return undefined;
  };
  const text = pick(CHAT_FIELD_CANDIDATES.text);
  if (text === undefined) {
    throw new InputFormatError(
      `no message text field found; fields present: ${listNames(columns)}; ` +
        `expected one of ${CHAT_FIELD_CANDIDATES.text.join(", ")} or a 'fields' mapping`,
      { file, line },
    );
  }
  const resolved: ResolvedChatFields = { text };
  const speaker = pick(CHAT_FIELD_CANDIDATES.speaker);
  const timestamp = pick(CHAT_FIELD_CANDIDATES.timestamp);
  const role = pick(CHAT_FIELD_CANDIDATES.role);
  const conversationId = pick(CHAT_FIELD_CANDIDATES.conversationId);
  if (speaker !== undefined) resolved.speaker = speaker;
  if (timestamp !== undefined) resolved.timestamp = timestamp;
  if (role !== undefined) resolved.role = role;
  if (conversationId !== undefined) resolved.conversationId = conversationId;
  return resolved;
}

/**
 * Parses JSON text. On a syntax error throws InputFormatError naming the line and column (1-based) and the
 * kind of problem, never the text around it (V8's own message quotes the input).
 * `firstLine` is the line number of the text's first line in its file (for one JSONL line).
 *
 * @example
 * parseJsonText('{"a": 1}', "in.json"); // { a: 1 }
 * parseJsonText('{\n "a": }', "in.json"); // throws "in.json, line 2: invalid JSON at column 7 (unexpected character)"
 */
export function parseJsonText(content: string, file: string, firstLine = 1): unknown {
  const text = stripBom(content);
  try {
    return JSON.parse(text);
  } catch {
    const found = findJsonSyntaxError(text) ?? { offset: 0, reason: "syntax error" };
    const { line, column } = lineAndColumn(text, found.offset);
    throw new InputFormatError(`invalid JSON at column ${column} (${found.reason})`, {
      file,
      line: firstLine + line - 1,
    });
  }
}

/**
 * Parses a JSON chat export: an array of message objects, or an object with a `messages` array (a
 * conversation id field on that object applies to messages that carry none).
 *
 * @example
 * const [conversation] = parseChatJson('[{"sender":"講師","text":"こんにちは"}]', { file: "lesson.json" });
 * conversation?.utterances[0]; // { index: 0, speaker: "講師", role: "teacher", text: "こんにちは" }
 */
export function parseChatJson(content: string, options: ChatParseOptions): Conversation[] {
  return readChatJson(content, options).conversations;
}

/**
 * Parses JSONL: one message object per non-empty line. A bad line raises InputFormatError with its line
 * number.
 *
 * @example
 * const conversations = parseChatJsonl('{"role":"user","text":"こんにちは"}\n', { file: "bot.jsonl" });
 * conversations[0]?.utterances[0]?.role; // "user"
 */
export function parseChatJsonl(content: string, options: ChatParseOptions): Conversation[] {
  return readChatJsonl(content, options).conversations;
}

/**
 * Parses CSV with a header row: RFC 4180 quoting, LF or CRLF inside quoted fields, CRLF rows, a UTF-8 BOM.
 * Up to 10 leading metadata rows before the header are skipped. CRLF inside a cell becomes LF. A row holds
 * one message, or one exchange (user and assistant columns) that gives two utterances.
 *
 * @example
 * const csv = "送信者名,本文\r\nお客様,\"一行目\n二行目\"\r\n";
 * parseChatCsv(csv, { file: "desk.csv" })[0]?.utterances[0]?.text; // "一行目\n二行目"
 */
export function parseChatCsv(content: string, options: ChatParseOptions): Conversation[] {
  return readChatCsv(content, options).conversations;
}

/** Where one utterance of a record came from: the field holding its text and the one naming its speaker. */
export interface ChatPart {
  readonly textField: string;
  readonly speakerField: string | undefined;
  /** The utterance's index in its conversation; undefined when the text was empty and skipped. */
  readonly utterance: number | undefined;
}

/** What a record (message, JSONL line, CSV row) became. */
export interface ChatPlacement {
  /** Position of its conversation in the parsed list. */
  readonly conversation: number;
  readonly parts: readonly ChatPart[];
}

/** Fields that say where a record sits and when (kept as they are when the input is written again). */
export interface ChatStructureFields {
  readonly timestamp: string | undefined;
  readonly role: string | undefined;
  readonly conversationId: string | undefined;
}

/** A chat file read for parsing and for writing it again in its own layout. */
export interface ChatReading {
  readonly conversations: Conversation[];
  /** One per record, in file order. */
  readonly placements: readonly ChatPlacement[];
  readonly structure: ChatStructureFields;
}

/**
 * {@link parseChatJson} with where each message went, and the parsed JSON (`root`) whose message objects
 * are `messages` (the same objects, so a writer can change them in place).
 *
 * @example
 * const { root, messages, placements } = readChatJson(text, { file: "chat.json" });
 */
export function readChatJson(
  content: string,
  options: ChatParseOptions,
): ChatReading & { root: unknown; messages: Record<string, unknown>[] } {
  const { file } = options;
  const root = parseJsonText(content, file);
  let messages: unknown[];
  let rootConversationId: string | undefined;
  if (Array.isArray(root)) {
    messages = root;
  } else if (isRecord(root) && Array.isArray(root["messages"])) {
    messages = root["messages"];
    const rootFields = Object.keys(root).filter((key) => key !== "messages");
    const idField = options.fields
      ? options.fields.conversationId
      : pickCandidate(rootFields, CHAT_FIELD_CANDIDATES.conversationId);
    if (idField !== undefined) rootConversationId = scalarText(lookup(root, idField));
  } else {
    throw new InputFormatError("expected a JSON array of messages or an object with a 'messages' array", { file });
  }
  const records = messages.map((message, position): ChatRecord => {
    if (!isRecord(message)) {
      throw new InputFormatError(`message ${position + 1} is not a JSON object`, { file });
    }
    return { values: message, where: { label: `message ${position + 1}` } };
  });
  const conversationId = options.conversationId ?? rootConversationId;
  const built = buildConversations(records, "chat-json", { ...options, ...(conversationId ? { conversationId } : {}) });
  return { ...built, root, messages: records.map((record) => record.values) };
}

/**
 * {@link parseChatJsonl} with where each line's message went; `lines` holds each line's parsed object, or
 * undefined for a blank line.
 *
 * @example
 * const { lines, placements } = readChatJsonl(text, { file: "bot.jsonl" });
 */
export function readChatJsonl(
  content: string,
  options: ChatParseOptions,
): ChatReading & { lines: (Record<string, unknown> | undefined)[] } {
  const { file } = options;
  const texts = stripBom(content).split(/\r\n|\n|\r/);
  const records: ChatRecord[] = [];
  const lines: (Record<string, unknown> | undefined)[] = [];
  texts.forEach((lineText, position) => {
    const line = position + 1;
    if (lineText.trim() === "") {
      lines.push(undefined);
      return;
    }
    const value = parseJsonText(lineText, file, line);
    if (!isRecord(value)) throw new InputFormatError("line is not a JSON object", { file, line });
    records.push({ values: value, where: { label: "message", line } });
    lines.push(value);
  });
  return { ...buildConversations(records, "chat-jsonl", options), lines };
}

/**
 * {@link parseChatCsv} with the file's records (layout kept) and which record is the header; `placements`
 * has one entry per data record that is not blank, in order (`dataRecords` lists their positions).
 *
 * @example
 * const { document, headerAt, dataRecords, placements } = readChatCsv(text, { file: "desk.csv" });
 */
export function readChatCsv(
  content: string,
  options: ChatParseOptions,
): ChatReading & { document: CsvDocument; headerAt: number; dataRecords: number[] } {
  const { file } = options;
  const document = readCsvRecords(content, file);
  const rows = document.records
    .map((record, position) => ({ ...record, position }))
    .filter((record) => !record.blank);
  if (rows.length === 0) throw new InputFormatError("CSV has no header row", { file });

  // The header is the first row that holds the text column(s) (searching past a few metadata rows).
  let headerAt = -1;
  let fields: ResolvedFields | undefined;
  for (let position = 0; position < Math.min(rows.length, MAX_CSV_HEADER_SEARCH_ROWS); position++) {
    const row = rows[position];
    if (row === undefined) break;
    const found = options.fields ? resolveExplicitColumns(options.fields, row.cells) : detectFields(row.cells);
    if (found) {
      headerAt = position;
      fields = found;
      break;
    }
  }
  const first = rows[0];
  const header = rows[headerAt];
  if (fields === undefined || header === undefined || first === undefined) {
    const columns = first?.cells ?? [];
    if (options.fields) {
      const wanted = "text" in options.fields ? options.fields.text : options.fields.userText;
      throw new InputFormatError(`mapped text column '${wanted}' not found; columns present: ${listNames(columns)}`, {
        file,
        line: first?.line,
      });
    }
    detectChatFields(columns, file, first?.line); // throws, listing the columns
    throw new InputFormatError("CSV header not found", { file });
  }
  const names = header.cells.map((cell) => cell.trim());
  if (options.fields) checkMappedColumns(options.fields, names, file, header.line);

  const records: ChatRecord[] = [];
  const dataRecords: number[] = [];
  for (const row of rows.slice(headerAt + 1)) {
    if (row.cells.length !== names.length) {
      throw new InputFormatError(`row has ${row.cells.length} fields, the header has ${names.length}`, {
        file,
        line: row.line,
      });
    }
    // No prototype: a column may be called "constructor" or "__proto__".
    const values = Object.create(null) as Record<string, unknown>;
    names.forEach((name, column) => {
      if (!Object.hasOwn(values, name)) values[name] = row.cells[column];
    });
    records.push({ values, where: { label: "row", line: row.line } });
    dataRecords.push(row.position);
  }
  const built = buildConversations(records, "chat-csv", { ...options, fields: undefined }, fields);
  return { ...built, document, headerAt: header.position, dataRecords };
}

// ---------------------------------------------------------------------------------------------------------

interface ChatRecord {
  values: Record<string, unknown>;
  where: { label: string; line?: number };
}

/** Fields resolved against one file: one message per record, or one exchange per record. */
type ResolvedFields =
  | { readonly kind: "message"; readonly fields: ResolvedChatFields }
  | { readonly kind: "exchange"; readonly fields: ExchangeFieldMap };

/** One utterance to take from a record. */
interface PartSpec {
  textField: string;
  speakerField: string | undefined;
  defaultSpeaker: string;
  /** Role field (message records) or the fixed role of an exchange column. */
  roleField?: string | undefined;
  fixedRole?: Role;
}

function partsOf(resolved: ResolvedFields): PartSpec[] {
  if (resolved.kind === "message") {
    const { fields } = resolved;
    return [{ textField: fields.text, speakerField: fields.speaker, defaultSpeaker: "unknown", roleField: fields.role }];
  }
  const { fields } = resolved;
  return [
    { textField: fields.userText, speakerField: fields.userName, defaultSpeaker: "user", fixedRole: "user" },
    { textField: fields.assistantText, speakerField: fields.assistantName, defaultSpeaker: "assistant", fixedRole: "assistant" },
  ];
}

function buildConversations(
  records: readonly ChatRecord[],
  format: ChatFormat,
  options: ChatParseOptions,
  preResolved?: ResolvedFields,
): ChatReading {
  const { file } = options;
  const resolved = preResolved ?? resolveJsonFields(records, options);
  const specs = partsOf(resolved);
  const timestampField = resolved.fields.timestamp;
  const idField = resolved.fields.conversationId;
  const defaultId = options.conversationId ?? (baseName(file) || "conversation");
  const groups = new Map<string, { position: number; utterances: Utterance[]; skipped: number }>();
  const placements: ChatPlacement[] = [];

  for (const record of records) {
    const field = (name: string | undefined): string | undefined =>
      name === undefined ? undefined : scalarText(lookup(record.values, name))?.trim();
    const rawId = field(idField);
    const conversationId = rawId || defaultId;
    let group = groups.get(conversationId);
    if (group === undefined) {
      group = { position: groups.size, utterances: [], skipped: 0 };
      groups.set(conversationId, group);
    }
    const timestamp = timestampField !== undefined ? normalizeTimestamp(lookup(record.values, timestampField)) : undefined;

    const parts: ChatPart[] = [];
    for (const spec of specs) {
      const rawText = lookup(record.values, spec.textField);
      if (rawText !== undefined && rawText !== null && typeof rawText === "object") {
        throw new InputFormatError(`${record.where.label}: field '${spec.textField}' is not text`, {
          file,
          line: record.where.line,
        });
      }
      const text = (scalarText(rawText) ?? "").replace(/\r\n?/g, "\n");
      if (text.trim() === "") {
        group.skipped++;
        parts.push({ textField: spec.textField, speakerField: spec.speakerField, utterance: undefined });
        continue;
      }
      const speaker = field(spec.speakerField) || spec.defaultSpeaker;
      const role = ownValue(options.roleMap, speaker) ?? roleOf(spec, field(spec.roleField), speaker, options);
      const utterance: Utterance = { index: group.utterances.length, speaker, text };
      if (role !== undefined) utterance.role = role;
      if (timestamp !== undefined) utterance.timestamp = timestamp;
      parts.push({ textField: spec.textField, speakerField: spec.speakerField, utterance: utterance.index });
      group.utterances.push(utterance);
    }
    placements.push({ conversation: group.position, parts });
  }

  if (groups.size === 0) groups.set(defaultId, { position: 0, utterances: [], skipped: 0 });
  const conversations = [...groups].map(([conversationId, group]): Conversation => ({
    conversationId,
    source: "chat",
    utterances: group.utterances,
    metadata: { format, file, messages: group.utterances.length, skippedMessages: group.skipped },
  }));
  const structure: ChatStructureFields = {
    timestamp: timestampField,
    role: resolved.kind === "message" ? resolved.fields.role : undefined,
    conversationId: idField,
  };
  return { conversations, placements, structure };
}

function roleOf(spec: PartSpec, rawRole: string | undefined, speaker: string, options: ChatParseOptions): Role | undefined {
  if (spec.fixedRole !== undefined) return spec.fixedRole;
  if (spec.roleField === undefined) return mapRoleWord(speaker);
  return rawRole ? (ownValue(options.roleMap, rawRole) ?? mapRoleWord(rawRole)) : undefined;
}

function resolveJsonFields(records: readonly ChatRecord[], options: ChatParseOptions): ResolvedFields {
  const columns = unionOfKeys(records.map((record) => record.values));
  if (options.fields === undefined) {
    if (records.length === 0) return { kind: "message", fields: { text: "text" } };
    return detectFields(columns) ?? { kind: "message", fields: detectChatFields(columns, options.file) };
  }
  const fields = options.fields;
  const keys = "text" in fields
    ? (["text", "speaker", "timestamp", "role", "conversationId"] as const)
    : (["userText", "assistantText", "userName", "assistantName", "timestamp", "conversationId"] as const);
  for (const key of keys) {
    const field = (fields as Partial<Record<(typeof keys)[number], string>>)[key];
    if (field === undefined || records.length === 0) continue;
    // A conversation id may sit on the root object instead of the messages.
    if (key === "conversationId" && options.conversationId !== undefined) continue;
    if (!records.some((record) => lookup(record.values, field) !== undefined)) {
      throw new InputFormatError(
        `mapped ${key} field '${field}' is in no message; fields present: ${listNames(columns)}`,
        { file: options.file },
      );
    }
  }
  return "text" in fields ? { kind: "message", fields } : { kind: "exchange", fields };
}

/** Exchange columns when a user and an assistant text column are both there, else message columns. */
function detectFields(columns: readonly string[]): ResolvedFields | undefined {
  const exchange = detectExchangeFields(columns);
  if (exchange !== undefined) return { kind: "exchange", fields: exchange };
  try {
    return { kind: "message", fields: detectChatFields(columns.map((column) => column.trim()), "") };
  } catch (error) {
    if (error instanceof InputFormatError) return undefined;
    throw error;
  }
}

/**
 * Picks the columns of a log with one exchange per row (a user text column and an assistant text column,
 * by the names of {@link EXCHANGE_FIELD_CANDIDATES} or by what the name says); undefined when either text
 * column is missing.
 *
 * @example
 * detectExchangeFields(["session_id", "timestamp", "user_message", "agent_response"]);
 * // { userText: "user_message", assistantText: "agent_response", timestamp: "timestamp", conversationId: "session_id" }
 */
export function detectExchangeFields(columns: readonly string[]): ExchangeFieldMap | undefined {
  const names = columns.map((column) => column.trim());
  const userText =
    pickCandidate(names, EXCHANGE_FIELD_CANDIDATES.userText) ??
    names.find((name) => /user|ユーザー|利用者/i.test(name) && /content|text|message|input|発話|入力|質問/i.test(name));
  const assistantText =
    pickCandidate(names, EXCHANGE_FIELD_CANDIDATES.assistantText) ??
    names.find(
      (name) =>
        name !== userText &&
        /assistant|bot|agent|(?:^|_)ai(?:_|$)|ボット|ＡＩ|AI/i.test(name) &&
        /content|text|message|response|answer|reply|応答|回答/i.test(name),
    );
  if (userText === undefined || assistantText === undefined || userText === assistantText) return undefined;
  const fields: ExchangeFieldMap = { userText, assistantText };
  const userName = pickCandidate(names, EXCHANGE_FIELD_CANDIDATES.userName);
  const assistantName = pickCandidate(names, EXCHANGE_FIELD_CANDIDATES.assistantName);
  const timestamp = pickCandidate(names, CHAT_FIELD_CANDIDATES.timestamp);
  const conversationId = pickCandidate(names, CHAT_FIELD_CANDIDATES.conversationId);
  if (userName !== undefined) fields.userName = userName;
  if (assistantName !== undefined) fields.assistantName = assistantName;
  if (timestamp !== undefined) fields.timestamp = timestamp;
  if (conversationId !== undefined) fields.conversationId = conversationId;
  return fields;
}

function resolveExplicitColumns(fields: ChatFields, cells: readonly string[]): ResolvedFields | undefined {
  const names = cells.map((cell) => cell.trim());
  const find = (wanted: string | undefined): string | undefined => {
    if (wanted === undefined) return undefined;
    return names.find((name) => name === wanted) ?? names.find((name) => name.toLowerCase() === wanted.toLowerCase());
  };
  const optional = <K extends string>(key: K, wanted: string | undefined): Partial<Record<K, string>> => {
    const found = find(wanted);
    return found === undefined ? {} : ({ [key]: found } as Record<K, string>);
  };
  if ("text" in fields) {
    const text = find(fields.text);
    if (text === undefined) return undefined;
    return {
      kind: "message",
      fields: {
        text,
        ...optional("speaker", fields.speaker),
        ...optional("timestamp", fields.timestamp),
        ...optional("role", fields.role),
        ...optional("conversationId", fields.conversationId),
      },
    };
  }
  const userText = find(fields.userText);
  const assistantText = find(fields.assistantText);
  if (userText === undefined || assistantText === undefined) return undefined;
  return {
    kind: "exchange",
    fields: {
      userText,
      assistantText,
      ...optional("userName", fields.userName),
      ...optional("assistantName", fields.assistantName),
      ...optional("timestamp", fields.timestamp),
      ...optional("conversationId", fields.conversationId),
    },
  };
}

function checkMappedColumns(fields: ChatFields, names: readonly string[], file: string, line: number): void {
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const mapped: Array<[string, string | undefined]> =
    "text" in fields
      ? [["speaker", fields.speaker], ["timestamp", fields.timestamp], ["role", fields.role], ["conversationId", fields.conversationId]]
      : [["assistantText", fields.assistantText], ["userName", fields.userName], ["assistantName", fields.assistantName], ["timestamp", fields.timestamp], ["conversationId", fields.conversationId]];
  for (const [key, field] of mapped) {
    if (field !== undefined && !lower.has(field.toLowerCase())) {
      throw new InputFormatError(`mapped ${key} column '${field}' not found; columns present: ${listNames(names)}`, {
        file,
        line,
      });
    }
  }
}

/** Offset and kind of the first JSON syntax error, or undefined when `text` is valid JSON. */
function findJsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const n = text.length;
  let i = 0;
  const fail = (reason: string): never => {
    throw new Stop(i, i >= n ? "unexpected end of input" : reason);
  };
  const skipSpace = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readString = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new Stop(i, "unterminated string");
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          i += 6;
        } else {
          throw new Stop(i, "invalid escape in string");
        }
      } else if (code < 0x20) {
        throw new Stop(i, "control character in string");
      } else {
        i++;
      }
    }
  };
  const readValue = (): void => {
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail("expected a property name");
        readString();
        skipSpace();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        readValue();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        readValue();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    numberPattern.lastIndex = i;
    if (numberPattern.test(text)) {
      i = numberPattern.lastIndex;
      return;
    }
    fail("unexpected character");
  };
  try {
    readValue();
    skipSpace();
    if (i < n) fail("unexpected character after the JSON value");
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let position = 0; position < offset && position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(position + 1) !== 0x0a)) {
      line++;
      lineStart = position + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** ISO 8601 where the value is recognisably a date/time or epoch; other strings are kept as given. */
function normalizeTimestamp(value: unknown): string | undefined {
  if (typeof value === "number") return epochToIso(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d{9,13}(?:\.\d+)?$/.test(text)) return epochToIso(Number(text)) ?? text;
  const match =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!match) return text;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const pad = (part: string | undefined): string => (part ?? "0").padStart(2, "0");
  let iso = `${year}-${pad(month)}-${pad(day)}`;
  if (hour !== undefined) iso += `T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ?? ""}`;
  if (zone !== undefined && hour !== undefined) {
    iso += zone === "Z" ? "Z" : zone.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
  }
  return iso;
}

function epochToIso(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const date = new Date(value >= 1e12 ? value : value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The value of a field, or of a dotted path ("account.name") when no field has that exact name. */
function lookup(values: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(values, field)) return values[field];
  if (!field.includes(".")) return undefined;
  let current: unknown = values;
  for (const part of field.split(".")) {
    if (!isRecord(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function pickCandidate(columns: readonly string[], candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    const column = columns.find((name) => name.trim().toLowerCase() === candidate);
    if (column !== undefined) return column;
  }
  return undefined;
}

function unionOfKeys(objects: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object)) keys.add(key);
  return [...keys];
}

/**
 * Column names for an error message. Names are not PII, but a header-less file makes its first data row look
 * like a header: a name that looks like data (long, with '@', digit runs or line breaks) is shown as its
 * position only.
 */
function listNames(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  return names
    .map((name, position) =>
      name.length > 40 || /[@\r\n]|\d{3}/.test(name) ? `(column ${position + 1})` : `'${name}'`,
    )
    .join(", ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * File name without directories and extension, the default conversation id.
 *
 * @example
 * baseName("in/chat/log.v2.jsonl"); // "log.v2"
 */
export function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}
