import { z } from "zod";
import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { baseName, ownValue, parseJsonText } from "./chat.js";
import type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";
import {
  checkAnonymizedShape,
  describeZod,
  engineSpeakerNumbers,
  fieldMasker,
  fixedPiece,
  isRecord,
  joinPieces,
  nearestJsonLine,
  maskPieces,
  maskStrings,
  mentionPlaceholder,
  ParticipantNumbers,
  type Piece,
  setField,
  speakerNumbers,
  stringifyLike,
  surfaceReplacements,
  textPiece,
  tryParseJson,
  unixToIso,
} from "./keep-format-kit.js";

/**
 * Chatwork room messages as the API returns them (`GET /rooms/{room_id}/messages`, reference/input-formats.md
 * section 5): `[{message_id, account{account_id, name, avatar_image_url}, body, send_time, update_time}]`,
 * also wrapped as `{room_id, messages: […]}`. One file is one room, one conversation.
 *
 * Bodies carry Chatwork notation: `[To:123]鈴木さん`, `[rp aid=123 to=456-789]`, `[qt][qtmeta aid=123
 * time=…]…[/qt]`, `[info][title]…[/title]…[/info]`, `[hr]`, `[piconname:123]`, `[code]`, `[task]`,
 * `[download]`, `[preview]`, `[dtext:…]`. Only the text between tags is read as text; an account a tag refers
 * to appears as `<SPEAKER_N>` (N of that account's speaker_N), and the name typed after `[To:]`/`[rp]` is
 * left out (it is the addressee's name). Keep-format output writes the tags back with pseudonymous account
 * ids, so masked bodies still display in Chatwork tools.
 */

const MessageSchema = z.looseObject({
  message_id: z.union([z.string(), z.number()]),
  account: z.looseObject({
    account_id: z.number().int().nonnegative(),
    name: z.string(),
    avatar_image_url: z.string().optional(),
  }),
  body: z.string(),
  send_time: z.number().nonnegative(),
  update_time: z.number().nonnegative().optional(),
});
type ChatworkMessage = z.infer<typeof MessageSchema>;

/** Tags of Chatwork notation (case-insensitive); anything else in brackets is text. */
const TAG = /\[(\/?)(to|toall|rp|qt|qtmeta|info|title|hr|code|picon|piconname|preview|download|task|dtext|deleted)(?::([^\]\s]*))?((?:\s+[a-z]+=[^\]\s]*)*)\s*\]/gi;
/** Tags whose argument or `aid` is an account id. */
const ACCOUNT_ARGUMENT = new Set(["to", "picon", "piconname"]);
const ACCOUNT_ATTRIBUTE = new Set(["rp", "qtmeta", "task"]);
/** Tags followed by the addressee's name as the Chatwork client inserts it. */
const NAME_FOLLOWS = new Set(["to", "rp"]);
const HONORIFIC = /(さん|様|さま|サマ|くん|君|ちゃん|殿|氏|先生)/;

type BodyToken =
  | { readonly kind: "text"; readonly value: string }
  | {
      readonly kind: "tag";
      readonly raw: string;
      readonly name: string;
      readonly closing: boolean;
      readonly argument: string | undefined;
      readonly attributes: ReadonlyArray<readonly [string, string]>;
      /** The account id the tag refers to, if any. */
      readonly account: number | undefined;
    }
  /** The addressee's name after [To:]/[rp]: never read, replaced on output. */
  | { readonly kind: "name"; readonly value: string };

/**
 * Splits a Chatwork body into text, tags and the names typed after `[To:]`/`[rp]`.
 *
 * @example
 * tokenizeChatworkBody("[To:123]鈴木さん\n了解です").map((t) => t.kind); // ["tag", "name", "text"]
 */
export function tokenizeChatworkBody(body: string): BodyToken[] {
  const tokens: BodyToken[] = [];
  let at = 0;
  let nameExpected = false;
  const pushText = (text: string): void => {
    if (text === "") return;
    if (!nameExpected) {
      tokens.push({ kind: "text", value: text });
      return;
    }
    nameExpected = false;
    // The client inserts "[To:123]Name<honorific>" and a line break; the name ends at the honorific, or
    // else at the end of the line (a whole line is masked rather than a name half kept).
    const lineEnd = text.indexOf("\n");
    const line = lineEnd === -1 ? text : text.slice(0, lineEnd);
    const rest = lineEnd === -1 ? "" : text.slice(lineEnd);
    const lead = /^[ \t\u3000]*/.exec(line)?.[0] ?? "";
    const afterLead = line.slice(lead.length);
    const honorific = HONORIFIC.exec(afterLead);
    const name = honorific ? afterLead.slice(0, honorific.index) : afterLead;
    const tail = honorific ? afterLead.slice(honorific.index) : "";
    if (lead !== "") tokens.push({ kind: "text", value: lead });
    if (name !== "") tokens.push({ kind: "name", value: name });
    if (tail + rest !== "") tokens.push({ kind: "text", value: tail + rest });
  };
  for (const match of body.matchAll(TAG)) {
    const [raw, slash, rawName, argument, attributeText] = match;
    const name = (rawName as string).toLowerCase();
    const attributes = [...(attributeText ?? "").matchAll(/([a-z]+)=([^\]\s]*)/gi)].map(
      ([, key, value]) => [key as string, value as string] as const,
    );
    let account: number | undefined;
    if (ACCOUNT_ARGUMENT.has(name)) {
      if (argument === undefined || !/^\d+$/.test(argument)) continue; // "[To:abc]" is text
      account = Number(argument);
    } else if (ACCOUNT_ATTRIBUTE.has(name) && slash === "") {
      const aid = attributes.find(([key]) => key.toLowerCase() === "aid")?.[1];
      if (aid !== undefined && !/^\d+$/.test(aid)) continue;
      if (aid !== undefined) account = Number(aid);
    }
    pushText(body.slice(at, match.index));
    nameExpected = false;
    tokens.push({ kind: "tag", raw, name, closing: slash === "/", argument, attributes, account });
    at = match.index + raw.length;
    nameExpected = slash === "" && NAME_FOLLOWS.has(name);
  }
  pushText(body.slice(at));
  return tokens;
}

/** Where a message's utterance is: its pieces and body tokens (for writing the body back). */
interface ParsedMessage {
  readonly message: ChatworkMessage;
  readonly tokens: BodyToken[];
  /** Undefined for a message with no text (skipped). */
  readonly utterance: number | undefined;
  readonly pieces: Piece[];
}

interface ParsedRoom {
  readonly root: unknown;
  readonly messages: ParsedMessage[];
  readonly conversation: Conversation;
  /** Speaker label of each utterance, in order. */
  readonly speakers: string[];
  readonly accountLabels: Map<number, string>;
}

function speakerOf(message: ChatworkMessage): string {
  return message.account.name.trim() || `account ${message.account.account_id}`;
}

function readRoom(text: string, options: FormatParseOptions): ParsedRoom {
  const { file } = options;
  const root = parseJsonText(text, file);
  let list: unknown;
  let prefix: (string | number)[] = [];
  let roomId: string | undefined;
  if (Array.isArray(root)) list = root;
  else if (isRecord(root) && Array.isArray(root["messages"])) {
    list = root["messages"];
    prefix = ["messages"];
    const id = root["room_id"];
    if (typeof id === "number" || (typeof id === "string" && id.trim() !== "")) roomId = String(id);
  } else {
    throw new InputFormatError("expected a JSON array of Chatwork messages or an object with a 'messages' array", {
      file,
    });
  }
  const messages: ChatworkMessage[] = (list as unknown[]).map((item, position) => {
    const checked = MessageSchema.safeParse(item);
    if (!checked.success) {
      const { text: problem, path } = describeZod(checked.error);
      const at = [...prefix, position];
      throw new InputFormatError(`Chatwork message ${position + 1}: ${problem}`, {
        file,
        line: nearestJsonLine(text, [...at, ...path]),
      });
    }
    return checked.data;
  });

  const accountLabels = new Map<number, string>();
  for (const message of messages) {
    if (!accountLabels.has(message.account.account_id)) accountLabels.set(message.account.account_id, speakerOf(message));
  }
  const parsed: Array<{ message: ChatworkMessage; tokens: BodyToken[]; hasText: boolean }> = messages.map((message) => {
    const tokens = tokenizeChatworkBody(message.body.replace(/\r\n?/g, "\n"));
    return { message, tokens, hasText: message.body.trim() !== "" };
  });
  const speakers = parsed.filter((entry) => entry.hasText).map((entry) => speakerOf(entry.message));
  const numbers = new ParticipantNumbers(speakerNumbers(speakers));
  const labelOfAccount = (account: number): string => accountLabels.get(account) ?? `account ${account}`;

  const utterances: Utterance[] = [];
  const result: ParsedMessage[] = parsed.map(({ message, tokens, hasText }) => {
    if (!hasText) return { message, tokens, utterance: undefined, pieces: [] };
    const pieces = bodyPieces(tokens, (account) => mentionPlaceholder(numbers.of(labelOfAccount(account))));
    const speaker = speakerOf(message);
    const utterance: Utterance = { index: utterances.length, speaker, text: joinPieces(pieces) };
    const role = roleOf(message, options.roleMap);
    if (role !== undefined) utterance.role = role;
    const timestamp = unixToIso(message.send_time);
    if (timestamp !== undefined) utterance.timestamp = timestamp;
    utterances.push(utterance);
    return { message, tokens, utterance: utterance.index, pieces };
  });
  const conversation: Conversation = {
    conversationId: options.conversationId ?? roomId ?? (baseName(file) || "chatwork"),
    source: "chat",
    utterances,
    metadata: {
      format: "chatwork",
      file,
      messages: utterances.length,
      skippedMessages: messages.length - utterances.length,
    },
  };
  return { root, messages: result, conversation, speakers, accountLabels };
}

function roleOf(message: ChatworkMessage, roleMap: Readonly<Record<string, Role>> | undefined): Role | undefined {
  return ownValue(roleMap, speakerOf(message)) ?? ownValue(roleMap, String(message.account.account_id));
}

/** The utterance of a body: text as is, tags in a readable form without ids, addressee names left out. */
function bodyPieces(tokens: readonly BodyToken[], mention: (account: number) => string): Piece[] {
  const pieces: Piece[] = [];
  for (const token of tokens) {
    if (token.kind === "text") pieces.push(textPiece(token.value));
    else if (token.kind === "tag") pieces.push(fixedPiece(readableTag(token, mention)));
  }
  return pieces;
}

function readableTag(token: Extract<BodyToken, { kind: "tag" }>, mention: (account: number) => string): string {
  const slash = token.closing ? "/" : "";
  if (token.account !== undefined) {
    if (token.name === "piconname") return mention(token.account);
    return `[${slash}${token.name === "to" ? "To" : token.name}:${mention(token.account)}]`;
  }
  if (token.name === "dtext" && token.argument !== undefined && /^[a-z_]+$/i.test(token.argument)) {
    return `[dtext:${token.argument}]`;
  }
  return `[${slash}${token.name}]`;
}

/** Writes a tag back with its account id replaced; every other argument and attribute as it was. */
function writeTag(token: Extract<BodyToken, { kind: "tag" }>, pseudoAccount: (account: number) => number): string {
  if (token.account === undefined) return token.raw;
  const pseudo = String(pseudoAccount(token.account));
  if (ACCOUNT_ARGUMENT.has(token.name)) return token.raw.replace(/:(\d+)/, `:${pseudo}`);
  return token.raw.replace(/(\baid=)\d+/i, `$1${pseudo}`);
}

function render(input: KeepFormatInput): string {
  const { file } = input;
  const room = readRoom(input.text, { file });
  checkAnonymizedShape([room.conversation.utterances.length], input.anonymized, file);
  const anonymized = input.anonymized[0];
  if (anonymized === undefined) throw new InputFormatError("keep-format: no anonymized conversation", { file });

  // Participant numbers as the engine assigned them; accounts only referred to get the next numbers.
  const numbers = new ParticipantNumbers(engineSpeakerNumbers(room.speakers, anonymized));
  const labelOfAccount = (account: number): string => room.accountLabels.get(account) ?? `account ${account}`;
  const pseudoAccount = (account: number): number => numbers.of(labelOfAccount(account));
  const originals = room.messages.filter((entry) => entry.utterance !== undefined).map((entry) => joinPieces(entry.pieces));
  const mask = fieldMasker(input.maskField, 0, surfaceReplacements(originals, anonymized));

  const messages = room.messages.map((entry, position) => {
    const { message } = entry;
    let body = message.body;
    if (entry.utterance !== undefined) {
      const utterance = anonymized.utterances[entry.utterance];
      if (utterance === undefined) throw new InputFormatError("keep-format: utterance missing", { file });
      const masked = maskPieces(entry.pieces, utterance, { file, label: `Chatwork message ${position + 1}` });
      let piece = 0;
      body = entry.tokens
        .map((token) => {
          if (token.kind === "name") {
            // The addressee of the tag just before: their pseudonym.
            const tag = previousTag(entry.tokens, token);
            return tag?.account !== undefined ? `speaker_${pseudoAccount(tag.account)}` : mask(token.value);
          }
          const value = masked[piece++] ?? "";
          return token.kind === "tag" ? writeTag(token, pseudoAccount) : value;
        })
        .join("");
      if (message.body.includes("\r\n")) body = body.replace(/\n/g, "\r\n");
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message)) {
      if (key === "body") setField(out, key, body);
      else if (key === "account") setField(out, key, renderAccount(message.account, pseudoAccount, mask));
      else if (key === "message_id" || key === "send_time" || key === "update_time") setField(out, key, value);
      else setField(out, key, maskStrings(value, mask, new Set()));
    }
    return out;
  });

  let root: unknown = messages;
  if (isRecord(room.root)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(room.root)) {
      if (key === "messages") setField(out, key, messages);
      else setField(out, key, maskStrings(value, mask, new Set(["room_id", "type", "role"])));
    }
    root = out;
  }
  return stringifyLike(root, input.text);
}

function previousTag(tokens: readonly BodyToken[], name: BodyToken): Extract<BodyToken, { kind: "tag" }> | undefined {
  for (let at = tokens.indexOf(name) - 1; at >= 0; at--) {
    const token = tokens[at];
    if (token?.kind === "tag") return token;
  }
  return undefined;
}

function renderAccount(
  account: ChatworkMessage["account"],
  pseudoAccount: (account: number) => number,
  mask: (value: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pseudo = pseudoAccount(account.account_id);
  for (const [key, value] of Object.entries(account)) {
    if (key === "account_id") setField(out, key, pseudo);
    else if (key === "name") setField(out, key, `speaker_${pseudo}`);
    // The avatar URL identifies the account: emptied rather than masked into a broken URL.
    else if (key === "avatar_image_url") setField(out, key, "");
    else setField(out, key, maskStrings(value, mask, new Set()));
  }
  return out;
}

/**
 * Chatwork's field names on every message looked at (types are left to parse, so that a damaged export is
 * reported as such instead of being read as a generic chat log).
 */
function sniff(_file: string, text: string): boolean {
  if (!/"message_id"/.test(text.slice(0, 4096)) || !/"send_time"/.test(text)) return false;
  const root = tryParseJson(text);
  const list = Array.isArray(root) ? root : isRecord(root) && Array.isArray(root["messages"]) ? root["messages"] : undefined;
  if (list === undefined || list.length === 0) return false;
  return list
    .slice(0, 20)
    .every((item) => isRecord(item) && "message_id" in item && isRecord(item["account"]) && "send_time" in item);
}

/**
 * Chatwork room messages (see the file comment).
 *
 * @example
 * const [room] = chatworkFormat.parse('[{"message_id":"1","account":{"account_id":11,"name":"鈴木 一郎"},"body":"[To:12]佐藤さん\\n了解です","send_time":1717200000}]', { file: "room.json" });
 * room?.utterances[0]?.text; // "[To:<SPEAKER_2>]さん\n了解です"
 */
export const chatworkFormat: FormatModule = {
  format: "chatwork",
  sniff,
  parse: (text, options) => [readRoom(text, options).conversation],
  render,
};
