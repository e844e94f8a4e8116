/**
 * The anonymized datasets, defined once: the Parquet writer and the Glue table definitions both read these
 * columns, so the files and the catalog cannot drift apart. Partition columns (dt, source) are not stored in
 * the files; they come from the Hive-style key (datasets/<table>/dt=YYYY-MM-DD/source=call|chat/…).
 */

/** Column types in Glue/Athena terms; the writer maps them to Parquet types. */
export type ColumnType = "string" | "int" | "bigint" | "double" | "boolean" | "timestamp";

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly comment: string;
}

export interface DatasetTable {
  readonly name: "utterances" | "conversations";
  readonly columns: readonly Column[];
  readonly partitionKeys: readonly Column[];
}

export const PARTITION_KEYS: readonly Column[] = [
  { name: "dt", type: "string", nullable: false, comment: "processing date, YYYY-MM-DD" },
  { name: "source", type: "string", nullable: false, comment: "call or chat" },
];

/** One row per utterance: masked text and where each placeholder is. */
export const UTTERANCES: DatasetTable = {
  name: "utterances",
  partitionKeys: PARTITION_KEYS,
  columns: [
    { name: "conversation_id", type: "string", nullable: false, comment: "conversation id (pseudonymous)" },
    { name: "utterance_index", type: "int", nullable: false, comment: "0-based position in the conversation" },
    { name: "speaker", type: "string", nullable: false, comment: "spk_N / ch_N or speaker_N (never a name)" },
    { name: "role", type: "string", nullable: true, comment: "agent, customer, user, assistant …" },
    { name: "start_ms", type: "bigint", nullable: true, comment: "start time in the recording" },
    { name: "end_ms", type: "bigint", nullable: true, comment: "end time in the recording" },
    { name: "text", type: "string", nullable: false, comment: "anonymized text" },
    { name: "entity_count", type: "int", nullable: false, comment: "PII entities masked in this utterance" },
    { name: "entity_types", type: "string", nullable: false, comment: "JSON array of {type,start,end} in the anonymized text" },
    { name: "input_key", type: "string", nullable: false, comment: "object key of the input file" },
    { name: "engine_version", type: "string", nullable: false, comment: "tokumei engine version" },
  ],
};

/** One row per conversation: counts only. */
export const CONVERSATIONS: DatasetTable = {
  name: "conversations",
  partitionKeys: PARTITION_KEYS,
  columns: [
    { name: "conversation_id", type: "string", nullable: false, comment: "conversation id (pseudonymous)" },
    { name: "format", type: "string", nullable: false, comment: "input format" },
    { name: "utterance_count", type: "int", nullable: false, comment: "utterances" },
    { name: "speaker_count", type: "int", nullable: false, comment: "distinct speakers" },
    { name: "duration_ms", type: "bigint", nullable: true, comment: "last end time, calls only" },
    { name: "entity_counts", type: "string", nullable: false, comment: "JSON object: entities masked per type" },
    { name: "input_key", type: "string", nullable: false, comment: "object key of the input file" },
    { name: "policy_hash", type: "string", nullable: false, comment: "hash of the anonymization policy" },
    { name: "engine_version", type: "string", nullable: false, comment: "tokumei engine version" },
    { name: "processed_at", type: "timestamp", nullable: false, comment: "when the file was anonymized" },
    // Quasi-identifiers for the k-anonymity check of a 匿名加工 release: generalised when detected, never raw.
    { name: "customer_age_band", type: "string", nullable: true, comment: "customer's age band (年代, 90歳以上 top-coded)" },
    { name: "customer_prefecture", type: "string", nullable: true, comment: "prefecture of the customer's address" },
    { name: "customer_birth_year_band", type: "string", nullable: true, comment: "customer's birth-year band (e.g. 1980年代)" },
  ],
};

export const DATASET_TABLES: readonly DatasetTable[] = [UTTERANCES, CONVERSATIONS];
