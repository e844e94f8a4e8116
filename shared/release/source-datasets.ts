import { parquetReadObjects } from "hyparquet";
import { z } from "zod";
import { ReleaseError } from "../errors.js";
import { SourceSchema, type Source } from "../schema/conversation.js";

/**
 * The anonymized datasets a release reads: their object keys, their rows (validated, types normalised) and how
 * they join. Rows are validated here so the release logic gets well-typed data; errors name the object key, the
 * row and the column, never a value.
 */

/** One dataset file, from its Hive-style key `datasets/<table>/dt=YYYY-MM-DD/source=<call|chat>/<name>.parquet`. */
export interface DatasetFile {
  readonly key: string;
  readonly table: "utterances" | "conversations";
  readonly dt: string;
  readonly source: Source;
  /** The file name; an input's utterances and conversations files share it. */
  readonly name: string;
}

const DATASET_KEY = /^datasets\/(utterances|conversations)\/dt=(\d{4}-\d{2}-\d{2})\/source=([a-z]+)\/([^/]+\.parquet)$/;

/**
 * The parts of a dataset key, or undefined for any other key (temporary files, other tables).
 *
 * @example
 * parseDatasetKey("datasets/conversations/dt=2026-11-23/source=chat/a.jsonl-0123456789abcdef.parquet")
 * // → { key, table: "conversations", dt: "2026-11-23", source: "chat", name: "a.jsonl-0123456789abcdef.parquet" }
 */
export function parseDatasetKey(key: string): DatasetFile | undefined {
  const m = DATASET_KEY.exec(key);
  if (!m) return undefined;
  const source = SourceSchema.safeParse(m[3]);
  if (!source.success) return undefined;
  return { key, table: m[1] as DatasetFile["table"], dt: m[2]!, source: source.data, name: m[4]! };
}

/** INT64 columns come back from Parquet as bigint; the release works in numbers (milliseconds fit). */
const Int64 = z.union([z.number().int(), z.bigint()]).transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "integer out of the safe range" });
    return z.NEVER;
  }
  return n;
});
/** A column the file may lack (written before the column existed) or hold as null. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((value) => value ?? null);

/** Types are type names (`PHONE`), as they become part of release tokens. */
const EntitySpansSchema = z.array(
  z.object({ type: z.string().regex(/^[A-Z][A-Z_]*$/), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
);

/** A row of the source `conversations` table (shared/dataset/schema.ts), as the release needs it. */
export const SourceConversationRowSchema = z.object({
  conversation_id: z.string().min(1),
  format: z.string(),
  utterance_count: z.number().int().nonnegative(),
  speaker_count: z.number().int().nonnegative(),
  duration_ms: optional(Int64),
  entity_counts: z.string(),
  input_key: z.string(),
  // Both are copied into the manifest: only their known shapes pass.
  policy_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "not a policy hash"),
  engine_version: z.string().regex(/^[0-9A-Za-z.+-]{1,32}$/, "not a version"),
  processed_at: z.date(),
  customer_age_band: optional(z.string()),
  customer_prefecture: optional(z.string()),
  customer_birth_year_band: optional(z.string()),
});
export type SourceConversationRow = z.infer<typeof SourceConversationRowSchema>;

/** A row of the source `utterances` table, with `entity_types` parsed. */
export const SourceUtteranceRowSchema = z.object({
  conversation_id: z.string().min(1),
  utterance_index: z.number().int().nonnegative(),
  speaker: z.string(),
  role: optional(z.string()),
  start_ms: optional(Int64),
  end_ms: optional(Int64),
  text: z.string(),
  entity_count: z.number().int().nonnegative(),
  entity_types: z.string().transform((json, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
    const spans = EntitySpansSchema.safeParse(parsed);
    if (!spans.success) {
      ctx.addIssue({ code: "custom", message: "not an array of {type, start, end}" });
      return z.NEVER;
    }
    return spans.data;
  }),
});
export type SourceUtteranceRow = z.infer<typeof SourceUtteranceRowSchema>;

/**
 * Reads a Parquet file and validates every row; a bad file or row is a ReleaseError naming the key, row and
 * column (a release never skips rows it cannot read: they might be the ones that break k).
 *
 * @example
 * const rows = await readDatasetRows(key, bytes, SourceConversationRowSchema);
 */
export async function readDatasetRows<S extends z.ZodType>(key: string, bytes: Uint8Array, schema: S): Promise<z.infer<S>[]> {
  let raw: Record<string, unknown>[];
  try {
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    raw = await parquetReadObjects({ file });
  } catch (error) {
    throw new ReleaseError(`${key}: not a readable Parquet file (${(error as Error).name})`);
  }
  return raw.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `column "${issue.path.map(String).join(".") || "(row)"}" ${issue.message}`)
        .join("; ");
      throw new ReleaseError(`${key} row ${i}: ${where}`);
    }
    return parsed.data as z.infer<S>;
  });
}

/** A conversation of the source datasets with its utterances, ready for the release. */
export interface SourceConversation {
  readonly source: Source;
  readonly dt: string;
  /** The utterances file, for error messages. */
  readonly utterancesKey: string;
  readonly row: SourceConversationRow;
  /** In utterance_index order. */
  readonly utterances: readonly SourceUtteranceRow[];
}

/** One input file's pair of dataset files (same dt, source and name), read; either may be missing. */
export interface DatasetPair {
  readonly conversations: { readonly file: DatasetFile; readonly rows: readonly SourceConversationRow[] } | undefined;
  readonly utterances: { readonly file: DatasetFile; readonly rows: readonly SourceUtteranceRow[] } | undefined;
}

export interface AssembledConversations {
  readonly conversations: readonly SourceConversation[];
  /** The same conversation of the same input written again (a rerun on another day): older copies are dropped. */
  readonly duplicatesDropped: number;
  /** Conversation rows whose utterances are missing (their file, or their rows in it). */
  readonly withoutUtterances: number;
  /** Utterance rows of no conversation row (a run interrupted between the two writes). */
  readonly orphanUtterances: number;
}

/**
 * Joins each conversation row to its utterances (same file name, dt and source; same conversation_id) and keeps
 * one copy per conversation of an input (source, input_key, conversation_id): the latest processed. Counting a
 * conversation twice would overstate k. Conversations without utterances and utterances without a conversation
 * are left out and counted.
 *
 * @example
 * const { conversations, duplicatesDropped } = assembleConversations(pairs);
 */
export function assembleConversations(pairs: readonly DatasetPair[]): AssembledConversations {
  const latest = new Map<string, SourceConversation>();
  let duplicatesDropped = 0;
  let withoutUtterances = 0;
  let orphanUtterances = 0;
  for (const pair of pairs) {
    const file = pair.conversations?.file ?? pair.utterances?.file;
    if (file === undefined) continue;
    const byConversation = new Map<string, SourceUtteranceRow[]>();
    for (const u of pair.utterances?.rows ?? []) {
      const list = byConversation.get(u.conversation_id) ?? [];
      list.push(u);
      byConversation.set(u.conversation_id, list);
    }
    const seen = new Set<string>();
    for (const row of pair.conversations?.rows ?? []) {
      seen.add(row.conversation_id);
      const utterances = byConversation.get(row.conversation_id);
      if (!utterances || utterances.length === 0) {
        withoutUtterances++;
        continue;
      }
      utterances.sort((a, b) => a.utterance_index - b.utterance_index);
      const conversation: SourceConversation = { source: file.source, dt: file.dt, utterancesKey: pair.utterances!.file.key, row, utterances };
      const identity = JSON.stringify([file.source, row.input_key, row.conversation_id]);
      const previous = latest.get(identity);
      if (previous !== undefined) {
        duplicatesDropped++;
        if (previous.row.processed_at.getTime() >= row.processed_at.getTime()) continue;
      }
      latest.set(identity, conversation);
    }
    for (const [id, rows] of byConversation) if (!seen.has(id)) orphanUtterances += rows.length;
  }
  return { conversations: [...latest.values()], duplicatesDropped, withoutUtterances, orphanUtterances };
}
