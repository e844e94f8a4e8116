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
  formatPath,
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
  textPiece,
  tryParseJson,
} from "./keep-format-kit.js";

/**
 * Zendesk ticket comments (reference/input-formats.md section 5; developer.zendesk.com ticket_comments):
 * the comments API (`{comments: […], users: […]}` with `?include=users`), a ticket with its comments
 * (`{ticket: {…, comments}}`), a list of tickets (`{tickets: […]}`) and the full JSON export (one ticket with
 * `comments` per line). One ticket is one conversation.
 *
 * A comment's text is `body` (else `plain_body`, else the text of `html_body`). Roles: the sideloaded user's
 * role (end-user → customer, agent/admin → agent), else requester → customer and assignee → agent; author -1
 * (Zendesk itself) is system. Speakers are user names when users are sideloaded, else the author id.
 *
 * Keep-format writes the same JSON: all three bodies masked consistently (html_body markup kept), user ids
 * pseudonymous (1, 2 …), names replaced by speaker_N/user_N, e-mail and phone fields, the IP address and
 * location in `metadata.system` masked and latitude/longitude emptied; other text masked by detection.
 */

const Id = z.union([z.number().int(), z.string().regex(/^-?\d+$/, "expected a numeric id")], { error: "expected a numeric id" });
const CommentSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  author_id: Id,
  body: z.string().nullable().optional(),
  html_body: z.string().nullable().optional(),
  plain_body: z.string().nullable().optional(),
  public: z.boolean().optional(),
  created_at: z.string().nullable().optional(),
});
type ZendeskComment = z.infer<typeof CommentSchema>;
const UserSchema = z.looseObject({ id: Id, name: z.string().nullable().optional(), role: z.string().nullable().optional() });
type ZendeskUser = z.infer<typeof UserSchema>;

/** One ticket: its JSON object (if any) and where its comments are. */
interface TicketUnit {
  readonly ticket: Record<string, unknown> | undefined;
  readonly comments: ZendeskComment[];
  /** The comments' JSON objects as read (keep-format writes them back by identity). */
  readonly raw: Record<string, unknown>[];
  /** The JSON document holding it (one line of the full export, or the whole file) and the line it starts on. */
  readonly document: number;
}

interface ZendeskFile {
  /** Parsed JSON documents: one, or one per line of the full export. */
  readonly documents: Array<{ value: unknown; text: string; line: number }>;
  readonly units: TicketUnit[];
  readonly users: Map<string, ZendeskUser>;
}

const ROLE_OF_USER: Readonly<Record<string, Role>> = { "end-user": "customer", agent: "agent", admin: "agent" };

function readFile(text: string, file: string): ZendeskFile {
  const documents: ZendeskFile["documents"] = [];
  const whole = tryParseJson(text);
  if (whole === undefined && looksLikeJsonLines(text)) {
    text.split(/\r?\n/).forEach((lineText, position) => {
      if (lineText.trim() === "") return;
      documents.push({ value: parseJsonText(lineText, file, position + 1), text: lineText, line: position + 1 });
    });
  } else {
    documents.push({ value: parseJsonText(text, file), text, line: 1 });
  }
  const units: TicketUnit[] = [];
  const users = new Map<string, ZendeskUser>();
  documents.forEach((document, index) => {
    const fail = (problem: string, path: (string | number)[] = []): never => {
      const line = nearestJsonLine(document.text, path);
      throw new InputFormatError(problem, { file, line: line !== undefined ? document.line + line - 1 : document.line });
    };
    const root = document.value;
    if (!isRecord(root)) fail("expected a JSON object with 'comments', 'ticket' or 'tickets'");
    const record = root as Record<string, unknown>;
    const comments = (value: unknown, path: (string | number)[]): Pick<TicketUnit, "comments" | "raw"> => {
      if (!Array.isArray(value)) fail(`${formatPath(path)} is not an array of comments`, path);
      const list = value as unknown[];
      const parsed = list.map((item, position) => {
        const checked = CommentSchema.safeParse(item);
        if (!checked.success) {
          const issue = describeZod(checked.error);
          fail(`comment ${position + 1}: ${issue.text}`, [...path, position, ...issue.path]);
        }
        return checked.data as ZendeskComment;
      });
      return { comments: parsed, raw: list as Record<string, unknown>[] };
    };
    if (Array.isArray(record["users"])) {
      record["users"].forEach((item, position) => {
        const checked = UserSchema.safeParse(item);
        if (!checked.success) {
          const issue = describeZod(checked.error);
          fail(`user ${position + 1}: ${issue.text}`, ["users", position, ...issue.path]);
        }
        const user = checked.data as ZendeskUser;
        users.set(String(user.id), user);
      });
    }
    if (Array.isArray(record["tickets"])) {
      record["tickets"].forEach((ticket, position) => {
        if (!isRecord(ticket)) fail(`tickets[${position}] is not an object`, ["tickets", position]);
        const ticketRecord = ticket as Record<string, unknown>;
        units.push({ ticket: ticketRecord, ...comments(ticketRecord["comments"] ?? [], ["tickets", position, "comments"]), document: index });
      });
    } else if (isRecord(record["ticket"])) {
      const ticket = record["ticket"];
      const list = record["comments"] !== undefined ? comments(record["comments"], ["comments"]) : comments(ticket["comments"] ?? [], ["ticket", "comments"]);
      units.push({ ticket, ...list, document: index });
    } else if (record["comments"] !== undefined) {
      // A ticket of the full export has its comments inline; the comments API has only comments.
      const isTicket = record["requester_id"] !== undefined || record["subject"] !== undefined;
      units.push({ ticket: isTicket ? record : undefined, ...comments(record["comments"], ["comments"]), document: index });
    } else {
      fail("expected a JSON object with 'comments', 'ticket' or 'tickets'");
    }
  });
  return { documents, units, users };
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines.length > 1 && lines.every((line) => line.trimStart().startsWith("{"));
}

type TextField = "body" | "plain_body" | "html_body";

interface ParsedComment {
  readonly comment: ZendeskComment;
  readonly field: TextField | undefined;
  readonly pieces: Piece[];
  readonly tokens: HtmlToken[] | undefined;
  readonly utterance: number | undefined;
}

interface ParsedTicket {
  readonly unit: TicketUnit;
  readonly conversation: Conversation;
  readonly comments: ParsedComment[];
  readonly speakers: string[];
}

/** The comment's text: body, else plain_body, else the text of html_body. */
function commentText(comment: ZendeskComment): Pick<ParsedComment, "field" | "pieces" | "tokens"> {
  for (const field of ["body", "plain_body"] as const) {
    const value = comment[field];
    if (typeof value === "string" && value.trim() !== "") {
      return { field, pieces: [textPiece(value.replace(/\r\n?/g, "\n"))], tokens: undefined };
    }
  }
  if (typeof comment.html_body === "string" && comment.html_body.trim() !== "") {
    const tokens = tokenizeHtml(comment.html_body);
    const { pieces } = htmlPieces(tokens);
    if (joinPieces(pieces).trim() !== "") return { field: "html_body", pieces, tokens };
  }
  return { field: undefined, pieces: [], tokens: undefined };
}

function speakerOf(comment: ZendeskComment, users: ReadonlyMap<string, ZendeskUser>): string {
  return users.get(String(comment.author_id))?.name?.trim() || String(comment.author_id);
}

function roleOf(
  comment: ZendeskComment,
  speaker: string,
  unit: TicketUnit,
  users: ReadonlyMap<string, ZendeskUser>,
  roleMap: Readonly<Record<string, Role>> | undefined,
): Role | undefined {
  const author = String(comment.author_id);
  const userRole = users.get(author)?.role ?? undefined;
  const mapped =
    ownValue(roleMap, speaker) ?? ownValue(roleMap, author) ?? (userRole ? ownValue(roleMap, userRole) : undefined);
  if (mapped !== undefined) return mapped;
  if (author === "-1") return "system";
  if (userRole) return ownValue(ROLE_OF_USER, userRole);
  const ticket = unit.ticket;
  if (ticket !== undefined) {
    if (String(ticket["requester_id"]) === author) return "customer";
    if (String(ticket["assignee_id"]) === author) return "agent";
  }
  return undefined;
}

function parseTickets(file: ZendeskFile, options: FormatParseOptions): ParsedTicket[] {
  return file.units.map((unit, unitIndex) => {
    const utterances: Utterance[] = [];
    const speakers: string[] = [];
    const comments = unit.comments.map((comment): ParsedComment => {
      const text = commentText(comment);
      if (text.field === undefined) return { comment, ...text, utterance: undefined };
      const speaker = speakerOf(comment, file.users);
      const utterance: Utterance = { index: utterances.length, speaker, text: joinPieces(text.pieces) };
      const role = roleOf(comment, speaker, unit, file.users, options.roleMap);
      if (role !== undefined) utterance.role = role;
      if (typeof comment.created_at === "string" && comment.created_at !== "") utterance.timestamp = comment.created_at;
      utterances.push(utterance);
      speakers.push(speaker);
      return { comment, ...text, utterance: utterance.index };
    });
    const ticketId = unit.ticket?.["id"];
    const conversationId =
      (file.units.length === 1 ? options.conversationId : undefined) ??
      (typeof ticketId === "number" || typeof ticketId === "string" ? `ticket-${ticketId}` : undefined) ??
      (file.units.length === 1 ? baseName(options.file) || "zendesk" : `${baseName(options.file) || "zendesk"}-${unitIndex + 1}`);
    const conversation: Conversation = {
      conversationId,
      source: "chat",
      utterances,
      metadata: {
        format: "zendesk",
        file: options.file,
        messages: utterances.length,
        skippedMessages: unit.comments.length - utterances.length,
        privateComments: unit.comments.filter((comment) => comment.public === false).length,
      },
    };
    return { unit, conversation, comments, speakers };
  });
}

// ----- keep-format -----------------------------------------------------------------------------------------

/** Keys whose values are identifiers, enums, times or markup settings: written as they are. */
const KEEP = new Set([
  "id", "type", "created_at", "updated_at", "channel", "rel", "content_type", "audit_id", "public", "inline",
  "status", "priority", "locale", "locale_id", "time_zone", "iana_time_zone", "role", "role_type", "ticket_restriction",
  "result_type", "suppression_type", "brand_id", "group_id", "organization_id", "ticket_form_id", "custom_role_id",
  "default_group_id", "client", "due_at", "problem_id", "started_at", "call_duration", "score", "moderated", "verified",
  "active", "suspended", "shared", "deleted", "malware_scan_result", "recipient_email", "size", "width", "height",
]);
/** Keys holding a user id (or a list of them). */
const PERSON_ID = new Set([
  "author_id", "requester_id", "submitter_id", "assignee_id", "answered_by_id", "collaborator_ids", "follower_ids",
  "email_cc_ids", "notifications_suppressed_for", "user_id", "assignee_updated_by_id",
]);
/** Keys personal by definition: masked, or replaced by their type when detection does not recognise them. */
const REQUIRED: Readonly<Record<string, string>> = {
  ip_address: "IP_ADDRESS",
  location: "LOCATION",
  email: "EMAIL",
  phone: "PHONE",
  formatted_phone: "PHONE",
  formatted_from: "PHONE",
  formatted_to: "PHONE",
};

interface RenderContext {
  readonly ids: PseudoIds;
  readonly mask: FieldMask;
  /** Label of a user id (speaker_N or user_K). */
  readonly label: (id: string) => string;
}

function pseudoId(value: unknown, ids: PseudoIds): unknown {
  if (typeof value === "number") return value < 0 ? value : ids.of(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return String(ids.of(value));
  return value;
}

function renderValue(value: unknown, key: string | undefined, parent: Record<string, unknown> | undefined, context: RenderContext): unknown {
  if (key !== undefined && PERSON_ID.has(key)) {
    return Array.isArray(value) ? value.map((item) => pseudoId(item, context.ids)) : pseudoId(value, context.ids);
  }
  if (key === "latitude" || key === "longitude") return value === undefined ? value : null;
  if (typeof value === "string") {
    if (key !== undefined && KEEP.has(key)) return value;
    const required = key !== undefined ? REQUIRED[key] : undefined;
    if (required !== undefined) return maskRequired(value, context.mask, required);
    // A mail or call address (via.source, a voice comment's from/to): an e-mail or a phone number.
    if (key === "address" || key === "from" || key === "to") {
      return maskRequired(value, context.mask, value.includes("@") ? "EMAIL" : "PHONE");
    }
    // The sender or recipient of a mail or call (via.source.from/to) is a person.
    if (key === "name" && parent !== undefined && "address" in parent) return maskRequired(value, context.mask, "PERSON");
    return context.mask(value);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, key, parent, context));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const userId = key === "users" && (typeof value["id"] === "number" || typeof value["id"] === "string") ? String(value["id"]) : undefined;
  for (const [name, item] of Object.entries(value)) {
    if (userId !== undefined && name === "id") setField(out, name, pseudoId(item, context.ids));
    else if (userId !== undefined && (name === "name" || name === "alias") && typeof item === "string") {
      setField(out, name, item === "" ? "" : context.label(userId));
    } else if (name === "html_body" && typeof item === "string") setField(out, name, renderHtml(tokenizeHtml(item), new Map(), context.mask));
    else setField(out, name, renderValue(item, name, value, context));
  }
  return out;
}

function render(input: KeepFormatInput): string {
  const { file } = input;
  const parsedFile = readFile(input.text, file);
  const tickets = parseTickets(parsedFile, { file });
  checkAnonymizedShape(tickets.map((ticket) => ticket.conversation.utterances.length), input.anonymized, file);

  // Pseudonymous ids: sideloaded users first, then authors in order.
  const ids = new PseudoIds();
  for (const id of parsedFile.users.keys()) if (id !== "-1") ids.of(id);
  for (const unit of parsedFile.units) for (const comment of unit.comments) if (String(comment.author_id) !== "-1") ids.of(comment.author_id);
  const single = tickets.length === 1 ? tickets[0] : undefined;
  const speakerNumberOf = new Map<string, number>();
  if (single !== undefined) {
    const engine = engineSpeakerNumbers(single.speakers, input.anonymized[0] as NonNullable<(typeof input.anonymized)[0]>);
    for (const comment of single.comments) {
      const number = engine.get(speakerOf(comment.comment, parsedFile.users));
      if (comment.utterance !== undefined && number !== undefined) speakerNumberOf.set(String(comment.comment.author_id), number);
    }
  }
  const label = (id: string): string => personLabel(speakerNumberOf.get(id), ids.of(id));
  const names = nameLabels(
    [...parsedFile.users.values()].map((user) => ({ names: [user.name ?? undefined], label: label(String(user.id)) })),
  );

  const contexts = tickets.map((ticket, index): RenderContext => {
    const anonymized = input.anonymized[index];
    const originals = ticket.comments.filter((comment) => comment.utterance !== undefined).map((comment) => joinPieces(comment.pieces));
    const mask = fieldMasker(input.maskField, index, anonymized ? surfaceReplacements(originals, anonymized) : new Map(), names);
    return { ids, label, mask: (value) => mask(replaceIdsInText(value, ids)) };
  });
  const fallback: RenderContext = contexts[0] ?? { ids, label, mask: (value) => (value.trim() === "" ? value : "") };

  const renderedComments = new Map<unknown, Record<string, unknown>>();
  tickets.forEach((ticket, index) => {
    const context = contexts[index] as RenderContext;
    const anonymized = input.anonymized[index];
    ticket.comments.forEach((parsed, position) => {
      const raw = ticket.unit.raw[position];
      const out = renderValue(raw, undefined, undefined, context) as Record<string, unknown>;
      if (parsed.utterance !== undefined && parsed.field !== undefined && anonymized !== undefined) {
        const utterance = anonymized.utterances[parsed.utterance];
        if (utterance === undefined) throw new InputFormatError("keep-format: utterance missing", { file });
        const masked = maskPieces(parsed.pieces, utterance, { file, label: `ticket ${index + 1}, comment ${position + 1}` });
        if (parsed.field === "html_body" && parsed.tokens !== undefined) {
          const byToken = new Map<number, string>();
          htmlPieces(parsed.tokens).tokenOf.forEach((token, piece) => {
            if (token !== undefined) byToken.set(token, masked[piece] ?? "");
          });
          setField(out, "html_body", renderHtml(parsed.tokens, byToken, context.mask));
        } else {
          const original = parsed.comment[parsed.field] as string;
          const text = masked.join("");
          // body and plain_body usually hold the same text: the same masked text then, not a second masking.
          for (const field of ["body", "plain_body"] as const) {
            const value = parsed.comment[field];
            if (field === parsed.field || (typeof value === "string" && value.replace(/\r\n?/g, "\n") === original.replace(/\r\n?/g, "\n"))) {
              setField(out, field, (value ?? "").includes("\r\n") ? text.replace(/\n/g, "\r\n") : text);
            }
          }
        }
      }
      renderedComments.set(raw, out);
    });
  });

  // Each ticket's fields are masked in its own conversation's scope.
  const contextOfTicket = new Map<unknown, RenderContext>();
  parsedFile.units.forEach((unit, index) => {
    if (unit.ticket !== undefined) contextOfTicket.set(unit.ticket, contexts[index] as RenderContext);
  });
  const renderDocument = (value: unknown, documentIndex: number): unknown => {
    const unitIndex = parsedFile.units.findIndex((unit) => unit.document === documentIndex);
    return renderRoot(value, contexts[unitIndex] ?? fallback, renderedComments, contextOfTicket);
  };
  if (parsedFile.documents.length === 1 && parsedFile.documents[0]?.line === 1 && tryParseJson(input.text) !== undefined) {
    return stringifyLike(renderDocument(parsedFile.documents[0].value, 0), input.text);
  }
  const lines = input.text.split(/\r?\n/);
  const newline = input.text.includes("\r\n") ? "\r\n" : "\n";
  const byLine = new Map(parsedFile.documents.map((document, index) => [document.line, index]));
  return lines
    .map((lineText, position) => {
      const index = byLine.get(position + 1);
      const document = index !== undefined ? parsedFile.documents[index] : undefined;
      return document === undefined ? lineText : JSON.stringify(renderDocument(document.value, index as number));
    })
    .join(newline);
}

/**
 * A document of the file again: comments already rendered are put in place (by identity with the objects
 * read), users, tickets and everything else masked by the same rules.
 */
function renderRoot(
  root: unknown,
  documentContext: RenderContext,
  renderedComments: ReadonlyMap<unknown, Record<string, unknown>>,
  contextOfTicket: ReadonlyMap<unknown, RenderContext>,
): unknown {
  const walk = (value: unknown, key: string | undefined, parent: Record<string, unknown> | undefined, context: RenderContext): unknown => {
    if (key === "comments" && Array.isArray(value)) {
      return value.map((comment) => renderedComments.get(comment) ?? renderValue(comment, undefined, undefined, context));
    }
    if (key === "users" && Array.isArray(value)) return value.map((user) => renderValue(user, "users", undefined, context));
    if ((key === "ticket" || key === "tickets" || key === undefined) && (Array.isArray(value) || isRecord(value))) {
      if (Array.isArray(value)) return value.map((item) => walk(item, key, parent, context));
      const own = contextOfTicket.get(value) ?? context;
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) setField(out, name, walk(item, name, value, own));
      return out;
    }
    return renderValue(value, key, parent, context);
  };
  return walk(root, undefined, undefined, documentContext);
}

/** User ids inside text (API URLs such as …/users/378123.json) become their pseudonymous ids. */
function replaceIdsInText(value: string, ids: PseudoIds): string {
  return value.replace(/\b\d{4,}\b/g, (digits) => (ids.has(digits) ? String(ids.of(digits)) : digits));
}

function sniff(_file: string, text: string): boolean {
  if (!/"author_id"/.test(text) || !/"(?:body|html_body|plain_body)"/.test(text)) return false;
  const whole = tryParseJson(text);
  const roots = whole !== undefined ? [whole] : looksLikeJsonLines(text) ? text.split(/\r?\n/).filter((line) => line.trim() !== "").slice(0, 3).map(tryParseJson) : [];
  if (roots.length === 0) return false;
  return roots.every((root) => {
    if (!isRecord(root)) return false;
    const lists = Array.isArray(root["tickets"])
      ? root["tickets"].map((ticket) => (isRecord(ticket) ? ticket["comments"] : undefined))
      : [isRecord(root["ticket"]) ? (root["comments"] ?? root["ticket"]["comments"]) : root["comments"]];
    return (
      lists.some((list) => Array.isArray(list) && list.length > 0) &&
      lists.every((list) => Array.isArray(list) && list.slice(0, 20).every(isZendeskComment))
    );
  });
}

/** Zendesk's field names (types are left to parse, which reports a damaged comment by line). */
function isZendeskComment(value: unknown): boolean {
  return isRecord(value) && "author_id" in value && ["body", "html_body", "plain_body"].some((field) => field in value);
}

/**
 * Zendesk ticket comments (see the file comment).
 *
 * @example
 * const [ticket] = zendeskFormat.parse('{"comments":[{"author_id":5,"body":"山田です","public":true}],"users":[{"id":5,"name":"山田 花子","role":"end-user"}]}', { file: "t.json" });
 * ticket?.utterances[0]?.role; // "customer"
 */
export const zendeskFormat: FormatModule = {
  format: "zendesk",
  sniff,
  parse: (text, options) => parseTickets(readFile(text, options.file), options).map((ticket) => ticket.conversation),
  render,
};
