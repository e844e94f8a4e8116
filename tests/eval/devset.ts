/**
 * Loading of labelled evaluation sets.
 *
 * Two line forms are accepted (one JSON object per line, blank lines skipped):
 * - markup form: `{"id","domain","style","marked"}` where PII spans in `marked` are written
 *   `⟦TYPE|surface⟧` (U+27E6 … U+27E7). Stripping the markup gives the text the detector sees.
 * - pre-offset form: `{"id","text","entities":[{"start","end","type"}]}` with UTF-16 offsets,
 *   for sets produced elsewhere.
 *
 * This module deliberately re-implements everything it needs (type list, offsets) instead of
 * importing from shared/ or cli/: the evaluation must not share logic with the detector it judges.
 * Error messages name file, line and id but never echo text or surfaces: eval output must not print PII.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";

/** The canonical PII type names of the policy (shared/pii-policy.md), in policy order. */
export const PII_TYPES = [
  "PERSON",
  "ORGANIZATION",
  "ADDRESS",
  "LOCATION",
  "PHONE",
  "EMAIL",
  "CREDIT_CARD",
  "MY_NUMBER",
  "POSTAL_CODE",
  "BANK_ACCOUNT",
  "DRIVERS_LICENSE",
  "PASSPORT",
  "DATE_OF_BIRTH",
  "AGE",
  "IP_ADDRESS",
  "URL",
  "ACCOUNT_ID",
  "PASSWORD",
] as const;

/** One of the canonical PII type names. */
export type PiiType = (typeof PII_TYPES)[number];

const PII_TYPE_SET: ReadonlySet<string> = new Set(PII_TYPES);

/** True when `value` is a canonical PII type name. */
export function isPiiType(value: string): value is PiiType {
  return PII_TYPE_SET.has(value);
}

/** A labelled (gold) PII span: UTF-16 offsets into the stripped text, end exclusive. */
export interface GoldEntity {
  readonly start: number;
  readonly end: number;
  readonly type: PiiType;
  /** Equals `text.slice(start, end)`; kept for leak checks, never printed. */
  readonly surface: string;
}

/** One labelled utterance, ready to be sent to a detector and scored. */
export interface LabelledItem {
  readonly id: string;
  readonly domain: string;
  readonly style: string | undefined;
  readonly text: string;
  /** Sorted by start, non-overlapping. */
  readonly entities: readonly GoldEntity[];
  /** Where the line came from, for error messages. */
  readonly file: string;
  readonly line: number;
}

/** A problem in a labelled set; the message names file, line and id (never the text). */
export class LabelledSetError extends Error {
  override readonly name = "LabelledSetError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly id: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}:${line} (id ${id === undefined ? "unknown" : JSON.stringify(id)}): ${reason}`);
  }
}

/** A markup problem inside one `marked` string; `offset` is a UTF-16 index into `marked`. */
export class MarkupError extends Error {
  override readonly name = "MarkupError";
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} (at offset ${offset} of "marked")`);
  }
}

const OPEN = "\u27E6"; // ⟦
const CLOSE = "\u27E7"; // ⟧
const SEP = "|";

// Shown in errors only when it looks like a type name, so a malformed span never echoes a surface.
const TYPE_NAME_SHAPE = /^[A-Z][A-Z_]{0,39}$/;

/** Whitespace (incl. U+3000 and newlines) at a span edge is a labelling slip that skews over-masking. */
const EDGE_SPACE = /^\s|\s$/u;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * True when UTF-16 index `index` of `text` falls between the two halves of a surrogate pair,
 * i.e. a span boundary there would cut a character like 𠮷 in two.
 */
export function splitsSurrogatePair(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return false;
  return isHighSurrogate(text.charCodeAt(index - 1)) && isLowSurrogate(text.charCodeAt(index));
}

/**
 * Strips `⟦TYPE|surface⟧` markup. Returns the plain text and the gold entities with UTF-16
 * offsets into it. Throws {@link MarkupError} on nesting, unbalanced brackets, a missing `|`,
 * an unknown type, an empty surface or a surface with leading/trailing whitespace.
 */
export function parseMarked(marked: string): { text: string; entities: GoldEntity[] } {
  let text = "";
  const entities: GoldEntity[] = [];
  let i = 0;
  while (i < marked.length) {
    const open = marked.indexOf(OPEN, i);
    const strayClose = marked.indexOf(CLOSE, i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      throw new MarkupError(strayClose, `"${CLOSE}" without a matching "${OPEN}"`);
    }
    if (open === -1) {
      text += marked.slice(i);
      break;
    }
    text += marked.slice(i, open);
    const close = marked.indexOf(CLOSE, open + 1);
    if (close === -1) throw new MarkupError(open, `"${OPEN}" is never closed`);
    const nested = marked.indexOf(OPEN, open + 1);
    if (nested !== -1 && nested < close) {
      throw new MarkupError(nested, `nested "${OPEN}" inside a span (markup never nests)`);
    }
    const body = marked.slice(open + 1, close);
    const sep = body.indexOf(SEP);
    if (sep === -1) throw new MarkupError(open, `span has no "${SEP}" between type and surface`);
    const type = body.slice(0, sep);
    // Only the first "|" separates: a surface (e.g. a password) may itself contain "|".
    const surface = body.slice(sep + 1);
    if (!isPiiType(type)) {
      const shown = TYPE_NAME_SHAPE.test(type) ? `"${type}"` : "(not a type name)";
      throw new MarkupError(open, `unknown PII type ${shown}; expected one of ${PII_TYPES.join(", ")}`);
    }
    if (surface.length === 0) throw new MarkupError(open, `empty surface in a ${type} span`);
    if (EDGE_SPACE.test(surface)) {
      throw new MarkupError(open, `${type} surface starts or ends with whitespace; keep it outside the span`);
    }
    const start = text.length;
    text += surface;
    entities.push({ start, end: text.length, type, surface });
    i = close + 1;
  }
  return { text, entities };
}

const MarkedLineSchema = z.object({
  id: z.string().min(1),
  domain: z.string().min(1),
  style: z.string().optional(),
  marked: z.string(),
  // A set may carry the stripped text too; it must then agree with the markup.
  text: z.string().optional(),
});

const OffsetEntitySchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  type: z.string(),
  surface: z.string().optional(),
});

const OffsetLineSchema = z.object({
  // Numeric ids are accepted and stringified: the harness sends its own input file to the detector.
  id: z.union([z.string().min(1), z.number().int()]),
  domain: z.string().min(1).optional(),
  style: z.string().optional(),
  text: z.string(),
  entities: z.array(OffsetEntitySchema),
});

function describeIssues(error: z.ZodError): string {
  // Paths and messages only: zod messages do not quote string values, so no text leaks here.
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(line)"}: ${issue.message}`)
    .join("; ");
}

function peekId(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("id" in value)) return undefined;
  const id: unknown = value.id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

/** Checks pre-offset entities against the text; returns them sorted, or a reason they are invalid. */
function checkOffsetEntities(
  text: string,
  raw: readonly z.infer<typeof OffsetEntitySchema>[],
): GoldEntity[] | string {
  const entities: GoldEntity[] = [];
  for (const [k, e] of raw.entries()) {
    if (!isPiiType(e.type)) {
      const shown = TYPE_NAME_SHAPE.test(e.type) ? `"${e.type}"` : "(not a type name)";
      return `entities.${k}: unknown PII type ${shown}`;
    }
    if (e.start >= e.end) return `entities.${k}: start ${e.start} is not before end ${e.end}`;
    if (e.end > text.length) return `entities.${k}: end ${e.end} is past the text length ${text.length}`;
    if (splitsSurrogatePair(text, e.start) || splitsSurrogatePair(text, e.end)) {
      return `entities.${k}: offset cuts a surrogate pair (offsets must be UTF-16, not code points)`;
    }
    const surface = text.slice(e.start, e.end);
    if (e.surface !== undefined && e.surface !== surface) {
      return `entities.${k}: "surface" does not match text.slice(start, end) (offsets wrong?)`;
    }
    entities.push({ start: e.start, end: e.end, type: e.type, surface });
  }
  entities.sort((a, b) => a.start - b.start);
  for (let k = 1; k < entities.length; k++) {
    const prev = entities[k - 1];
    const cur = entities[k];
    if (prev !== undefined && cur !== undefined && cur.start < prev.end) {
      return `entities overlap at offsets ${cur.start}-${prev.end} (spans never overlap)`;
    }
  }
  return entities;
}

/**
 * Parses one JSONL line of a labelled set (either form). Returns `undefined` for a blank line.
 * Throws {@link LabelledSetError} naming `file`, `lineNo` and the id on any problem.
 * `defaultDomain` is used for pre-offset lines without a domain.
 */
export function parseLabelledLine(
  line: string,
  file: string,
  lineNo: number,
  defaultDomain: string,
): LabelledItem | undefined {
  if (line.trim().length === 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new LabelledSetError(file, lineNo, undefined, "not valid JSON");
  }
  const id = peekId(json);
  const fail = (reason: string): never => {
    throw new LabelledSetError(file, lineNo, id, reason);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("a line must be a JSON object");

  if (typeof json === "object" && json !== null && "marked" in json) {
    const parsed = MarkedLineSchema.safeParse(json);
    if (!parsed.success) return fail(describeIssues(parsed.error));
    const row = parsed.data;
    let stripped: { text: string; entities: GoldEntity[] };
    try {
      stripped = parseMarked(row.marked);
    } catch (error) {
      if (error instanceof MarkupError) return fail(`malformed markup: ${error.message}`);
      throw error;
    }
    if (row.text !== undefined && row.text !== stripped.text) {
      fail(`"text" differs from "marked" with the markup stripped`);
    }
    return { id: row.id, domain: row.domain, style: row.style, ...stripped, file, line: lineNo };
  }

  if (typeof json === "object" && json !== null && "text" in json) {
    const parsed = OffsetLineSchema.safeParse(json);
    if (!parsed.success) return fail(describeIssues(parsed.error));
    const row = parsed.data;
    const entities = checkOffsetEntities(row.text, row.entities);
    if (typeof entities === "string") return fail(entities);
    return {
      id: String(row.id),
      domain: row.domain ?? defaultDomain,
      style: row.style,
      text: row.text,
      entities,
      file,
      line: lineNo,
    };
  }
  return fail(`line has neither "marked" (markup form) nor "text" + "entities" (pre-offset form)`);
}

/** Parses the whole content of one labelled JSONL file. */
export function parseLabelledFile(content: string, file: string): LabelledItem[] {
  // Pre-offset lines without a domain are grouped by their file name (e.g. call-centre.jsonl).
  const defaultDomain = basename(file).replace(/\.jsonl$/i, "");
  const items: LabelledItem[] = [];
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [k, line] of lines.entries()) {
    const item = parseLabelledLine(line, file, k + 1, defaultDomain);
    if (item !== undefined) items.push(item);
  }
  return items;
}

/** Expands each path: a file stays as is, a directory gives its `*.jsonl` files in name order. */
export function expandSetPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new Error(`labelled set not found: ${path}`);
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path)
      .filter((name) => name.toLowerCase().endsWith(".jsonl"))
      .sort()
      .map((name) => join(path, name));
    if (found.length === 0) throw new Error(`no .jsonl files in labelled set directory: ${path}`);
    files.push(...found);
  }
  return files;
}

/**
 * Loads labelled sets from files and/or directories. Ids must be unique across everything
 * loaded, because detector output and error reports are matched by id.
 */
export function loadLabelledSets(paths: readonly string[]): LabelledItem[] {
  const items: LabelledItem[] = [];
  const seen = new Map<string, LabelledItem>();
  for (const file of expandSetPaths(paths)) {
    for (const item of parseLabelledFile(readFileSync(file, "utf8"), file)) {
      const first = seen.get(item.id);
      if (first !== undefined) {
        throw new LabelledSetError(item.file, item.line, item.id, `duplicate id (first at ${first.file}:${first.line})`);
      }
      seen.set(item.id, item);
      items.push(item);
    }
  }
  return items;
}
