import type { AnonymizedConversation, Engine } from "./engine.js";
import { InputFormatError, StorageReadError, TokumeiError } from "./errors.js";
import { binaryFormat, detectFormat, isZip, parseBinaryConversations, parseConversations, type ParseOptions } from "./formats/index.js";
import type { Conversation } from "./schema/conversation.js";
import type { EntityType } from "./detect/entity-types.js";
import type { ExternalEntitySource } from "./detect/external-source.js";
import {
  AnonymizedUtteranceRowSchema,
  type AnonymizedUtteranceRow,
  type AuditRecord,
  type QuarantineRecord,
} from "./schema/audit.js";
import type { StoragePort } from "./storage-port.js";
import { datasetKey, partitionDate } from "./dataset/keys.js";
import { writeParquet } from "./dataset/parquet-writer.js";
import { conversationRow, utteranceRows, type ConversationRow, type UtteranceRow } from "./dataset/rows.js";
import { CONVERSATIONS, UTTERANCES } from "./dataset/schema.js";
import { decodeInput, type DecodedInput, type InputEncoding } from "./text/decode.js";
import { decodeStream, formatSize } from "./text/stream-decode.js";

export interface ProcessOptions {
  readonly parse?: ParseOptions;
  /** An extra entity signal (Amazon Comprehend DetectEntities); when it fails, the input is quarantined. */
  readonly externalSource?: ExternalEntitySource;
  /** Clock for audit timestamps (tests pin it). */
  readonly now?: () => Date;
  /**
   * The time the dataset partition (dt) is taken from. Give something fixed for the input (the S3 event
   * time) so that a redelivery after midnight overwrites the same files instead of adding a second copy.
   */
  readonly partitionTime?: Date;
  /** Also write the masked utterances as JSONL under anonymized/ (readable without a Parquet reader). Default true. */
  readonly jsonl?: boolean;
  /** Inputs larger than this are quarantined with a clear reason instead of exhausting memory. */
  readonly maxInputBytes?: number;
  /** More outputs made from the anonymized input (`--keep-format`); written with the datasets, listed in the audit. */
  readonly extraOutputs?: ExtraOutputs;
}

/** 256 MiB: several times the largest chat exports seen, well inside the anonymizer's memory. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 2 ** 20;

/** What an extra output is made from: the decoded input and its conversations as the engine anonymized them. */
export interface ExtraOutputInput {
  readonly inputKey: string;
  readonly text: string;
  readonly encoding: InputEncoding;
  readonly format: string;
  readonly anonymized: readonly AnonymizedConversation[];
  /** The input's bytes when it was read as an archive (a Slack export .zip), not as text. */
  readonly bytes?: Uint8Array;
}

/** Computes outputs before anything is written; throwing quarantines the input like any other failure. */
export type ExtraOutputs = (input: ExtraOutputInput) => ReadonlyArray<{ readonly key: string; readonly body: Uint8Array }>;

export type ProcessResult =
  | { readonly status: "anonymized"; readonly audit: AuditRecord; readonly rows: number }
  | { readonly status: "quarantined"; readonly record: QuarantineRecord };

/** Output keys of one input; deterministic so a rerun overwrites instead of duplicating. */
export function outputKeys(inputKey: string) {
  return {
    utterances: `anonymized/${inputKey}.jsonl`,
    audit: `audit/${inputKey}.audit.json`,
    quarantine: `quarantine/${inputKey}.json`,
  };
}

/**
 * The one use case: read an object → decode → detect its format → parse → detect and anonymize →
 * write the Parquet datasets (utterances and conversations, Hive-partitioned by dt and source), then the
 * audit record. Everything is computed before the first write, so a
 * failure writes nothing but a quarantine record (fail closed); bad input is reported, never thrown past.
 *
 * @example
 * await processObject("chat/log.jsonl", storage, createEngine())
 * // → { status: "anonymized", audit: { entities: { PHONE: 2 }, … }, rows: 14 }
 */
export async function processObject(
  inputKey: string,
  storage: StoragePort,
  engine: Engine,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const now = options.now ?? (() => new Date());
  const jsonl = options.jsonl ?? true;
  const keys = outputKeys(inputKey);
  let rows: AnonymizedUtteranceRow[];
  let format: string;
  let encoding: InputEncoding;
  let conversations: number;
  const entities: Partial<Record<EntityType, number>> = {};
  const datasets: Array<{ key: string; body: Uint8Array }> = [];
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  // A port that streams is opened here, outside the quarantine block: a missing object or a denied read is
  // the storage's problem (retried), not the input's.
  const stream = storage.readStream ? await storage.readStream(inputKey) : undefined;
  try {
    const input = await readInput(storage, stream, inputKey, maxInputBytes);
    let text = "";
    let parsed: Conversation[];
    const archive = "bytes" in input ? binaryFormat(inputKey, input.bytes, options.parse ?? {}) : undefined;
    if ("bytes" in input && archive) {
      // An archive (a Slack export): its files are JSON, UTF-8 by the format's definition.
      encoding = "utf-8";
      format = archive.format;
      parsed = parseBinaryConversations(inputKey, input.bytes, archive, options.parse ?? {});
    } else {
      const decoded: DecodedInput = "decoded" in input ? input.decoded : decodeInput(input.bytes, inputKey);
      text = decoded.text;
      encoding = decoded.encoding;
      format = options.parse?.format ?? detectFormat(inputKey, text);
      parsed = parseConversations(inputKey, text, options.parse ?? {});
    }
    conversations = parsed.length;
    rows = [];
    const anonymized: AnonymizedConversation[] = [];
    const processedAt = now();
    const dt = partitionDate(options.partitionTime ?? processedAt);
    const tableRows = { call: { utterances: [] as UtteranceRow[], conversations: [] as ConversationRow[] }, chat: { utterances: [] as UtteranceRow[], conversations: [] as ConversationRow[] } };
    for (const conversation of parsed) {
      const external = options.externalSource ? await options.externalSource.detect(conversation.utterances.map((u) => u.text)) : [];
      const result = engine.anonymizeConversation(conversation, external, options.externalSource?.id);
      anonymized.push(result);
      for (const [type, n] of Object.entries(result.counts)) entities[type as EntityType] = (entities[type as EntityType] ?? 0) + n;
      const context = { inputKey, engineVersion: engine.version };
      tableRows[conversation.source].utterances.push(...utteranceRows(result, context));
      tableRows[conversation.source].conversations.push(
        conversationRow(result, { ...context, format, policyHash: engine.policyHash, processedAt }),
      );
      const byIndex = new Map(result.utterances.map((u) => [u.index, u]));
      for (const u of result.conversation.utterances) {
        const applied = byIndex.get(u.index)?.entities ?? [];
        rows.push(
          AnonymizedUtteranceRowSchema.parse({
            conversationId: conversation.conversationId,
            source: conversation.source,
            index: u.index,
            speaker: u.speaker,
            ...(u.role !== undefined ? { role: u.role } : {}),
            ...(u.startMs !== undefined ? { startMs: u.startMs } : {}),
            ...(u.endMs !== undefined ? { endMs: u.endMs } : {}),
            ...(u.timestamp !== undefined ? { timestamp: u.timestamp } : {}),
            text: u.text,
            entities: applied.map((a) => ({ type: a.entity, start: a.outStart, end: a.outEnd, operator: a.operator })),
          }),
        );
      }
    }
    for (const source of ["call", "chat"] as const) {
      const { utterances, conversations: conversationRows } = tableRows[source];
      if (conversationRows.length === 0) continue;
      datasets.push({ key: datasetKey(UTTERANCES, { dt, source, inputKey }), body: writeParquet(UTTERANCES, utterances) });
      datasets.push({ key: datasetKey(CONVERSATIONS, { dt, source, inputKey }), body: writeParquet(CONVERSATIONS, conversationRows) });
    }
    if (options.extraOutputs) {
      datasets.push(...options.extraOutputs({ inputKey, text, encoding, format, anonymized, ...("bytes" in input && archive ? { bytes: input.bytes } : {}) }));
    }
  } catch (error) {
    if (error instanceof StorageReadError) throw error;
    const record: QuarantineRecord = {
      inputKey,
      status: "quarantined",
      errorType: error instanceof TokumeiError ? error.name : "InternalError",
      // Only our own errors have messages known to be free of input text.
      reason: error instanceof TokumeiError ? error.message : "unexpected failure while processing the input",
      engineVersion: engine.version,
      processedAt: now().toISOString(),
    };
    await storage.write(keys.quarantine, `${JSON.stringify(record, null, 2)}\n`);
    return { status: "quarantined", record };
  }
  const audit: AuditRecord = {
    inputKey,
    status: "anonymized",
    format,
    encoding,
    conversations,
    utterances: rows.length,
    entities,
    engineVersion: engine.version,
    policyHash: engine.policyHash,
    mode: engine.policy.mode,
    outputs: [...datasets.map((d) => d.key), ...(jsonl ? [keys.utterances] : [])],
    processedAt: now().toISOString(),
  };
  // Data first, audit last: an audit record means its data is complete.
  for (const dataset of datasets) await storage.write(dataset.key, dataset.body);
  if (jsonl) await storage.write(keys.utterances, rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length > 0 ? "\n" : ""));
  await storage.write(keys.audit, `${JSON.stringify(audit, null, 2)}\n`);
  return { status: "anonymized", audit, rows: rows.length };
}

async function readWithLimit(storage: StoragePort, key: string, maxBytes: number): Promise<Uint8Array> {
  const bytes = await storage.read(key);
  if (bytes.length > maxBytes) {
    throw new InputFormatError(`input is larger than the ${formatSize(maxBytes)} limit (maxInputBytes); split it or raise the limit`, { file: key });
  }
  return bytes;
}

/**
 * The input as text decoded while it streams in, or as bytes when it is a ZIP archive (read whole: an
 * archive's directory is at its end). The size limit holds for both.
 */
async function readInput(
  storage: StoragePort,
  stream: AsyncIterable<Uint8Array> | undefined,
  key: string,
  maxBytes: number,
): Promise<{ readonly bytes: Uint8Array } | { readonly decoded: DecodedInput }> {
  if (stream === undefined) {
    const bytes = await readWithLimit(storage, key, maxBytes);
    return isZip(bytes) ? { bytes } : { decoded: decodeInput(bytes, key) };
  }
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return { decoded: decodeInput(new Uint8Array(0), key) };
  const head = first.value;
  const rest = (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  if (!isZip(head)) return { decoded: await decodeStream(rest, key, { maxBytes }) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of rest) {
    total += chunk.length;
    if (total > maxBytes) throw new InputFormatError(`input is larger than the ${formatSize(maxBytes)} limit (maxInputBytes); split it or raise the limit`, { file: key });
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks) };
}
