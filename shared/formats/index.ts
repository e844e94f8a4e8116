import { z } from "zod";
import { ConfigError, InputFormatError } from "../errors.js";
import { type Conversation, ConversationSchema, RoleSchema } from "../schema/conversation.js";
import { ChatFieldsSchema } from "./chat.js";
import type { FormatModule, FormatParseOptions } from "./format-module.js";
import { detectGenericFormat } from "./generic-format.js";
import { FORMAT_MODULES, GENERIC_MODULES } from "./modules.js";

/**
 * Format detection and the one entry point from a file's text to validated conversations.
 */

/** Every format module, sniffed ones first. */
const ALL_MODULES: readonly FormatModule[] = [...FORMAT_MODULES, ...GENERIC_MODULES];

/**
 * The input formats tokumei reads: the names of the format modules (`--format`).
 *
 * @example
 * InputFormatSchema.parse("line-talk"); // "line-talk"
 */
export const InputFormatSchema = z.enum(ALL_MODULES.map((module) => module.format) as [string, ...string[]]);
export type InputFormat = z.infer<typeof InputFormatSchema>;

/**
 * Options of {@link parseConversations}: a format override, a chat field mapping (per message, or per
 * exchange: user and assistant columns), speaker/role-value → role, and a conversation id for inputs that
 * carry none.
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
  fields: ChatFieldsSchema.optional(),
  roleMap: z.record(z.string(), RoleSchema).optional(),
  conversationId: z.string().min(1).optional(),
});
export type ParseOptions = z.input<typeof ParseOptionsSchema>;

export {
  ChatFieldMapSchema,
  ChatFieldsSchema,
  ExchangeFieldMapSchema,
  type ChatFieldMap,
  type ChatFields,
  type ExchangeFieldMap,
} from "./chat.js";
export type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";

/**
 * The module of a format name. Throws ConfigError for a name no module has.
 *
 * @example
 * formatModule("line-oa-csv").format; // "line-oa-csv"
 */
export function formatModule(format: string): FormatModule {
  const found = ALL_MODULES.find((module) => module.format === format);
  if (found === undefined) throw new ConfigError(`unknown format ${format}; use one of ${InputFormatSchema.options.join(", ")}`);
  return found;
}

/**
 * Guesses the format of a file, by content first: each format module's sniff in registry order (Transcribe
 * JSON, Call Analytics JSON, LINE talk history, LINE official account CSV …), then the generic formats
 * (see {@link detectGenericFormat}): JSON, JSON Lines, CSV, plain text.
 *
 * @example
 * detectFormat("call.json", '{"jobName":"j","status":"COMPLETED","results":{"items":[]}}'); // "transcribe"
 * detectFormat("bot.jsonl", '{"text":"a"}\n{"text":"b"}\n'); // "chat-jsonl"
 * detectFormat("talk.txt", "[LINE] 鈴木とのトーク履歴\n保存日時：2024/06/03 18:20\n"); // "line-talk"
 * detectFormat("notes.txt", "山田：こんにちは"); // "plain-text"
 */
export function detectFormat(fileName: string, content: string): InputFormat {
  for (const module of FORMAT_MODULES) if (module.sniff(fileName, content)) return module.format;
  return detectGenericFormat(fileName, content);
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
  const { format, parse } = resolveParseOptions(fileName, content, options);
  const conversations = formatModule(format).parse(content, parse);
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

/** A ZIP archive starts with a local file header (or is an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

/**
 * The format module that reads this binary input (a Slack export .zip), or undefined for text inputs.
 * A ZIP archive no module reads is refused: it would otherwise be decoded as text.
 *
 * @example
 * binaryFormat("slack.zip", zipBytes, {})?.format; // "slack"
 */
export function binaryFormat(fileName: string, bytes: Uint8Array, options: ParseOptions = {}): FormatModule | undefined {
  const override = options.format !== undefined ? formatModule(options.format) : undefined;
  if (override) return override.parseBytes && (isZip(bytes) || override.sniffBytes?.(fileName, bytes)) ? override : undefined;
  const found = ALL_MODULES.find((module) => module.sniffBytes?.(fileName, bytes));
  if (found) return found;
  if (isZip(bytes)) throw new InputFormatError("a ZIP archive that is not a Slack export (users.json, channels.json and day files)", { file: fileName });
  return undefined;
}

/**
 * Parses a binary input with its module (see {@link binaryFormat}), each conversation validated.
 *
 * @example
 * parseBinaryConversations("slack.zip", zipBytes, slackFormat).length; // channels × days
 */
export function parseBinaryConversations(fileName: string, bytes: Uint8Array, module: FormatModule, options: ParseOptions = {}): Conversation[] {
  const { parse } = resolveParseOptions(fileName, "", { ...options, format: module.format });
  if (!module.parseBytes) throw new ConfigError(`format ${module.format} does not read binary files`);
  return module.parseBytes(bytes, parse).map((conversation) => {
    const checked = ConversationSchema.safeParse(conversation);
    if (!checked.success) throw new InputFormatError(`parsed conversation is invalid: ${describeIssues(checked.error)}`, { file: fileName });
    return checked.data;
  });
}

/**
 * Validates parse options and settles the format (the override, else {@link detectFormat}): what a format
 * module's parse and render get. Invalid options throw ConfigError.
 *
 * @example
 * resolveParseOptions("talk.txt", text, { roleMap: { 鈴木: "customer" } });
 * // { format: "line-talk", parse: { file: "talk.txt", roleMap: { 鈴木: "customer" } } }
 */
export function resolveParseOptions(
  fileName: string,
  content: string,
  options: ParseOptions = {},
): { format: InputFormat; parse: FormatParseOptions } {
  const parsedOptions = ParseOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new ConfigError(`invalid parse options: ${describeIssues(parsedOptions.error)}`);
  }
  const { format, fields, roleMap, conversationId } = parsedOptions.data;
  return {
    format: format ?? detectFormat(fileName, content),
    parse: {
      file: fileName,
      ...(roleMap !== undefined ? { roleMap } : {}),
      ...(conversationId !== undefined ? { conversationId } : {}),
      ...(fields !== undefined ? { fields } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Paths and zod's messages (which name expected types, not input values), at most three. A value that fits
 * none of a union's shapes (a field map) is described by the shape it came closest to.
 */
function describeIssues(error: z.ZodError): string {
  return flatten(error.issues)
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

interface PlainIssue {
  path: PropertyKey[];
  message: string;
}

function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): PlainIssue[] {
  return issues.flatMap((issue): PlainIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      return flatten(closest, path);
    }
    return [{ path, message: issue.message }];
  });
}
