import { parquetReadObjects } from "hyparquet";
import { datasetKey } from "../../shared/dataset/keys.js";
import { writeParquet } from "../../shared/dataset/parquet-writer.js";
import type { ConversationRow, UtteranceRow } from "../../shared/dataset/rows.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";
import type { Source } from "../../shared/schema/conversation.js";
import type { ListableStoragePort } from "../../shared/storage-port.js";

/**
 * One bucket in memory: reads, lists and writes see the same objects, like the anonymized bucket a release
 * reads datasets/ from and writes releases/ to. Writes are recorded in order.
 *
 * @example
 * const bucket = new MemoryBucket();
 * await bucket.write("datasets/…parquet", bytes);
 * await bucket.list("datasets/"); // ["datasets/…parquet"]
 */
export class MemoryBucket implements ListableStoragePort {
  readonly objects = new Map<string, Uint8Array>();
  readonly writes: string[] = [];

  async read(key: string): Promise<Uint8Array> {
    const body = this.objects.get(key);
    if (body === undefined) throw Object.assign(new Error(`no such key: ${key}`), { code: "NoSuchKey" });
    return body;
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    this.writes.push(key);
    this.objects.set(key, typeof body === "string" ? new TextEncoder().encode(body) : body);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  /** Keys under a prefix that were written (not put there by the test). */
  written(prefix: string): string[] {
    return this.writes.filter((key) => key.startsWith(prefix));
  }

  text(key: string): string {
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`not written: ${key}`);
    return new TextDecoder().decode(body);
  }

  /** Every object under a prefix as searchable text: Parquet read back as JSON rows, the rest decoded. */
  async everything(prefix: string): Promise<string> {
    const parts: string[] = [];
    for (const key of await this.list(prefix)) {
      const body = this.objects.get(key)!;
      parts.push(key, key.endsWith(".parquet") ? JSON.stringify(await rowsOf(body), bigints) : new TextDecoder().decode(body));
    }
    return parts.join("\n");
  }
}

/** The rows of a Parquet file. */
export async function rowsOf(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

/** The rows of every Parquet file under a prefix, in key order. */
export async function rowsUnder(bucket: MemoryBucket, prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of await bucket.list(prefix)) if (key.endsWith(".parquet")) rows.push(...(await rowsOf(bucket.objects.get(key)!)));
  return rows;
}

const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? Number(value) : value);

/** A piece of utterance text: plain text, or an entity's replacement as the anonymizer left it. */
export type Piece = string | readonly [type: string, replacement: string];

/** An utterance of an anonymized dataset: its text and entity spans built from pieces. */
export interface FixtureUtterance {
  readonly speaker: string;
  readonly role: string | null;
  readonly pieces: readonly Piece[];
}

export interface FixtureConversation {
  readonly id: string;
  /** customer_age_band, customer_prefecture, customer_birth_year_band. */
  readonly quasi: readonly [string | null, string | null, string | null];
  readonly utterances: readonly FixtureUtterance[];
}

/** A valid policy hash (the pipeline writes sha256:<64 hex>). */
export const POLICY_HASH = `sha256:${"ab".repeat(32)}`;

/**
 * Writes one input's utterances and conversations files into `bucket`, as the pipeline would have.
 *
 * @example
 * await writeSourceFile(bucket, { dt: "2026-11-20", source: "call", inputKey: "calls/a.json", processedAt, conversations: [...] });
 */
export async function writeSourceFile(
  bucket: MemoryBucket,
  file: { dt: string; source: Source; inputKey: string; processedAt: Date; conversations: readonly FixtureConversation[] },
): Promise<void> {
  const utterances: UtteranceRow[] = [];
  const conversations: ConversationRow[] = [];
  for (const c of file.conversations) {
    c.utterances.forEach((u, index) => {
      let text = "";
      const spans: { type: string; start: number; end: number }[] = [];
      for (const piece of u.pieces) {
        if (typeof piece === "string") text += piece;
        else {
          spans.push({ type: piece[0], start: text.length, end: text.length + piece[1].length });
          text += piece[1];
        }
      }
      utterances.push({
        conversation_id: c.id,
        utterance_index: index,
        speaker: u.speaker,
        role: u.role,
        start_ms: file.source === "call" ? index * 1000 : null,
        end_ms: file.source === "call" ? index * 1000 + 900 : null,
        text,
        entity_count: spans.length,
        entity_types: JSON.stringify(spans),
        input_key: file.inputKey,
        engine_version: "0.1.0",
      });
    });
    conversations.push({
      conversation_id: c.id,
      format: file.source === "call" ? "transcribe" : "chat-jsonl",
      utterance_count: c.utterances.length,
      speaker_count: new Set(c.utterances.map((u) => u.speaker)).size,
      duration_ms: file.source === "call" ? c.utterances.length * 1000 : null,
      entity_counts: "{}",
      input_key: file.inputKey,
      policy_hash: POLICY_HASH,
      engine_version: "0.1.0",
      processed_at: file.processedAt,
      customer_age_band: c.quasi[0],
      customer_prefecture: c.quasi[1],
      customer_birth_year_band: c.quasi[2],
    });
  }
  const parts = { dt: file.dt, source: file.source, inputKey: file.inputKey };
  await bucket.write(datasetKey(UTTERANCES, parts), writeParquet(UTTERANCES, utterances));
  await bucket.write(datasetKey(CONVERSATIONS, parts), writeParquet(CONVERSATIONS, conversations));
  bucket.writes.length = 0;
}

/**
 * A sales call in the shape the anonymizer leaves it: numbered placeholders (mask mode), an HMAC token
 * (pseudonymize mode), a card masked with its last four digits, and a placeholder the input already had
 * (not an entity span).
 *
 * @example
 * salesCall("call-a-01", ["40代", "東京都", "1980年代"], "3fa9c1d2e0")
 */
export function salesCall(id: string, quasi: FixtureConversation["quasi"], phoneToken: string): FixtureConversation {
  return {
    id,
    quasi,
    utterances: [
      { speaker: "spk_0", role: "agent", pieces: ["お電話ありがとうございます。", ["ORGANIZATION", "<ORGANIZATION_1>"], "の", ["PERSON", "<PERSON_1>"], "です。"] },
      { speaker: "spk_1", role: "customer", pieces: [["PERSON", "<PERSON_2>"], "です。電話は", ["PHONE", `<PHONE:${phoneToken}>`], "です。前回は<PERSON_9>さんでした。"] },
      { speaker: "spk_1", role: "customer", pieces: ["カードは", ["CREDIT_CARD", "＊＊＊＊＊＊＊＊＊＊＊＊1234"], "で、", ["AGE", "40代"], "です。"] },
    ],
  };
}

/** Every token-like placeholder in a text. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/<[A-Z][A-Z_]*(?:_\d+|:[0-9a-f]+)>/g)].map((m) => m[0]);
}
