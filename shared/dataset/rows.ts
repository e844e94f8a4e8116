import type { AnonymizedConversation } from "../engine.js";
import { DetectionError } from "../errors.js";

/**
 * Dataset rows from the engine's output: pure functions, no I/O. Column names and order follow
 * UTTERANCES and CONVERSATIONS in ./schema.ts (a test holds them equal); the writer validates the types.
 */

/** One row of the `utterances` table (a type alias, not an interface, so it is a Record<string, unknown>). */
export type UtteranceRow = {
  conversation_id: string;
  utterance_index: number;
  speaker: string;
  role: string | null;
  start_ms: number | null;
  end_ms: number | null;
  text: string;
  entity_count: number;
  entity_types: string;
  input_key: string;
  engine_version: string;
};

/** One row of the `conversations` table. */
export type ConversationRow = {
  conversation_id: string;
  format: string;
  utterance_count: number;
  speaker_count: number;
  duration_ms: number | null;
  entity_counts: string;
  input_key: string;
  policy_hash: string;
  engine_version: string;
  processed_at: Date;
  customer_age_band: string | null;
  customer_prefecture: string | null;
  customer_birth_year_band: string | null;
};

export interface UtteranceRowContext {
  readonly inputKey: string;
  readonly engineVersion: string;
}

export interface ConversationRowContext {
  readonly inputKey: string;
  /** Input format name (as detectFormat reports it). */
  readonly format: string;
  readonly policyHash: string;
  readonly engineVersion: string;
  readonly processedAt: Date;
}

/**
 * One row per utterance of an anonymized conversation: the masked text, its (pseudonymized) speaker, and
 * where each placeholder sits in the masked text. Throws DetectionError when an utterance has no anonymized
 * counterpart (fail closed: never fall back to any other text).
 *
 * @example
 * utteranceRows(engine.anonymizeConversation(conversation), { inputKey: "incoming/chat/a.jsonl", engineVersion: "0.1.0" })
 * // → [{ conversation_id: "a", utterance_index: 0, speaker: "speaker_1", role: "customer", start_ms: null, end_ms: null,
 * //      text: "電話は<PHONE_1>です", entity_count: 1, entity_types: '[{"type":"PHONE","start":3,"end":12}]',
 * //      input_key: "incoming/chat/a.jsonl", engine_version: "0.1.0" }]
 */
export function utteranceRows(result: AnonymizedConversation, ctx: UtteranceRowContext): UtteranceRow[] {
  const { conversation } = result;
  const anonymized = new Map(result.utterances.map((u) => [u.index, u]));
  return conversation.utterances.map((u): UtteranceRow => {
    const masked = anonymized.get(u.index);
    if (!masked) {
      throw new DetectionError(`utterance ${u.index} of conversation ${conversation.conversationId} has no anonymized result`);
    }
    // Sorted by position so the JSON is the same however the anonymizer ordered its replacements.
    const entities = [...masked.entities]
      .sort((a, b) => a.outStart - b.outStart || a.outEnd - b.outEnd)
      .map((e) => ({ type: e.entity, start: e.outStart, end: e.outEnd }));
    return {
      conversation_id: conversation.conversationId,
      utterance_index: u.index,
      speaker: u.speaker,
      role: u.role ?? null,
      start_ms: millis(u.startMs),
      end_ms: millis(u.endMs),
      text: masked.text,
      entity_count: entities.length,
      entity_types: JSON.stringify(entities),
      input_key: ctx.inputKey,
      engine_version: ctx.engineVersion,
    };
  });
}

/**
 * The one row of the `conversations` table for an anonymized conversation: counts only, no text, and the
 * customer's generalised quasi-identifiers (age band, prefecture, birth-year band; null when not detected).
 * `duration_ms` is the largest utterance end time, or null when no utterance has one (chats);
 * `entity_counts` is a JSON object with its keys sorted, so equal counts give equal strings.
 *
 * @example
 * conversationRow(result, { inputKey: "incoming/chat/a.jsonl", format: "chat-jsonl", policyHash: "3f2a…",
 *   engineVersion: "0.1.0", processedAt: new Date("2026-11-23T00:00:00Z") })
 * // → { conversation_id: "a", format: "chat-jsonl", utterance_count: 2, speaker_count: 2, duration_ms: null,
 * //      entity_counts: '{"PHONE":1}', input_key: "incoming/chat/a.jsonl", policy_hash: "3f2a…",
 * //      engine_version: "0.1.0", processed_at: new Date("2026-11-23T00:00:00Z"),
 * //      customer_age_band: "40代", customer_prefecture: "東京都", customer_birth_year_band: null }
 */
export function conversationRow(result: AnonymizedConversation, ctx: ConversationRowContext): ConversationRow {
  const { conversation } = result;
  // A loop, not Math.max(...ends): a long chat export would overflow the argument list.
  let lastEnd: number | undefined;
  for (const u of conversation.utterances) {
    if (u.endMs !== undefined && (lastEnd === undefined || u.endMs > lastEnd)) lastEnd = u.endMs;
  }
  const counts = Object.fromEntries(
    Object.entries(result.counts)
      .filter((entry): entry is [string, number] => entry[1] !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    conversation_id: conversation.conversationId,
    format: ctx.format,
    utterance_count: conversation.utterances.length,
    speaker_count: new Set(conversation.utterances.map((u) => u.speaker)).size,
    duration_ms: millis(lastEnd),
    entity_counts: JSON.stringify(counts),
    input_key: ctx.inputKey,
    policy_hash: ctx.policyHash,
    engine_version: ctx.engineVersion,
    processed_at: ctx.processedAt,
    customer_age_band: result.quasiIdentifiers.ageBand,
    customer_prefecture: result.quasiIdentifiers.prefecture,
    customer_birth_year_band: result.quasiIdentifiers.birthYearBand,
  };
}

/** Times are whole milliseconds in the dataset (bigint columns); parsers may leave fractions from seconds. */
function millis(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value);
}
