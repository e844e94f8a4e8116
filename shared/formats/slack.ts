import { z } from "zod";
import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { ownValue, parseJsonText } from "./chat.js";
import type { FormatModule, FormatParseOptions, KeepFormatBytesInput, KeepFormatInput } from "./format-module.js";
import {
  checkAnonymizedShape,
  describeZod,
  type FieldMask,
  fieldMasker,
  fixedPiece,
  isRecord,
  joinPieces,
  nearestJsonLine,
  maskPieces,
  mentionPlaceholder,
  nameLabels,
  ParticipantNumbers,
  type Piece,
  PseudoIds,
  setField,
  speakerNumbers,
  stringifyLike,
  surfaceReplacements,
  textPiece,
  tryParseJson,
  unixToIso,
} from "./keep-format-kit.js";
import { listZipNames, readZip, writeZip, type ZipEntry } from "./zip.js";

/**
 * Slack workspace exports (reference/input-formats.md section 5). The unit is the export as Slack delivers
 * it, a .zip (one S3 object; `parseBytes`/`renderBytes`): users.json, channels.json (and groups.json,
 * mpims.json, dms.json, integration_logs.json), and one JSON array of messages per channel and day in
 * `<channel>/YYYY-MM-DD.json`. Each day file is one conversation, `<channel>/<date>`. A single day file on its
 * own is read too (as text), with names from the messages' user_profile; users.json or channels.json on their
 * own hold no messages and are refused with a pointer to the whole export.
 *
 * Speakers are users' names (users.json, else user_profile), bots are `assistant`, join/leave/topic notices
 * `system`. Mentions `<@U…>` become `<SPEAKER_N>` (N of that user's speaker_N), channel links `#name`, links
 * their label; Slack's `&lt; &gt; &amp;` are decoded.
 *
 * Keep-format writes the same archive: user ids become pseudonymous ids (`U00000001`) everywhere, names
 * `user_1` …, profile fields (e-mail, phone, title, avatar) are emptied, message text, blocks, attachments and
 * file titles are masked, channel names that contain a member's user name and multi-person DM names are
 * replaced, unknown strings are masked by detection.
 */

const TS = z.string().regex(/^\d+(?:\.\d+)?$/, "expected a Slack timestamp such as 1717375950.000200");

const ProfileSchema = z.looseObject({
  real_name: z.string().optional(),
  display_name: z.string().optional(),
  name: z.string().optional(),
});
const UserSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  real_name: z.string().optional(),
  is_bot: z.boolean().optional(),
  profile: ProfileSchema.optional(),
});
type SlackUser = z.infer<typeof UserSchema>;
const ChannelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  members: z.array(z.string()).optional(),
});
type SlackChannel = z.infer<typeof ChannelSchema>;
const MessageSchema = z.looseObject({
  type: z.string().optional(),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  username: z.string().optional(),
  text: z.string().optional(),
  ts: TS,
  user_profile: ProfileSchema.optional(),
  bot_profile: z.looseObject({ name: z.string().optional() }).optional(),
});
type SlackMessage = z.infer<typeof MessageSchema>;

type ChannelKind = "channels" | "groups" | "mpims" | "dms";
const CHANNEL_LISTS: readonly ChannelKind[] = ["channels", "groups", "mpims", "dms"];
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;
/** Notices Slack writes itself: role system. */
const SYSTEM_SUBTYPE =
  /^(?:(?:channel|group)_(?:join|leave|topic|purpose|name|archive|unarchive|convert_to_private|convert_to_public)|pinned_item|unpinned_item|bot_add|bot_remove|bot_enable|bot_disable|reminder_add|reminder_delete|tombstone|joiner_notification|app_conversation_join|sh_room_created|huddle_thread)$/;
/** A user id (members U…, Enterprise Grid W…); Slack's own `USLACKBOT` has no digit and is not a person. */
const USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{6,}$/;

// ----- message text (mrkdwn) ------------------------------------------------------------------------------

type TextToken =
  | { readonly kind: "text"; readonly raw: string; readonly value: string }
  | { readonly kind: "user"; readonly raw: string; readonly id: string }
  | { readonly kind: "channel"; readonly raw: string; readonly id: string }
  | { readonly kind: "special"; readonly raw: string; readonly name: string }
  /** `<head|label>`: a link with a label, a user group, a date; the label is text. */
  | { readonly kind: "labelled"; readonly raw: string; readonly head: string; readonly label: string }
  | { readonly kind: "link"; readonly raw: string; readonly url: string };

/**
 * Splits Slack message text into text and `<…>` tokens (mentions, channel links, specials, links).
 *
 * @example
 * tokenizeSlackText("<@U0123ABCD> 資料は<https://example.com/a|こちら>").map((t) => t.kind);
 * // ["user", "text", "text", "labelled"]
 */
export function tokenizeSlackText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let at = 0;
  const pushText = (raw: string): void => {
    if (raw !== "") tokens.push({ kind: "text", raw, value: unescapeSlack(raw) });
  };
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    const [raw, inner = ""] = match;
    pushText(text.slice(at, match.index));
    at = match.index + raw.length;
    const bar = inner.indexOf("|");
    const head = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (head.startsWith("@") && /^@[UWB][A-Z0-9]+$/.test(head)) tokens.push({ kind: "user", raw, id: head.slice(1) });
    else if (head.startsWith("#") && /^#[CGD][A-Z0-9]+$/.test(head)) tokens.push({ kind: "channel", raw, id: head.slice(1) });
    else if (/^!(?:here|channel|everyone)$/.test(head)) tokens.push({ kind: "special", raw, name: head.slice(1) });
    else if (label !== undefined) tokens.push({ kind: "labelled", raw, head, label: unescapeSlack(label) });
    else if (head.startsWith("!")) tokens.push({ kind: "special", raw, name: head.slice(1).split("^")[0] ?? "" });
    else tokens.push({ kind: "link", raw, url: unescapeSlack(head) });
  }
  pushText(text.slice(at));
  return tokens;
}

function unescapeSlack(raw: string): string {
  return raw.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// ----- reading an export -----------------------------------------------------------------------------------

interface DayFile {
  /** Index into `entries` (zip), or -1 for a day file read on its own. */
  readonly entry: number;
  readonly dir: string;
  readonly date: string;
  /** Where errors point: the archive and the entry (multi-person DM names withheld). */
  readonly where: string;
  readonly text: string;
  readonly messages: SlackMessage[];
}

interface SlackExport {
  readonly file: string;
  readonly entries: readonly ZipEntry[];
  readonly prefix: string;
  /** What each entry is, by index. */
  readonly kinds: ReadonlyMap<number, "users" | ChannelKind | "integration_logs" | "day" | "dir" | "junk">;
  readonly users: readonly SlackUser[];
  readonly usersById: ReadonlyMap<string, SlackUser>;
  readonly channels: ReadonlyMap<ChannelKind, readonly SlackChannel[]>;
  /** Channel id → its directory name. */
  readonly dirOfChannel: ReadonlyMap<string, string>;
  /** Directory → the name conversations use (the channel id instead of a personal name). */
  readonly safeDir: ReadonlyMap<string, string>;
  readonly days: readonly DayFile[];
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function entryText(entry: ZipEntry, where: string): string {
  try {
    return decoder.decode(entry.data);
  } catch {
    throw new InputFormatError("entry is not UTF-8 text", { file: where });
  }
}

function parseList<T>(text: string, where: string, schema: z.ZodType<T>, what: string): T[] {
  const root = parseJsonText(text, where);
  if (!Array.isArray(root)) throw new InputFormatError(`expected a JSON array of ${what}`, { file: where });
  return root.map((item, position) => {
    const checked = schema.safeParse(item);
    if (!checked.success) {
      const { text: problem, path } = describeZod(checked.error);
      throw new InputFormatError(`${what} ${position + 1}: ${problem}`, {
        file: where,
        line: nearestJsonLine(text, [position, ...path]),
      });
    }
    return checked.data;
  });
}

function readExport(bytes: Uint8Array, file: string): SlackExport {
  const entries = readZip(bytes, file);
  const names = entries.map((entry) => entry.name);
  const prefix = exportPrefix(names);
  if (prefix === undefined) {
    throw new InputFormatError("not a Slack export: no users.json at the top of the archive", { file });
  }
  const kinds = new Map<number, "users" | ChannelKind | "integration_logs" | "day" | "dir" | "junk">();
  const lists = new Map<string, number>();
  const dayEntries: Array<{ index: number; dir: string; date: string }> = [];
  const unknown: number[] = [];
  entries.forEach((entry, index) => {
    const name = entry.name;
    if (name.startsWith("__MACOSX/") || name.split("/").pop() === ".DS_Store") {
      kinds.set(index, "junk");
      return;
    }
    if (name.endsWith("/")) {
      kinds.set(index, "dir");
      return;
    }
    if (!name.startsWith(prefix)) {
      unknown.push(index);
      return;
    }
    const path = name.slice(prefix.length);
    const parts = path.split("/");
    if (parts.length === 1) {
      const list = /^(users|channels|groups|mpims|dms|integration_logs)\.json$/.exec(path)?.[1];
      if (list !== undefined) {
        kinds.set(index, list as "users" | ChannelKind | "integration_logs");
        lists.set(list, index);
        return;
      }
    }
    const date = parts.length === 2 ? DAY_FILE.exec(parts[1] ?? "")?.[1] : undefined;
    if (date !== undefined && parts[0] !== undefined && parts[0] !== "") {
      kinds.set(index, "day");
      dayEntries.push({ index, dir: parts[0], date });
      return;
    }
    unknown.push(index);
  });

  const listText = (list: string): { text: string; where: string } | undefined => {
    const index = lists.get(list);
    const entry = index === undefined ? undefined : entries[index];
    if (entry === undefined) return undefined;
    const where = `${file} › ${entry.name}`;
    return { text: entryText(entry, where), where };
  };
  const usersFile = listText("users");
  const users = usersFile ? parseList(usersFile.text, usersFile.where, UserSchema, "user") : [];
  const usersById = new Map(users.map((user) => [user.id, user]));
  const channels = new Map<ChannelKind, SlackChannel[]>();
  const dirOfChannel = new Map<string, string>();
  const channelOfDir = new Map<string, { channel: SlackChannel; kind: ChannelKind }>();
  for (const kind of CHANNEL_LISTS) {
    const listFile = listText(kind);
    if (listFile === undefined) continue;
    const list = parseList(listFile.text, listFile.where, ChannelSchema, "channel");
    channels.set(kind, list);
    for (const channel of list) {
      const dir = kind === "dms" ? channel.id : (channel.name ?? channel.id);
      dirOfChannel.set(channel.id, dir);
      channelOfDir.set(dir, { channel, kind });
    }
  }
  if (unknown.length > 0) {
    const first = entries[unknown[0] as number]?.name ?? "";
    throw new InputFormatError(
      `${unknown.length} entr${unknown.length === 1 ? "y is" : "ies are"} not part of a Slack export ` +
        `(first: ${withheldName(first, channelOfDir)}); remove ${unknown.length === 1 ? "it" : "them"} and try again`,
      { file },
    );
  }

  // Directory names are channel names; a personal channel ("times-yamada") is named by its id instead.
  const userTokens = nameTokens(users);
  const safeDir = new Map<string, string>();
  let orphan = 0;
  for (const { dir } of [...dayEntries].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))) {
    if (safeDir.has(dir)) continue;
    const known = channelOfDir.get(dir);
    const personal = known?.kind === "mpims" || dir.startsWith("mpdm-") || isPersonalName(dir, userTokens);
    safeDir.set(dir, personal ? (known?.channel.id ?? `channel-${++orphan}`) : dir);
  }
  // Conversations in order of the names they are known by (the same before and after keep-format).
  const sortKey = (entry: { dir: string; date: string }): string => `${safeDir.get(entry.dir) ?? entry.dir}/${entry.date}`;
  dayEntries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const days: DayFile[] = dayEntries.map(({ index, dir, date }) => {
    const entry = entries[index] as ZipEntry;
    const where = `${file} › ${prefix}${safeDir.get(dir) ?? dir}/${date}.json`;
    const text = entryText(entry, where);
    return { entry: index, dir, date, where, text, messages: parseList(text, where, MessageSchema, "message") };
  });
  return { file, entries, prefix, kinds, users, usersById, channels, dirOfChannel, safeDir, days };
}

/** "" when users.json is at the top, "Folder/" when the whole export sits in one folder; else undefined. */
function exportPrefix(names: readonly string[]): string | undefined {
  if (names.includes("users.json")) return "";
  const candidates = names.filter((name) => /^[^/]+\/users\.json$/.test(name));
  return candidates.length === 1 ? (candidates[0] as string).slice(0, -"users.json".length) : undefined;
}

function withheldName(name: string, channelOfDir: ReadonlyMap<string, { channel: SlackChannel }>): string {
  const [dir, ...rest] = name.split("/");
  if (dir !== undefined && dir.startsWith("mpdm-")) {
    return [channelOfDir.get(dir)?.channel.id ?? "mpdm-…", ...rest].join("/");
  }
  return name;
}

/** Lower-case parts (3+ characters) of people's user names and names, to spot personal channel names. */
function nameTokens(users: readonly SlackUser[]): Set<string> {
  const tokens = new Set<string>();
  for (const user of users) {
    if (user.is_bot) continue;
    for (const name of [user.name, user.real_name, user.profile?.real_name, user.profile?.display_name]) {
      for (const part of (name ?? "").toLowerCase().split(/[\s._\-\u3000]+/)) if ([...part].length >= 3) tokens.add(part);
    }
  }
  return tokens;
}

function isPersonalName(name: string, tokens: ReadonlySet<string>): boolean {
  return name
    .toLowerCase()
    .split(/[\s._\-]+/)
    .some((part) => tokens.has(part));
}

/** A day file read on its own (text unit). */
function readDayText(text: string, file: string): SlackExport {
  const parts = file.split(/[\\/]/);
  const date = DAY_FILE.exec(parts.at(-1) ?? "")?.[1];
  const dir = date !== undefined && parts.length >= 2 ? (parts.at(-2) as string) : "";
  const messages = parseList(text, file, MessageSchema, "message");
  const profiles: SlackUser[] = [];
  for (const message of messages) {
    if (message.user !== undefined && message.user_profile !== undefined) {
      profiles.push({ id: message.user, profile: message.user_profile, ...(message.user_profile.name ? { name: message.user_profile.name } : {}) });
    }
  }
  const safe = dir !== "" && !dir.startsWith("mpdm-") && !isPersonalName(dir, nameTokens(profiles)) ? dir : "";
  const baseNameOfFile = (parts.at(-1) ?? file).replace(/\.json$/i, "");
  return {
    file,
    entries: [],
    prefix: "",
    kinds: new Map(),
    users: [],
    usersById: new Map(),
    channels: new Map(),
    dirOfChannel: new Map(),
    safeDir: new Map([[dir, safe]]),
    days: [{ entry: -1, dir, date: date ?? baseNameOfFile, where: file, text, messages }],
  };
}

// ----- conversations ---------------------------------------------------------------------------------------

interface ParsedDay {
  readonly day: DayFile;
  readonly conversation: Conversation;
  /** Per message: its utterance index (undefined when skipped) and pieces. */
  readonly messages: ReadonlyArray<{ readonly utterance: number | undefined; readonly tokens: TextToken[]; readonly pieces: Piece[] }>;
  readonly speakers: string[];
  /** Speaker label of each user id seen in the day (authors and mentions). */
  readonly labelOfUser: ReadonlyMap<string, string>;
}

function isBotMessage(message: SlackMessage, exported: SlackExport): boolean {
  if (message.subtype === "bot_message") return true;
  if (message.user === undefined) return message.bot_id !== undefined;
  return exported.usersById.get(message.user)?.is_bot === true || message.user === "USLACKBOT";
}

function userName(id: string, exported: SlackExport, profile: SlackMessage["user_profile"]): string {
  const user = exported.usersById.get(id);
  const candidates = [user?.profile?.real_name, user?.real_name, user?.profile?.display_name, user?.name, profile?.real_name, profile?.display_name, profile?.name];
  return candidates.map((name) => name?.trim() ?? "").find((name) => name !== "") ?? id;
}

function speakerOf(message: SlackMessage, exported: SlackExport, profiles: ReadonlyMap<string, SlackMessage["user_profile"]>): string {
  // A bot is named by its id: its display name would be taken for a person's name and masked in the text.
  if (isBotMessage(message, exported)) return message.bot_id ?? message.user ?? (message.username?.trim() || "bot");
  if (message.user !== undefined) return userName(message.user, exported, message.user_profile ?? profiles.get(message.user));
  return message.username?.trim() || "unknown";
}

function roleOf(message: SlackMessage, speaker: string, exported: SlackExport, roleMap: Readonly<Record<string, Role>> | undefined): Role | undefined {
  const mapped =
    ownValue(roleMap, speaker) ??
    (message.bot_profile?.name !== undefined ? ownValue(roleMap, message.bot_profile.name) : undefined) ??
    (message.username !== undefined ? ownValue(roleMap, message.username) : undefined) ??
    (message.user !== undefined ? ownValue(roleMap, message.user) : undefined) ??
    (message.subtype !== undefined ? ownValue(roleMap, message.subtype) : undefined);
  if (mapped !== undefined) return mapped;
  if (message.subtype !== undefined && SYSTEM_SUBTYPE.test(message.subtype)) return "system";
  if (isBotMessage(message, exported)) return "assistant";
  return undefined;
}

function parseDays(exported: SlackExport, options: FormatParseOptions): ParsedDay[] {
  return exported.days.map((day) => {
    const profiles = new Map<string, SlackMessage["user_profile"]>();
    for (const message of day.messages) {
      if (message.user !== undefined && message.user_profile !== undefined && !profiles.has(message.user)) {
        profiles.set(message.user, message.user_profile);
      }
    }
    const tokenized = day.messages.map((message) => tokenizeSlackText((message.text ?? "").replace(/\r\n?/g, "\n")));
    const hasText = tokenized.map((tokens) => tokens.some((token) => token.kind !== "text" || token.value.trim() !== ""));
    const speakers: string[] = [];
    day.messages.forEach((message, position) => {
      if (hasText[position]) speakers.push(speakerOf(message, exported, profiles));
    });
    const numbers = new ParticipantNumbers(speakerNumbers(speakers));
    const labelOfUser = new Map<string, string>();
    const label = (id: string): string => {
      let name = labelOfUser.get(id);
      if (name === undefined) {
        name = userName(id, exported, profiles.get(id));
        labelOfUser.set(id, name);
      }
      return name;
    };
    const utterances: Utterance[] = [];
    const messages = day.messages.map((message, position) => {
      const tokens = tokenized[position] as TextToken[];
      if (!hasText[position]) return { utterance: undefined, tokens, pieces: [] };
      const pieces = tokens.map((token) => modelPiece(token, (id) => mentionPlaceholder(numbers.of(label(id))), exported));
      const speaker = speakers[utterances.length] as string;
      if (message.user !== undefined) labelOfUser.set(message.user, speaker);
      const utterance: Utterance = { index: utterances.length, speaker, text: joinPieces(pieces) };
      const role = roleOf(message, speaker, exported, options.roleMap);
      if (role !== undefined) utterance.role = role;
      const timestamp = unixToIso(message.ts);
      if (timestamp !== undefined) utterance.timestamp = timestamp;
      utterances.push(utterance);
      return { utterance: utterance.index, tokens, pieces };
    });
    const dir = exported.safeDir.get(day.dir) ?? day.dir;
    const conversationId =
      exported.days.length === 1 && options.conversationId !== undefined
        ? options.conversationId
        : dir !== ""
          ? `${dir}/${day.date}`
          : day.date;
    const conversation: Conversation = {
      conversationId,
      source: "chat",
      utterances,
      metadata: {
        format: "slack",
        file: exported.file,
        ...(dir !== "" ? { channel: dir } : {}),
        date: day.date,
        messages: utterances.length,
        skippedMessages: day.messages.length - utterances.length,
      },
    };
    return { day, conversation, messages, speakers, labelOfUser };
  });
}

function modelPiece(token: TextToken, mention: (id: string) => string, exported: SlackExport): Piece {
  switch (token.kind) {
    case "text":
      return textPiece(token.value);
    case "user":
      return fixedPiece(`@${mention(token.id)}`);
    case "channel": {
      const dir = exported.dirOfChannel.get(token.id);
      return fixedPiece(`#${dir !== undefined ? (exported.safeDir.get(dir) ?? dir) : token.id}`);
    }
    case "special":
      return fixedPiece(`@${token.name}`);
    case "labelled":
      return textPiece(token.label);
    case "link":
      return textPiece(token.url);
  }
}

// ----- keep-format -----------------------------------------------------------------------------------------

/** Keys whose string values are identifiers, enums or times: written as they are. */
const KEEP = new Set([
  "type", "subtype", "ts", "thread_ts", "latest_reply", "client_msg_id", "team", "user_team", "source_team",
  "bot_id", "app_id", "api_app_id", "block_id", "style", "id", "created", "timestamp", "mimetype", "filetype",
  "pretty_type", "mode", "external_type", "media_display_type", "file_access", "color", "unicode", "skin_tone",
  "channel_id", "usergroup_id", "range", "format", "last_read", "team_id", "tz", "tz_label", "enterprise_id",
  "event_ts", "channel_type", "last_set", "display_as_bot", "service_icon",
]);
/** Keys whose values are Slack mrkdwn (mentions and links inside). */
const MRKDWN = new Set(["text", "pretext", "fallback", "footer", "value"]);
const PROFILE_NAMES = new Set([
  "real_name", "display_name", "real_name_normalized", "display_name_normalized", "first_name", "last_name", "name",
]);

interface RenderContext {
  readonly exported: SlackExport;
  readonly ids: PseudoIds;
  readonly mask: FieldMask;
}

const pseudoUserId = (ids: PseudoIds, id: string): string => `U${String(ids.of(id)).padStart(8, "0")}`;
const userLabel = (ids: PseudoIds, id: string): string => `user_${ids.of(id)}`;
const isPseudoCandidate = (value: string): boolean => USER_ID.test(value);

/** Slack text written back: text masked, mentions to pseudonymous ids, links whose URL was masked as text. */
function writeSlackText(tokens: readonly TextToken[], masked: readonly string[], context: RenderContext): string {
  return tokens
    .map((token, position) => {
      const value = masked[position] ?? "";
      switch (token.kind) {
        case "text":
          return value === token.value ? token.raw : escapeSlack(value);
        case "user":
          return isPseudoCandidate(token.id) ? `<@${pseudoUserId(context.ids, token.id)}>` : `<@${token.id}>`;
        case "channel": {
          const dir = context.exported.dirOfChannel.get(token.id);
          const name = dir !== undefined ? (context.exported.safeDir.get(dir) ?? dir) : undefined;
          return name !== undefined && !name.startsWith("mpdm-") ? `<#${token.id}|${name}>` : `<#${token.id}>`;
        }
        case "special":
          return token.raw;
        case "labelled": {
          const isLink = /^[a-z][a-z0-9+.-]*:/i.test(token.head);
          const head = isLink ? context.mask(unescapeSlack(token.head)) : unescapeSlack(token.head);
          if (head !== unescapeSlack(token.head)) return escapeSlack(value);
          return value === token.label ? token.raw : `<${token.head}|${escapeSlack(value)}>`;
        }
        case "link":
          return value === token.url ? token.raw : escapeSlack(value);
      }
    })
    .join("");
}

/** Masks mrkdwn that is not an utterance (attachments, blocks): each text part through the field mask. */
function maskMrkdwn(text: string, context: RenderContext): string {
  const tokens = tokenizeSlackText(text);
  const masked = tokens.map((token) =>
    token.kind === "text" ? context.mask(token.value) : token.kind === "labelled" ? context.mask(token.label) : token.kind === "link" ? context.mask(token.url) : "",
  );
  return writeSlackText(tokens, masked, context);
}

/** One field of an object: profiles by their own rules, bot identities kept, anything else by renderValue. */
function renderField(name: string, item: unknown, parent: Record<string, unknown>, context: RenderContext): unknown {
  if (name === "user_profile" && isRecord(item)) {
    return renderProfile(item, typeof parent["user"] === "string" ? parent["user"] : undefined, context);
  }
  if (name === "bot_profile" || name === "icons") return item;
  return renderValue(item, name, parent, context);
}

/** Any JSON value of a message: user ids pseudonymous, known keys kept, profiles emptied, the rest masked. */
function renderValue(value: unknown, key: string | undefined, parent: Record<string, unknown> | undefined, context: RenderContext): unknown {
  if (typeof value === "string") {
    if (isPseudoCandidate(value)) return pseudoUserId(context.ids, value);
    if (key !== undefined && KEEP.has(key)) return value;
    // Emoji and reaction names are not content.
    if (key === "name" && (parent?.["type"] === "emoji" || (parent !== undefined && Array.isArray(parent["users"])))) return value;
    // Rich-text elements and plain_text objects hold plain text; elsewhere these keys hold mrkdwn.
    const plain = parent?.["type"] === "text" || parent?.["type"] === "plain_text" || parent?.["type"] === "link";
    if (key !== undefined && MRKDWN.has(key) && !plain) return maskMrkdwn(value, context);
    return context.mask(value);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, key, parent, context));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) setField(out, name, renderField(name, item, value, context));
  return out;
}

/** A person's profile: names → their label, team and flags kept, every other text (e-mail, avatar …) emptied. */
function renderProfile(profile: Record<string, unknown>, userId: string | undefined, context: RenderContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(profile)) {
    if (typeof item !== "string") setField(out, name, isRecord(item) || Array.isArray(item) ? emptyStrings(item) : item);
    else if (PROFILE_NAMES.has(name)) setField(out, name, userId !== undefined ? userLabel(context.ids, userId) : item === "" ? "" : "user");
    else if (name === "team" || name === "team_id") setField(out, name, item);
    else setField(out, name, "");
  }
  return out;
}

function emptyStrings(value: unknown): unknown {
  if (typeof value === "string") return "";
  if (Array.isArray(value)) return value.map(emptyStrings);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) setField(out, name, emptyStrings(item));
    return out;
  }
  return value;
}

function renderUsers(users: readonly unknown[], context: RenderContext): unknown[] {
  return users.map((raw) => {
    if (!isRecord(raw)) return raw;
    const id = typeof raw["id"] === "string" ? raw["id"] : undefined;
    const bot = raw["is_bot"] === true || id === "USLACKBOT";
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(raw)) {
      if (typeof item === "string" && isPseudoCandidate(item)) setField(out, name, pseudoUserId(context.ids, item));
      else if (bot) setField(out, name, item);
      else if (name === "profile" && isRecord(item)) setField(out, name, renderProfile(item, id, context));
      else if ((name === "name" || name === "real_name") && typeof item === "string") {
        setField(out, name, id !== undefined ? userLabel(context.ids, id) : "");
      } else if (name === "enterprise_user" && isRecord(item)) setField(out, name, renderValue(item, name, raw, context));
      else if (typeof item === "string") setField(out, name, KEEP.has(name) || name === "locale" || name === "who_can_share_contact_card" ? item : "");
      else setField(out, name, isRecord(item) || Array.isArray(item) ? emptyStrings(item) : item);
    }
    return out;
  });
}

function renderChannels(kind: ChannelKind, list: readonly unknown[], context: RenderContext, maskOfChannel: (id: string) => FieldMask | undefined): unknown[] {
  return list.map((raw) => {
    if (!isRecord(raw)) return raw;
    const id = typeof raw["id"] === "string" ? raw["id"] : "";
    const dir = context.exported.dirOfChannel.get(id);
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(raw)) {
      if (name === "name" && typeof item === "string") {
        setField(out, name, kind === "mpims" ? mpimName(raw, context) : dir !== undefined ? (context.exported.safeDir.get(dir) ?? item) : item);
      } else if ((name === "topic" || name === "purpose") && isRecord(item)) {
        const mask = maskOfChannel(id);
        const inner: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(item)) {
          if (key === "value" && typeof value === "string") setField(inner, key, value === "" ? "" : mask ? mask(value) : "");
          else setField(inner, key, typeof value === "string" && isPseudoCandidate(value) ? pseudoUserId(context.ids, value) : value);
        }
        setField(out, name, inner);
      } else setField(out, name, renderValue(item, name, raw, context));
    }
    return out;
  });
}

/** A multi-person DM is named after its members' user names: rebuilt from their labels. */
function mpimName(raw: Record<string, unknown>, context: RenderContext): string {
  const members = Array.isArray(raw["members"]) ? raw["members"].filter((member): member is string => typeof member === "string") : [];
  return `mpdm-${members.map((member) => userLabel(context.ids, member)).join("--")}-1`;
}

function renderIntegrationLogs(root: unknown, context: RenderContext): unknown {
  if (!isRecord(root)) return root;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(root)) {
    if (name !== "logs" || !Array.isArray(item)) {
      setField(out, name, item);
      continue;
    }
    setField(
      out,
      name,
      item.map((log) => {
        if (!isRecord(log)) return log;
        const entry: Record<string, unknown> = {};
        const userId = typeof log["user_id"] === "string" ? log["user_id"] : undefined;
        for (const [key, value] of Object.entries(log)) {
          if (key === "user_id" && userId !== undefined) setField(entry, key, pseudoUserId(context.ids, userId));
          else if (key === "user_name") setField(entry, key, userId !== undefined ? userLabel(context.ids, userId) : "");
          else if (key === "channel" && typeof value === "string") setField(entry, key, context.exported.safeDir.get(value) ?? value);
          else setField(entry, key, value);
        }
        return entry;
      }),
    );
  }
  return out;
}

/**
 * Every name the export gives a person (users.json, user_profile: full names, their parts, user names) →
 * that person's label, so names in fields that are not utterances (topics, attachments, file titles) are
 * replaced even where detection would not see a name.
 */
function knownNameLabels(exported: SlackExport, ids: PseudoIds): Map<string, string> {
  const people: Array<{ names: unknown[]; label: string }> = [];
  const profileNames = (profile: Record<string, unknown> | undefined): unknown[] =>
    profile === undefined ? [] : [profile["real_name"], profile["display_name"], profile["name"], profile["first_name"], profile["last_name"]];
  for (const user of exported.users) {
    if (!user.is_bot && isPseudoCandidate(user.id)) {
      people.push({ names: [user.real_name, user.name, ...profileNames(user.profile)], label: userLabel(ids, user.id) });
    }
  }
  for (const day of exported.days) {
    for (const message of day.messages) {
      if (message.user !== undefined && isPseudoCandidate(message.user) && !isBotMessage(message, exported)) {
        people.push({ names: profileNames(message.user_profile), label: userLabel(ids, message.user) });
      }
    }
  }
  return nameLabels(people);
}

interface RenderedDays {
  /** Day file index → its masked JSON text. */
  readonly texts: Map<number, string>;
  readonly context: RenderContext;
  readonly maskOfChannel: (id: string) => FieldMask | undefined;
}

function renderDays(exported: SlackExport, input: Omit<KeepFormatInput, "text">): RenderedDays {
  const days = parseDays(exported, { file: exported.file });
  checkAnonymizedShape(days.map((day) => day.conversation.utterances.length), input.anonymized, exported.file);
  // Pseudonymous ids in a stable order: users.json first, then as the days mention them.
  const ids = new PseudoIds();
  for (const user of exported.users) if (isPseudoCandidate(user.id)) ids.of(user.id);
  const names = knownNameLabels(exported, ids);
  const masks: FieldMask[] = days.map((day, index) => {
    const anonymized = input.anonymized[index];
    const originals = day.messages.filter((message) => message.utterance !== undefined).map((message) => joinPieces(message.pieces));
    return fieldMasker(input.maskField, index, anonymized ? surfaceReplacements(originals, anonymized) : new Map(), names);
  });
  const firstDayOfDir = new Map<string, number>();
  days.forEach((day, index) => {
    if (!firstDayOfDir.has(day.day.dir)) firstDayOfDir.set(day.day.dir, index);
  });
  const maskOfChannel = (id: string): FieldMask | undefined => {
    const dir = exported.dirOfChannel.get(id);
    const index = dir !== undefined ? firstDayOfDir.get(dir) : undefined;
    return index !== undefined ? masks[index] : masks[0];
  };
  const texts = new Map<number, string>();
  let context: RenderContext = { exported, ids, mask: (value) => value };
  days.forEach((parsed, index) => {
    const anonymized = input.anonymized[index];
    if (anonymized === undefined) throw new InputFormatError("keep-format: anonymized conversation missing", { file: exported.file });
    context = { exported, ids, mask: masks[index] as FieldMask };
    const root = parseJsonText(parsed.day.text, parsed.day.where) as unknown[];
    const out = root.map((raw, position) => {
      const message = parsed.messages[position];
      if (!isRecord(raw) || message === undefined) return raw;
      const rendered: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(raw)) {
        if (name !== "text" || typeof item !== "string") {
          setField(rendered, name, renderField(name, item, raw, context));
          continue;
        }
        if (message.utterance === undefined) {
          setField(rendered, name, item);
          continue;
        }
        const utterance = anonymized.utterances[message.utterance];
        if (utterance === undefined) throw new InputFormatError("keep-format: utterance missing", { file: parsed.day.where });
        const masked = maskPieces(message.pieces, utterance, { file: parsed.day.where, label: `message ${position + 1}` });
        setField(rendered, name, writeSlackText(message.tokens, masked, context));
      }
      return rendered;
    });
    texts.set(index, stringifyLike(out, parsed.day.text));
  });
  return { texts, context: { exported, ids, mask: masks[0] ?? ((value: string) => (value.trim() === "" ? value : "")) }, maskOfChannel };
}

function renderExport(input: KeepFormatBytesInput): Uint8Array {
  const exported = readExport(input.bytes, input.file);
  const { texts, context, maskOfChannel } = renderDays(exported, input);
  const encoder = new TextEncoder();
  const dayIndexOfEntry = new Map(exported.days.map((day, index) => [day.entry, index]));
  const mpimDirs = new Map<string, string>();
  for (const channel of exported.channels.get("mpims") ?? []) {
    mpimDirs.set(exported.dirOfChannel.get(channel.id) ?? "", mpimName(channel as Record<string, unknown>, context));
  }
  const outDir = (dir: string): string => mpimDirs.get(dir) ?? exported.safeDir.get(dir) ?? dir;
  const out: Array<{ name: string; data: Uint8Array; dosTime: number; dosDate: number }> = [];
  exported.entries.forEach((entry, index) => {
    const kind = exported.kinds.get(index);
    const where = `${input.file} › ${entry.name}`;
    const keep = (name: string, data: Uint8Array): void => {
      out.push({ name, data, dosTime: entry.dosTime, dosDate: entry.dosDate });
    };
    if (kind === "junk") return;
    const path = entry.name.slice(exported.prefix.length);
    if (kind === "dir") {
      const [dir = "", ...rest] = path.split("/");
      keep(`${exported.prefix}${rest.length === 1 && exported.safeDir.has(dir) ? outDir(dir) : dir}/`, entry.data);
      return;
    }
    if (kind === "day") {
      const day = exported.days[dayIndexOfEntry.get(index) as number] as DayFile;
      const text = texts.get(dayIndexOfEntry.get(index) as number) as string;
      keep(`${exported.prefix}${outDir(day.dir)}/${day.date}.json`, encoder.encode(text));
      return;
    }
    const text = entryText(entry, where);
    const root = parseJsonText(text, where);
    let rendered: unknown;
    if (kind === "users") rendered = renderUsers(root as unknown[], context);
    else if (kind === "integration_logs") rendered = renderIntegrationLogs(root, context);
    else rendered = renderChannels(kind as ChannelKind, root as unknown[], context, maskOfChannel);
    keep(entry.name, encoder.encode(stringifyLike(rendered, text)));
  });
  return writeZip(out);
}

// ----- the module ------------------------------------------------------------------------------------------

function sniffBytes(_file: string, bytes: Uint8Array): boolean {
  const names = listZipNames(bytes);
  if (names === undefined) return false;
  const prefix = exportPrefix(names);
  if (prefix === undefined) return false;
  return names.some(
    (name) =>
      name === `${prefix}channels.json` ||
      name === `${prefix}groups.json` ||
      name === `${prefix}dms.json` ||
      (name.startsWith(prefix) && /^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(name.slice(prefix.length))),
  );
}

/** A day file (messages with Slack `ts`), or users.json / channels.json on their own (refused by parse). */
function sniff(_file: string, text: string): boolean {
  const head = text.slice(0, 4096);
  if (!/^\s*(?:\uFEFF)?\s*\[/.test(head)) return false;
  const root = tryParseJson(text);
  if (!Array.isArray(root) || root.length === 0) return false;
  const sample = root.slice(0, 20);
  // A day file: Slack's first message, and messages throughout (a damaged one is reported by parse).
  const dayFile = isSlackMessage(sample[0]) && sample.every((item) => isRecord(item) && item["type"] === "message");
  return dayFile || sample.every(isSlackUser) || sample.every(isSlackChannel);
}

function isSlackMessage(value: unknown): boolean {
  return isRecord(value) && value["type"] === "message" && typeof value["ts"] === "string" && /^\d{9,}\.\d+$/.test(value["ts"]);
}

function isSlackUser(value: unknown): boolean {
  return isRecord(value) && typeof value["id"] === "string" && /^[UW][A-Z0-9]+$/.test(value["id"]) && isRecord(value["profile"]) && typeof value["name"] === "string";
}

function isSlackChannel(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value["id"] === "string" &&
    /^[CGD][A-Z0-9]+$/.test(value["id"]) &&
    typeof value["created"] === "number" &&
    (Array.isArray(value["members"]) || typeof value["name"] === "string")
  );
}

function parseText(text: string, options: FormatParseOptions): Conversation[] {
  const root = tryParseJson(text);
  if (Array.isArray(root) && root.length > 0 && !root.slice(0, 20).every((item) => isRecord(item) && item["type"] === "message")) {
    const what = root.slice(0, 20).every(isSlackUser) ? "users.json" : "channels.json";
    throw new InputFormatError(
      `a Slack ${what} on its own holds no messages; anonymize the whole export (.zip) so that names are ` +
        "masked consistently with the messages",
      { file: options.file },
    );
  }
  return parseDays(readDayText(text, options.file), options).map((day) => day.conversation);
}

function renderText(input: KeepFormatInput): string {
  const exported = readDayText(input.text, input.file);
  const { texts } = renderDays(exported, input);
  return texts.get(0) ?? input.text;
}

/**
 * Slack exports (see the file comment): a .zip through `parseBytes`/`renderBytes`, a single day file as text.
 *
 * @example
 * const conversations = slackFormat.parseBytes?.(zipBytes, { file: "slack-export.zip" });
 * conversations?.[0]?.conversationId; // "general/2024-06-03"
 */
export const slackFormat: FormatModule = {
  format: "slack",
  sniff,
  parse: parseText,
  render: renderText,
  sniffBytes,
  parseBytes: (bytes, options) => parseDays(readExport(bytes, options.file), options).map((day) => day.conversation),
  renderBytes: renderExport,
};
