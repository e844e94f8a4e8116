import type { AnonymizedConversation, Engine } from "./engine.js";
import { TokumeiError } from "./errors.js";
import { detectFormat, parseConversations, type ParseOptions } from "./formats/index.js";
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
import { decodeInput, type InputEncoding } from "./text/decode.js";

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
  /** More outputs made from the anonymized input (`--keep-format`); written with the datasets, listed in the audit. */
  readonly extraOutputs?: ExtraOutputs;
}

/** What an extra output is made from: the decoded input and its conversations as the engine anonymized them. */
export interface ExtraOutputInput {
  readonly inputKey: string;
  readonly text: string;
  readonly encoding: InputEncoding;
  readonly format: string;
  readonly anonymized: readonly AnonymizedConversation[];
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
  try {
    const decoded = decodeInput(await storage.read(inputKey), inputKey);
    const text = decoded.text;
    encoding = decoded.encoding;
    format = options.parse?.format ?? detectFormat(inputKey, text);
    const parsed = parseConversations(inputKey, text, options.parse ?? {});
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
    if (options.extraOutputs) datasets.push(...options.extraOutputs({ inputKey, text, encoding, format, anonymized }));
  } catch (error) {
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
