import { createHash } from "node:crypto";
import { SourceSchema, type Source } from "../schema/conversation.js";
import type { DatasetTable } from "./schema.js";

/**
 * Object keys of the dataset files. A key depends only on the table, the partition values and the input
 * key, so a redelivered event (same input, same day) overwrites its files instead of adding duplicates.
 */

export interface DatasetKeyParts {
  /** Partition date, YYYY-MM-DD (see partitionDate). */
  readonly dt: string;
  readonly source: Source;
  /** Object key of the input file, exactly as received. */
  readonly inputKey: string;
}

/** Hex digits of SHA-256 kept in the file name: 64 bits, enough to keep distinct input keys apart. */
const HASH_CHARS = 16;
/**
 * Cap on the readable part of the file name. S3 keys may be 1024 bytes and an input key alone can be that
 * long; the hash keeps truncated names distinct.
 */
const MAX_READABLE = 120;

/**
 * The key of one dataset file: `datasets/<table>/dt=YYYY-MM-DD/source=<call|chat>/<name>-<hash>.parquet`.
 *
 * `<name>` is the input key made safe: `/` → `__`, ASCII letters, digits, `.`, `_` and `-` kept, every other
 * character (spaces, Japanese, `%`, `+` …) → `-` (one per run), cut to 120 characters, and never starting with `.` or `_`
 * (Athena skips such files as hidden). Nothing is percent-encoded: S3 lists `%` among the characters to avoid
 * in keys, and S3 event notifications URL-encode keys, so `%` would have to survive two rounds of decoding.
 * `<hash>` is the first 16 hex digits of SHA-256 of the full input key (UTF-8), so keys that differ only in
 * the replaced characters still get different files. The full input key is in the `input_key` column.
 *
 * @example
 * datasetKey(UTTERANCES, { dt: "2026-11-23", source: "chat", inputKey: "incoming/chat/log 1.jsonl" })
 * // → "datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__log-1.jsonl-<16 hex>.parquet"
 */
export function datasetKey(table: DatasetTable | DatasetTable["name"], parts: DatasetKeyParts): string {
  const name = typeof table === "string" ? table : table.name;
  if (name !== "utterances" && name !== "conversations") throw new Error(`unknown dataset table "${String(name)}"`);
  if (!isPartitionDate(parts.dt)) throw new Error("dt must be a calendar date written YYYY-MM-DD");
  if (!SourceSchema.safeParse(parts.source).success) throw new Error('source must be "call" or "chat"');
  if (parts.inputKey.length === 0) throw new Error("inputKey must not be empty");
  return `datasets/${name}/dt=${parts.dt}/source=${parts.source}/${safeName(parts.inputKey)}.parquet`;
}

/**
 * The partition date of a moment: its UTC calendar date as YYYY-MM-DD.
 *
 * @example
 * partitionDate(new Date("2026-11-23T23:30:00+09:00")) // → "2026-11-23" (14:30 UTC)
 * partitionDate(new Date("2026-11-24T08:59:59+09:00")) // → "2026-11-23"
 */
export function partitionDate(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new Error("partitionDate needs a valid Date");
  const year = date.getUTCFullYear();
  // toISOString writes years outside 0000–9999 as ±YYYYYY, which is not a YYYY-MM-DD partition.
  if (year < 0 || year > 9999) throw new Error("partitionDate needs a year between 0000 and 9999");
  return date.toISOString().slice(0, 10);
}

function isPartitionDate(dt: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dt)) return false;
  const date = new Date(`${dt}T00:00:00Z`);
  // Rejects 2026-02-30 and the like, which Date would roll over into March.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === dt;
}

function safeName(inputKey: string): string {
  let readable = "";
  for (const char of inputKey) {
    if (char === "/") readable += "__";
    else if (/^[A-Za-z0-9._-]$/.test(char)) readable += char;
    // One dash per run of replaced characters: 山田 太郎 gives "-", not nine dashes.
    else if (!readable.endsWith("-")) readable += "-";
  }
  readable = readable.slice(0, MAX_READABLE).replace(/^[._]+/, "");
  const hash = createHash("sha256").update(inputKey, "utf8").digest("hex").slice(0, HASH_CHARS);
  return readable.length > 0 ? `${readable}-${hash}` : hash;
}
