import { z } from "zod";
import type { DatasetTable } from "../dataset/schema.js";
import { QuasiIdentifierSchema, ReleaseIdSchema } from "./config.js";

/**
 * What a 匿名加工 release holds: two Parquet tables without any linking column (no input key, no source
 * conversation id, no processing time), and a manifest of what was done, with no value, key or mapping in it.
 * The tables reuse the dataset writer, so types and validation are those of the pipeline's datasets.
 */

/** One row per conversation kept: random id, counts and the generalised quasi-identifiers. */
export const RELEASE_CONVERSATIONS: DatasetTable = {
  name: "conversations",
  partitionKeys: [],
  columns: [
    { name: "conversation_id", type: "string", nullable: false, comment: "random id of this release; links nothing outside it" },
    { name: "source", type: "string", nullable: true, comment: "call or chat (null when generalised away)" },
    { name: "format", type: "string", nullable: true, comment: "input format (null when generalised away)" },
    { name: "utterance_count", type: "int", nullable: false, comment: "utterances" },
    { name: "speaker_count", type: "int", nullable: false, comment: "distinct speakers" },
    { name: "duration_ms", type: "bigint", nullable: true, comment: "last end time, calls only" },
    { name: "entity_counts", type: "string", nullable: false, comment: "JSON object: entities masked per type" },
    { name: "customer_age_band", type: "string", nullable: true, comment: "customer's age band, generalised for k-anonymity" },
    { name: "customer_prefecture", type: "string", nullable: true, comment: "customer's prefecture or region, generalised for k-anonymity" },
    { name: "customer_birth_year_band", type: "string", nullable: true, comment: "customer's birth-year band, generalised for k-anonymity" },
  ],
};

/** One row per utterance of a kept conversation, every placeholder re-tokenized. */
export const RELEASE_UTTERANCES: DatasetTable = {
  name: "utterances",
  partitionKeys: [],
  columns: [
    { name: "conversation_id", type: "string", nullable: false, comment: "random id of this release" },
    { name: "utterance_index", type: "int", nullable: false, comment: "0-based position in the conversation" },
    { name: "speaker", type: "string", nullable: false, comment: "speaker_N, numbered per conversation" },
    { name: "role", type: "string", nullable: true, comment: "agent, customer, user, assistant …" },
    { name: "start_ms", type: "bigint", nullable: true, comment: "start time in the recording" },
    { name: "end_ms", type: "bigint", nullable: true, comment: "end time in the recording" },
    { name: "text", type: "string", nullable: false, comment: "anonymized text, tokens re-keyed for this release" },
    { name: "entity_count", type: "int", nullable: false, comment: "PII entities masked in this utterance" },
    { name: "entity_types", type: "string", nullable: false, comment: "JSON array of {type,start,end} in the text" },
  ],
};

export type ReleaseConversationRow = {
  conversation_id: string;
  source: string | null;
  format: string | null;
  utterance_count: number;
  speaker_count: number;
  duration_ms: number | null;
  entity_counts: string;
  customer_age_band: string | null;
  customer_prefecture: string | null;
  customer_birth_year_band: string | null;
};

export type ReleaseUtteranceRow = {
  conversation_id: string;
  utterance_index: number;
  speaker: string;
  role: string | null;
  start_ms: number | null;
  end_ms: number | null;
  text: string;
  entity_count: number;
  entity_types: string;
};

/** Columns of the source datasets that never enter a release: they link back to inputs, runs or the source ids. */
export const COLUMNS_REMOVED = ["conversation_id (replaced)", "input_key", "policy_hash", "engine_version", "processed_at", "dt"] as const;

/** What the manifest says about the key: it exists nowhere after the run. */
export const KEY_HANDLING =
  "Tokens and conversation ids come from a random key and random ids made for this release, held in memory only and destroyed after the run; no key, mapping or source id is kept anywhere.";

const Count = z.number().int().nonnegative();

/**
 * The release manifest (releases/<id>/manifest.json), written last: a release without one is incomplete.
 * Counts, settings, hashes and names only; never a value from the data, a key or a mapping.
 *
 * @example
 * ReleaseManifestSchema.parse(JSON.parse(manifestJson)).kAnonymity.kAchieved // 7
 */
export const ReleaseManifestSchema = z
  .object({
    manifestVersion: z.literal(1),
    releaseId: ReleaseIdSchema,
    createdAt: z.iso.datetime(),
    /** The APPI category of the release. */
    category: z.literal("匿名加工情報"),
    engineVersion: z.string(),
    settings: z
      .object({
        k: z.number().int().min(2),
        quasiIdentifiers: z.array(QuasiIdentifierSchema),
        maxSuppression: z.number().min(0).max(1),
        from: z.string().optional(),
        to: z.string().optional(),
        sources: z.array(z.enum(["call", "chat"])),
        tokenScope: z.enum(["conversation", "release"]),
      })
      .strict(),
    /** Hash of the settings above: equal hashes, equal processing. */
    releasePolicyHash: z.string(),
    source: z
      .object({
        files: Count,
        /** Anonymization policies of the source rows (sorted, distinct). */
        policyHashes: z.array(z.string()),
        engineVersions: z.array(z.string()),
      })
      .strict(),
    kAnonymity: z
      .object({
        kRequested: z.number().int().min(2),
        kAchieved: z.number().int().min(2),
        quasiIdentifiers: z.array(QuasiIdentifierSchema),
        equivalenceClasses: Count,
        /** Conversations that were in classes smaller than k before any generalisation. */
        conversationsBelowKAtStart: Count,
        /** The level each quasi-identifier ended at. */
        levels: z.partialRecord(QuasiIdentifierSchema, z.string()),
      })
      .strict()
      .refine((k) => k.kAchieved >= k.kRequested, { message: "k achieved is below k requested" }),
    /** Whole-column generalisations, level by level, columns in the order of the settings. */
    generalisation: z.array(z.object({ column: QuasiIdentifierSchema, from: z.string(), to: z.string() }).strict()),
    rows: z.object({ conversationsIn: Count, conversationsOut: Count, utterancesIn: Count, utterancesOut: Count }).strict(),
    suppressed: z.object({ conversations: Count, utterances: Count }).strict(),
    dropped: z.object({ duplicateConversations: Count, conversationsWithoutUtterances: Count, orphanUtterances: Count }).strict(),
    tokens: z.object({ scope: z.enum(["conversation", "release"]), replaced: Count }).strict(),
    columnsRemoved: z.array(z.string()),
    outputs: z.array(z.object({ key: z.string(), rows: Count }).strict()),
    keyHandling: z.literal(KEY_HANDLING),
  })
  .strict();
export type ReleaseManifest = z.infer<typeof ReleaseManifestSchema>;
