import type { z } from "zod";
import type { AnonymizedConversation, AnonymizedUtterance } from "../engine.js";
import { InputFormatError } from "../errors.js";

/**
 * Shared by the structured chat formats (Slack, Chatwork, Zendesk, Intercom): an utterance built from pieces
 * of a structure (text between Chatwork tags, HTML text nodes, Slack text around mentions), and the way back
 * from its anonymized text to masked pieces, so that `--keep-format` rewrites only the text and never the
 * markup around it.
 */

/**
 * One part of an utterance. `text` pieces come from the input and are masked by the engine; `fixed` pieces
 * are written by the parser (a mention's `<SPEAKER_2>`, a line break for a `<p>`) and are rebuilt from the
 * structure on output, so they must never hold anything personal.
 */
export interface Piece {
  readonly kind: "text" | "fixed";
  readonly value: string;
}

export const textPiece = (value: string): Piece => ({ kind: "text", value });
export const fixedPiece = (value: string): Piece => ({ kind: "fixed", value });

/**
 * The utterance text of pieces: their values joined as they are.
 *
 * @example
 * joinPieces([fixedPiece("@<SPEAKER_1>"), textPiece(" 見積書です")]); // "@<SPEAKER_1> 見積書です"
 */
export function joinPieces(pieces: readonly Piece[]): string {
  return pieces.map((piece) => piece.value).join("");
}

/**
 * Cuts an anonymized utterance back into its pieces: each piece's span of the original text is carried through
 * the replacements the anonymizer made. A replacement that straddles two pieces goes whole to the piece where
 * it starts (the next piece begins after it), so nothing it replaced survives in either piece.
 * Throws InputFormatError when the anonymized text does not belong to these pieces (fail closed).
 *
 * @example
 * const pieces = [textPiece("電話は"), fixedPiece("\n"), textPiece("090-1234-5678")];
 * maskPieces(pieces, anonymizedUtterance, where); // ["電話は", "\n", "<PHONE_1>"]
 */
export function maskPieces(
  pieces: readonly Piece[],
  anonymized: AnonymizedUtterance,
  where: { file: string; label: string },
): string[] {
  const original = joinPieces(pieces);
  const ops = [...anonymized.entities].sort((a, b) => a.start - b.start);
  let growth = 0;
  let previousEnd = 0;
  for (const op of ops) {
    if (op.start < previousEnd || op.end > original.length || op.end < op.start) {
      throw new InputFormatError(`${where.label}: anonymized text does not match the input`, { file: where.file });
    }
    previousEnd = op.end;
    growth += op.outEnd - op.outStart - (op.end - op.start);
  }
  if (original.length + growth !== anonymized.text.length) {
    throw new InputFormatError(`${where.label}: anonymized text does not match the input`, { file: where.file });
  }
  /** Offset in the masked text of an original offset; inside a replacement it snaps past the replacement. */
  const carry = (offset: number): number => {
    let shift = 0;
    for (const op of ops) {
      if (op.end <= offset) shift += op.outEnd - op.outStart - (op.end - op.start);
      else if (op.start < offset) return op.outEnd;
      else break;
    }
    return offset + shift;
  };
  const masked: string[] = [];
  let start = 0;
  for (const piece of pieces) {
    const end = start + piece.value.length;
    masked.push(anonymized.text.slice(carry(start), carry(end)));
    start = end;
  }
  return masked;
}

/**
 * What each detected value of a conversation was replaced with: original surface → its replacement, for
 * fields that repeat an utterance (Zendesk's html_body and plain_body, Slack's blocks), so they are masked
 * the same way even where detection on the field alone would miss a value. One-character surfaces are left
 * out: replacing them everywhere would mask parts of unrelated words.
 *
 * @example
 * surfaceReplacements(["電話は090-1234-5678"], anonymized).get("090-1234-5678"); // "<PHONE_1>"
 */
export function surfaceReplacements(
  originals: readonly string[],
  anonymized: AnonymizedConversation,
): Map<string, string> {
  const surfaces = new Map<string, string>();
  anonymized.utterances.forEach((utterance, position) => {
    const original = originals[position] ?? "";
    for (const op of utterance.entities) {
      const surface = original.slice(op.start, op.end);
      if ([...surface].length < 2 || surfaces.has(surface)) continue;
      surfaces.set(surface, utterance.text.slice(op.outStart, op.outEnd));
    }
  });
  return surfaces;
}

/**
 * Replaces every known surface in a value, longest first.
 *
 * @example
 * replaceSurfaces("TEL 090-1234-5678", new Map([["090-1234-5678", "<PHONE_1>"]])); // "TEL <PHONE_1>"
 */
export function replaceSurfaces(value: string, surfaces: ReadonlyMap<string, string>): string {
  if (surfaces.size === 0 || value === "") return value;
  const keys = [...surfaces.keys()].filter((key) => value.includes(key)).sort((a, b) => b.length - a.length);
  if (keys.length === 0) return value;
  const pattern = new RegExp(keys.map(escapeRegExp).join("|"), "g");
  return value.replace(pattern, (surface) => surfaces.get(surface) ?? surface);
}

/** Masks one string field of a conversation (known surfaces first, then the caller's maskField). */
export type FieldMask = (value: string) => string;

/**
 * A field masker for conversation `index`: the values detected in that conversation's utterances (the same
 * replacement as there) and the participants' names (`names`, see {@link nameLabels}) in one pass, longest
 * first, then `maskField` for the rest. Blank values come back as they are.
 *
 * @example
 * const mask = fieldMasker(input.maskField, 0, surfaces, names);
 * mask("山田より: 折り返しは090-1234-5678へ"); // "<SPEAKER_1>より: 折り返しは<PHONE_1>へ"
 */
export function fieldMasker(
  maskField: (value: string, conversationIndex: number) => string,
  index: number,
  surfaces: ReadonlyMap<string, string>,
  names: ReadonlyMap<string, string> = new Map(),
): FieldMask {
  // One pass, longest first: a full name wins over a surname detected on its own.
  const known = new Map([...names, ...surfaces]);
  return (value) => (value.trim() === "" ? value : maskField(replaceSurfaces(value, known), index));
}

/**
 * How a participant's label appears inside text: in the never-detected placeholder shape, so that detection
 * run afterwards does not take the label for a name.
 *
 * @example
 * labelInText("speaker_2"); // "<SPEAKER_2>"
 */
export function labelInText(label: string): string {
  return `<${label.toUpperCase()}>`;
}

/**
 * For a field that is personal by definition (an IP address, an e-mail, a location): the masked value, or the
 * bare type placeholder when masking left it unchanged (detection did not recognise it).
 *
 * @example
 * maskRequired("Tokyo, 13, Japan", (v) => v, "LOCATION"); // "<LOCATION>"
 */
export function maskRequired(value: string, mask: FieldMask, type: string): string {
  if (value.trim() === "") return value;
  const masked = mask(value);
  return masked === value ? `<${type}>` : masked;
}

/** Transcribe's labels, which the engine keeps as they are (see `speakerPseudonyms` in engine.ts). */
const MACHINE_SPEAKER = /^(?:spk|ch)_\d+$/;

/**
 * The number N of each speaker's `speaker_N` pseudonym, as the engine assigns them: in order of first
 * utterance, Transcribe's own labels skipped. Parsers use it to write a mention as `<SPEAKER_N>`.
 *
 * @example
 * speakerNumbers(["山田 太郎", "佐藤", "山田 太郎"]); // Map { "山田 太郎" => 1, "佐藤" => 2 }
 */
export function speakerNumbers(speakers: readonly string[]): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const speaker of speakers) {
    if (!numbers.has(speaker) && !MACHINE_SPEAKER.test(speaker)) numbers.set(speaker, numbers.size + 1);
  }
  return numbers;
}

/**
 * How a reference to a participant (a Slack mention, a Chatwork [To:]) appears in utterance text: the number
 * of their speaker_N pseudonym in the engine's never-detected placeholder shape.
 *
 * @example
 * mentionPlaceholder(2); // "<SPEAKER_2>"
 */
export function mentionPlaceholder(speakerNumber: number): string {
  return `<SPEAKER_${speakerNumber}>`;
}

/**
 * Numbers each participant referred to in a conversation: speakers keep their engine number, participants
 * who are only mentioned get the next numbers in order of first mention.
 *
 * @example
 * const numbers = new ParticipantNumbers(speakerNumbers(["山田"]));
 * numbers.of("山田"); // 1
 * numbers.of("鈴木"); // 2
 */
export class ParticipantNumbers {
  private readonly numbers: Map<string, number>;
  private next: number;

  constructor(speakers: ReadonlyMap<string, number>) {
    this.numbers = new Map(speakers);
    this.next = Math.max(0, ...speakers.values()) + 1;
  }

  of(label: string): number {
    let number = this.numbers.get(label);
    if (number === undefined) {
      number = this.next++;
      this.numbers.set(label, number);
    }
    return number;
  }
}

/**
 * Stable small numbers for identifiers (user ids, account ids) within one input, in order of first use,
 * so that keep-format output links the same person everywhere without keeping the real identifier.
 *
 * @example
 * const ids = new PseudoIds();
 * ids.of("U024BE7LH"); // 1
 * ids.of("U0G9QF9C6"); // 2
 * ids.of("U024BE7LH"); // 1
 */
export class PseudoIds {
  private readonly numbers = new Map<string, number>();

  of(id: string | number): number {
    const key = String(id);
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.numbers.size + 1;
      this.numbers.set(key, number);
    }
    return number;
  }

  has(id: string | number): boolean {
    return this.numbers.has(String(id));
  }
}

/**
 * How a participant is named in keep-format output: their `speaker_N` when the input holds one
 * conversation and they spoke in it (the name the datasets use), otherwise `user_K` from their pseudonymous
 * id (one label across every conversation of the input).
 *
 * @example
 * personLabel(2, 7); // "speaker_2"
 * personLabel(undefined, 7); // "user_7"
 */
export function personLabel(speakerNumber: number | undefined, pseudoId: number): string {
  return speakerNumber !== undefined ? `speaker_${speakerNumber}` : `user_${pseudoId}`;
}

/**
 * The engine's speaker_N → N for each original speaker of an anonymized conversation, read from its output
 * (the authority), checked against the original speakers utterance by utterance.
 *
 * @example
 * engineSpeakerNumbers(["山田", "佐藤"], anonymized); // Map { "山田" => 1, "佐藤" => 2 }
 */
export function engineSpeakerNumbers(
  originalSpeakers: readonly string[],
  anonymized: AnonymizedConversation,
): Map<string, number> {
  const numbers = new Map<string, number>();
  anonymized.conversation.utterances.forEach((utterance, position) => {
    const original = originalSpeakers[position];
    const match = /^speaker_(\d+)$/.exec(utterance.speaker);
    if (original !== undefined && match?.[1] !== undefined) numbers.set(original, Number(match[1]));
  });
  return numbers;
}

/**
 * Checks that the anonymized conversations are those this input parses to (same count, same utterance
 * counts): a renderer must never pair masked texts with the wrong messages.
 */
export function checkAnonymizedShape(
  utteranceCounts: readonly number[],
  anonymized: readonly AnonymizedConversation[],
  file: string,
): void {
  if (anonymized.length !== utteranceCounts.length) {
    throw new InputFormatError(
      `keep-format got ${anonymized.length} anonymized conversations for ${utteranceCounts.length} parsed ones`,
      { file },
    );
  }
  utteranceCounts.forEach((count, position) => {
    const got = anonymized[position]?.utterances.length;
    if (got !== count) {
      throw new InputFormatError(
        `keep-format: conversation ${position + 1} has ${got} anonymized utterances for ${count} parsed ones`,
        { file },
      );
    }
  });
}

/**
 * Serialises JSON the way the input was laid out: compact, or indented with the input's first indent
 * (spaces or a tab), with a final newline when the input had one.
 *
 * @example
 * stringifyLike({ a: 1 }, '{\n    "a": 0\n}\n'); // '{\n    "a": 1\n}\n'
 */
export function stringifyLike(value: unknown, original: string): string {
  const indent = /\n([ \t]+)\S/.exec(original)?.[1];
  const body = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return /\r?\n\s*$/.test(original) ? `${body}${original.includes("\r\n") ? "\r\n" : "\n"}` : body;
}

/**
 * The 1-based line where the value at `path` starts in a JSON text, found by scanning the text (JSON.parse
 * gives no positions). Undefined when the path is not there.
 *
 * @example
 * jsonLine('[\n {"a": 1},\n {"a": 2}\n]', [1, "a"]); // 3
 */
export function jsonLine(text: string, path: readonly (string | number)[]): number | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.skipSpace();
    for (const step of path) {
      if (!scanner.enter(step)) return undefined;
    }
    scanner.skipSpace();
    return scanner.line();
  } catch {
    return undefined;
  }
}

/**
 * The line of the value at `path`, or of the nearest enclosing value that exists (a missing field is
 * reported at the object that lacks it).
 *
 * @example
 * nearestJsonLine('[\n {"a": 1},\n {"b": 2}\n]', [1, "a"]); // 3
 */
export function nearestJsonLine(text: string, path: readonly (string | number)[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const line = jsonLine(text, path.slice(0, length));
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * A zod failure as "path: problem" for at most three issues. zod's messages name expected types, never the
 * input's values; `path` uses JSON-path-like brackets.
 *
 * @example
 * describeZod(error); // "messages[2].ts: Invalid input: expected string, received number"
 */
export function describeZod(error: z.ZodError): { text: string; path: (string | number)[] } {
  const first = error.issues[0];
  const shown = error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "";
  return {
    text: shown.join("; ") + more,
    path: (first?.path ?? []).filter((part): part is string | number => typeof part !== "symbol"),
  };
}

/**
 * A JSON path for messages: `comments[3].author_id`.
 *
 * @example
 * formatPath(["comments", 3, "author_id"]); // "comments[3].author_id"
 */
export function formatPath(path: readonly PropertyKey[]): string {
  const text = path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
  return text.replace(/^\./, "") || "(root)";
}

/**
 * Unix seconds (number or numeric string, fractions allowed) → ISO 8601 UTC; undefined when not a time.
 *
 * @example
 * unixToIso("1717375950.000200"); // "2024-06-03T00:52:30.000Z"
 */
export function unixToIso(value: unknown): string | undefined {
  const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const date = new Date(Math.floor(seconds * 1000));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses JSON, or undefined when it is not JSON (for sniffing). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Just enough of a JSON reader to walk to a path and say which line it is on. */
class JsonScanner {
  private at = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.at = 1;
  }

  line(): number {
    let line = 1;
    for (let i = 0; i < this.at; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  /** Moves to the value of key/index `step` inside the value at the cursor. */
  enter(step: string | number): boolean {
    this.skipSpace();
    const open = this.text[this.at];
    if (typeof step === "number") {
      if (open !== "[") return false;
      this.at++;
      for (let index = 0; ; index++) {
        this.skipSpace();
        if (this.text[this.at] === "]") return false;
        if (index === step) return true;
        this.skipValue();
        this.skipSpace();
        if (this.text[this.at] !== ",") return false;
        this.at++;
      }
    }
    if (open !== "{") return false;
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') return false;
      const key = this.readString();
      this.skipSpace();
      if (this.text[this.at] !== ":") return false;
      this.at++;
      this.skipSpace();
      if (key === step) return true;
      this.skipValue();
      this.skipSpace();
      if (this.text[this.at] !== ",") return false;
      this.at++;
    }
  }

  private readString(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === "\\" ? 2 : 1;
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private skipValue(): void {
    this.skipSpace();
    const open = this.text[this.at];
    if (open === '"') {
      this.readString();
      return;
    }
    if (open === "{" || open === "[") {
      let depth = 0;
      while (this.at < this.text.length) {
        const char = this.text[this.at];
        if (char === '"') {
          this.readString();
          continue;
        }
        if (char === "{" || char === "[") depth++;
        if (char === "}" || char === "]") depth--;
        this.at++;
        if (depth === 0) return;
      }
      return;
    }
    while (this.at < this.text.length && !/[,}\]\s]/.test(this.text[this.at] ?? "")) this.at++;
  }
}

/**
 * Masks every string in a JSON value that is not under a key of `keep` (identifiers, enums, timestamps);
 * numbers, booleans and null stay. For the fields of a format that tokumei does not interpret: masked by
 * detection rather than copied (fail closed) or dropped (data loss).
 *
 * @example
 * maskStrings({ type: "note", text: "090-1234-5678" }, mask, new Set(["type"])); // { type: "note", text: "<PHONE_1>" }
 */
export function maskStrings(value: unknown, mask: FieldMask, keep: ReadonlySet<string>, key?: string): unknown {
  if (typeof value === "string") return key !== undefined && keep.has(key) ? value : mask(value);
  if (Array.isArray(value)) return value.map((item) => maskStrings(item, mask, keep, key));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) setField(out, name, maskStrings(item, mask, keep, name));
    return out;
  }
  return value;
}

/**
 * Sets an own property, also one named `__proto__` (JSON.parse makes those own properties; a plain
 * assignment would change the object's prototype instead).
 *
 * @example
 * setField(out, "__proto__", "x"); // Object.keys(out) → ["__proto__"]
 */
export function setField(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Every name given for a person (full names, their space-separated parts of two or more characters) → that
 * person's label as it appears in text ({@link labelInText}), for fields that are not utterances: replaced even
 * where detection would not see a name. The first person to claim a name keeps it.
 *
 * @example
 * nameLabels([{ names: ["山田 太郎"], label: "speaker_1" }]); // Map { "山田 太郎" => "<SPEAKER_1>", "山田" => …, "太郎" => … }
 */
export function nameLabels(people: ReadonlyArray<{ names: readonly unknown[]; label: string }>): Map<string, string> {
  const labels = new Map<string, string>();
  for (const { names, label } of people) {
    for (const name of names) {
      if (typeof name !== "string") continue;
      for (const part of [name.trim(), ...name.split(/[\s\u3000・]+/)]) {
        if ([...part].length >= 2 && !labels.has(part)) labels.set(part, labelInText(label));
      }
    }
  }
  return labels;
}
