import { z } from "zod";
import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { baseName, ownValue, parseJsonText } from "./chat.js";
import type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";
import { htmlPieces, renderHtml, tokenizeHtml, type HtmlToken } from "./html-text.js";
import {
  checkAnonymizedShape,
  describeZod,
  engineSpeakerNumbers,
  type FieldMask,
  fieldMasker,
  isRecord,
  joinPieces,
  nearestJsonLine,
  maskPieces,
  maskRequired,
  nameLabels,
  personLabel,
  type Piece,
  PseudoIds,
  setField,
  stringifyLike,
  surfaceReplacements,
  tryParseJson,
  unixToIso,
} from "./keep-format-kit.js";

/**
 * Intercom conversations (reference/input-formats.md section 5; developers.intercom.com conversation and
 * conversation-part models): a conversation object (`type: "conversation"`) with its first message in
 * `source` and the rest in `conversation_parts.conversation_parts`, a JSON array of them, or
 * `{type: "conversation.list", conversations: […]}`. One conversation object is one conversation.
 *
 * Bodies are HTML: the utterance is the text of the text nodes (a line break per paragraph). Parts without a
 * body (assignments, open/close) are skipped and counted. Roles by author type: admin/team → agent,
 * bot → assistant, user/lead/contact → customer. Speakers are author names (a bot by its id, so that its
 * name is not taken for a person's).
 *
 * Keep-format writes the same JSON: text nodes masked and markup kept valid (attribute values such as
 * `href="mailto:…"` masked too), authors' names → speaker_N/user_N, e-mails masked, people's ids
 * pseudonymous, other text masked by detection.
 */

const AuthorSchema = z.looseObject({
  type: z.string(),
  id: z.union([z.string(), z.number()]).optional(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
type Author = z.infer<typeof AuthorSchema>;
const MessageSchema = z.looseObject({
  body: z.string().nullable().optional(),
  author: AuthorSchema,
  created_at: z.number().nullable().optional(),
});
const PartSchema = MessageSchema.extend({ part_type: z.string().optional() });
const ConversationSchema = z.looseObject({
  type: z.literal("conversation"),
  id: z.union([z.string(), z.number()]).optional(),
  created_at: z.number().nullable().optional(),
  source: MessageSchema.optional(),
  conversation_parts: z.looseObject({ conversation_parts: z.array(PartSchema) }).optional(),
});

/** A message of a conversation: the source or a part, its JSON object and where it is. */
interface ParsedMessage {
  readonly raw: Record<string, unknown>;
  readonly author: Author;
  readonly tokens: HtmlToken[];
  readonly pieces: Piece[];
  readonly utterance: number | undefined;
}

interface ParsedConversation {
  readonly raw: Record<string, unknown>;
  readonly conversation: Conversation;
  readonly messages: ParsedMessage[];
  readonly speakers: string[];
}

const ROLE_OF_AUTHOR: Readonly<Record<string, Role>> = {
  admin: "agent",
  team: "agent",
  bot: "assistant",
  user: "customer",
  lead: "customer",
  contact: "customer",
};

function speakerOf(author: Author): string {
  const id = author.id !== undefined ? String(author.id) : "";
  if (author.type === "bot") return id || "bot";
  return author.name?.trim() || id || author.type;
}

function roleOf(author: Author, speaker: string, roleMap: Readonly<Record<string, Role>> | undefined): Role | undefined {
  return (
    ownValue(roleMap, speaker) ??
    (author.id !== undefined ? ownValue(roleMap, String(author.id)) : undefined) ??
    (author.name ? ownValue(roleMap, author.name) : undefined) ??
    (author.email ? ownValue(roleMap, author.email) : undefined) ??
    ownValue(roleMap, author.type) ??
    ownValue(ROLE_OF_AUTHOR, author.type)
  );
}

/** The conversation objects of a file, with the JSON path of each (for error lines). */
function conversationsOf(text: string, file: string): { root: unknown; list: Array<{ value: unknown; path: (string | number)[] }> } {
  const root = parseJsonText(text, file);
  if (Array.isArray(root)) return { root, list: root.map((value, index) => ({ value, path: [index] })) };
  if (isRecord(root) && Array.isArray(root["conversations"])) {
    return { root, list: root["conversations"].map((value, index) => ({ value, path: ["conversations", index] })) };
  }
  if (isRecord(root) && root["type"] === "conversation") return { root, list: [{ value: root, path: [] }] };
  throw new InputFormatError(
    "expected an Intercom conversation (type \"conversation\"), an array of them or a conversation.list",
    { file },
  );
}

function readConversations(text: string, options: FormatParseOptions): { root: unknown; conversations: ParsedConversation[] } {
  const { file } = options;
  const { root, list } = conversationsOf(text, file);
  const conversations = list.map(({ value, path }, position): ParsedConversation => {
    const checked = ConversationSchema.safeParse(value);
    if (!checked.success) {
      const issue = describeZod(checked.error);
      throw new InputFormatError(`conversation ${position + 1}: ${issue.text}`, {
        file,
        line: nearestJsonLine(text, [...path, ...issue.path]),
      });
    }
    const raw = value as Record<string, unknown>;
    const parsed = checked.data;
    const sources: Array<{ raw: Record<string, unknown>; message: z.infer<typeof MessageSchema> }> = [];
    if (parsed.source !== undefined) sources.push({ raw: raw["source"] as Record<string, unknown>, message: parsed.source });
    const rawParts = (raw["conversation_parts"] as Record<string, unknown> | undefined)?.["conversation_parts"];
    parsed.conversation_parts?.conversation_parts.forEach((part, index) => {
      sources.push({ raw: (rawParts as Record<string, unknown>[])[index] as Record<string, unknown>, message: part });
    });

    const utterances: Utterance[] = [];
    const speakers: string[] = [];
    const messages = sources.map(({ raw: messageRaw, message }): ParsedMessage => {
      const tokens = tokenizeHtml((message.body ?? "").replace(/\r\n?/g, "\n"));
      const { pieces } = htmlPieces(tokens);
      const text = joinPieces(pieces);
      if (text.trim() === "") return { raw: messageRaw, author: message.author, tokens, pieces, utterance: undefined };
      const speaker = speakerOf(message.author);
      const utterance: Utterance = { index: utterances.length, speaker, text };
      const role = roleOf(message.author, speaker, options.roleMap);
      if (role !== undefined) utterance.role = role;
      const timestamp = unixToIso(message.created_at ?? parsed.created_at);
      if (timestamp !== undefined) utterance.timestamp = timestamp;
      utterances.push(utterance);
      speakers.push(speaker);
      return { raw: messageRaw, author: message.author, tokens, pieces, utterance: utterance.index };
    });
    const conversationId =
      (list.length === 1 ? options.conversationId : undefined) ??
      (parsed.id !== undefined ? String(parsed.id) : undefined) ??
      `${baseName(file) || "intercom"}-${position + 1}`;
    return {
      raw,
      speakers,
      messages,
      conversation: {
        conversationId,
        source: "chat",
        utterances,
        metadata: {
          format: "intercom",
          file,
          messages: utterances.length,
          skippedMessages: sources.length - utterances.length,
        },
      },
    };
  });
  return { root, conversations };
}

// ----- keep-format -----------------------------------------------------------------------------------------

/** Keys whose values are identifiers, enums, times or settings: written as they are. */
const KEEP = new Set([
  "type", "part_type", "delivered_as", "state", "priority", "created_at", "updated_at", "notified_at", "waiting_since",
  "snoozed_until", "open", "read", "redacted", "content_type", "filesize", "width", "height", "team_assignee_id",
  "ai_agent_participated", "channel", "app_package_code", "applied_by", "rating", "sla_name", "sla_status",
  "first_contact_reply", "url_type", "language",
]);
/** Objects of these types are people: their id is pseudonymous, their name a label, their e-mail masked. */
const PERSON_TYPES = new Set(["user", "lead", "contact", "admin"]);
/** Keys holding an admin's or contact's id. */
const PERSON_ID = new Set(["admin_assignee_id", "last_closed_by_id", "last_assignment_admin_reply_by_id", "contact_id", "user_id"]);

interface RenderContext {
  readonly ids: PseudoIds;
  readonly mask: FieldMask;
  readonly label: (id: string) => string;
}

function pseudo(value: unknown, ids: PseudoIds): unknown {
  if (typeof value === "number") return ids.of(value);
  if (typeof value === "string" && value !== "") return String(ids.of(value));
  return value;
}

function renderValue(value: unknown, key: string | undefined, context: RenderContext): unknown {
  if (key !== undefined && PERSON_ID.has(key)) return pseudo(value, context.ids);
  if (typeof value === "string") {
    if (key !== undefined && KEEP.has(key)) return value;
    if (key === "email") return maskRequired(value, context.mask, "EMAIL");
    if (key === "phone") return maskRequired(value, context.mask, "PHONE");
    if (key === "body") return renderHtml(tokenizeHtml(value), new Map(), context.mask);
    return context.mask(value);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, key, context));
  if (!isRecord(value)) return value;
  const person = typeof value["type"] === "string" && PERSON_TYPES.has(value["type"]);
  const id = value["id"];
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (person && (name === "id" || name === "external_id")) setField(out, name, pseudo(item, context.ids));
    else if (person && name === "name" && typeof item === "string") {
      setField(out, name, item === "" ? "" : id !== undefined && id !== null ? context.label(String(id)) : maskRequired(item, context.mask, "PERSON"));
    } else if (name === "id" && !person) setField(out, name, item);
    else setField(out, name, renderValue(item, name, context));
  }
  return out;
}

function render(input: KeepFormatInput): string {
  const { file } = input;
  const { root, conversations } = readConversations(input.text, { file });
  checkAnonymizedShape(conversations.map((parsed) => parsed.conversation.utterances.length), input.anonymized, file);

  const ids = new PseudoIds();
  for (const parsed of conversations) for (const message of parsed.messages) if (message.author.id !== undefined) ids.of(message.author.id);
  const speakerNumberOf = new Map<string, number>();
  const single = conversations.length === 1 ? conversations[0] : undefined;
  const firstAnonymized = input.anonymized[0];
  if (single !== undefined && firstAnonymized !== undefined) {
    const engine = engineSpeakerNumbers(single.speakers, firstAnonymized);
    for (const message of single.messages) {
      const number = engine.get(speakerOf(message.author));
      if (message.utterance !== undefined && number !== undefined && message.author.id !== undefined) {
        speakerNumberOf.set(String(message.author.id), number);
      }
    }
  }
  const label = (id: string): string => personLabel(speakerNumberOf.get(id), ids.of(id));
  const names = nameLabels(
    conversations.flatMap((parsed) =>
      parsed.messages
        .filter((message) => message.author.id !== undefined && PERSON_TYPES.has(message.author.type))
        .map((message) => ({ names: [message.author.name], label: label(String(message.author.id)) })),
    ),
  );

  const renderedConversations = new Map<unknown, Record<string, unknown>>();
  conversations.forEach((parsed, index) => {
    const anonymized = input.anonymized[index];
    const originals = parsed.messages.filter((message) => message.utterance !== undefined).map((message) => joinPieces(message.pieces));
    const mask = fieldMasker(input.maskField, index, anonymized ? surfaceReplacements(originals, anonymized) : new Map(), names);
    const context: RenderContext = { ids, label, mask };
    const renderedMessages = new Map<unknown, Record<string, unknown>>();
    parsed.messages.forEach((message, position) => {
      const out = renderValue(message.raw, undefined, context) as Record<string, unknown>;
      if (message.utterance !== undefined && anonymized !== undefined) {
        const utterance = anonymized.utterances[message.utterance];
        if (utterance === undefined) throw new InputFormatError("keep-format: utterance missing", { file });
        const masked = maskPieces(message.pieces, utterance, { file, label: `conversation ${index + 1}, message ${position + 1}` });
        const byToken = new Map<number, string>();
        htmlPieces(message.tokens).tokenOf.forEach((token, piece) => {
          if (token !== undefined) byToken.set(token, masked[piece] ?? "");
        });
        const original = String(message.raw["body"] ?? "");
        const body = renderHtml(message.tokens, byToken, context.mask);
        setField(out, "body", original.includes("\r\n") ? body.replace(/\n/g, "\r\n") : body);
      }
      renderedMessages.set(message.raw, out);
    });
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(parsed.raw)) {
      if (name === "source" && renderedMessages.has(item)) setField(out, name, renderedMessages.get(item));
      else if (name === "conversation_parts" && isRecord(item)) {
        const parts: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(item)) {
          setField(parts, key, key === "conversation_parts" && Array.isArray(value) ? value.map((part) => renderedMessages.get(part) ?? renderValue(part, undefined, context)) : renderValue(value, key, context));
        }
        setField(out, name, parts);
      } else if (name === "id") setField(out, name, item);
      else setField(out, name, renderValue(item, name, context));
    }
    renderedConversations.set(parsed.raw, out);
  });

  const fallback: RenderContext = { ids, label, mask: (value) => (value.trim() === "" ? value : "") };
  let output: unknown;
  if (Array.isArray(root)) output = root.map((item) => renderedConversations.get(item) ?? item);
  else if (isRecord(root) && root["type"] === "conversation") output = renderedConversations.get(root);
  else if (isRecord(root)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(root)) {
      setField(out, name, name === "conversations" && Array.isArray(item) ? item.map((value) => renderedConversations.get(value) ?? value) : renderValue(item, name, fallback));
    }
    output = out;
  }
  return stringifyLike(output, input.text);
}

function sniff(_file: string, text: string): boolean {
  if (!/"conversation"/.test(text.slice(0, 8192)) || !/"author"/.test(text)) return false;
  const root = tryParseJson(text);
  const list = Array.isArray(root)
    ? root
    : isRecord(root) && Array.isArray(root["conversations"])
      ? root["conversations"]
      : isRecord(root)
        ? [root]
        : [];
  return (
    list.length > 0 &&
    list.slice(0, 10).every(
      (item) =>
        isRecord(item) &&
        item["type"] === "conversation" &&
        (isRecord(item["conversation_parts"]) || (isRecord(item["source"]) && isRecord(item["source"]["author"]))),
    )
  );
}

/**
 * Intercom conversations (see the file comment).
 *
 * @example
 * const [conversation] = intercomFormat.parse(text, { file: "conversation.json" });
 * conversation?.utterances[0]?.role; // "customer"
 */
export const intercomFormat: FormatModule = {
  format: "intercom",
  sniff,
  parse: (text, options) => readConversations(text, options).conversations.map((parsed) => parsed.conversation),
  render,
};
