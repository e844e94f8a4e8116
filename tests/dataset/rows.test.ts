import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { writeParquet } from "../../shared/dataset/parquet-writer.js";
import { conversationRow, utteranceRows } from "../../shared/dataset/rows.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";
import { createEngine, type AnonymizedConversation } from "../../shared/engine.js";
import type { Conversation } from "../../shared/schema/conversation.js";

const CALL: Conversation = {
  conversationId: "call-0001",
  source: "call",
  metadata: { format: "transcribe" },
  utterances: [
    { index: 0, speaker: "spk_0", role: "agent", startMs: 0, endMs: 1500, text: "お電話ありがとうございます。" },
    { index: 1, speaker: "spk_1", role: "customer", startMs: 1600, endMs: 4200.4, text: "電話番号は090-1234-5678です" },
    { index: 2, speaker: "spk_0", role: "agent", startMs: 4300, endMs: 3900, text: "承知しました" },
  ],
};
const INPUT_KEY = "incoming/audio/通話 0001.wav";
const PROCESSED_AT = new Date("2026-11-23T00:00:00Z");
const NO_QUASI_IDENTIFIERS = { ageBand: null, prefecture: null, birthYearBand: null };

describe("utteranceRows", () => {
  it("turns a real engine run into masked rows with the placeholder positions as JSON", () => {
    // Prepare
    const engine = createEngine();
    const result = engine.anonymizeConversation(CALL);

    // Act
    const rows = utteranceRows(result, { inputKey: INPUT_KEY, engineVersion: engine.version });

    // Assess
    expect(rows).toEqual([
      {
        conversation_id: "call-0001", utterance_index: 0, speaker: "spk_0", role: "agent", start_ms: 0, end_ms: 1500,
        text: "お電話ありがとうございます。", entity_count: 0, entity_types: "[]", input_key: INPUT_KEY, engine_version: engine.version,
      },
      {
        conversation_id: "call-0001", utterance_index: 1, speaker: "spk_1", role: "customer", start_ms: 1600, end_ms: 4200,
        text: "電話番号は<PHONE_1>です", entity_count: 1, entity_types: '[{"type":"PHONE","start":5,"end":14}]',
        input_key: INPUT_KEY, engine_version: engine.version,
      },
      {
        conversation_id: "call-0001", utterance_index: 2, speaker: "spk_0", role: "agent", start_ms: 4300, end_ms: 3900,
        text: "承知しました", entity_count: 0, entity_types: "[]", input_key: INPUT_KEY, engine_version: engine.version,
      },
    ]);
    const phone = rows[1]!;
    const [span] = JSON.parse(phone.entity_types) as { start: number; end: number }[];
    expect(phone.text.slice(span!.start, span!.end)).toBe("<PHONE_1>");
  });

  it("gives rows whose keys are the utterances columns in order, and that the writer accepts", async () => {
    // Prepare
    const engine = createEngine();
    const rows = utteranceRows(engine.anonymizeConversation(CALL), { inputKey: INPUT_KEY, engineVersion: engine.version });

    // Act
    const bytes = writeParquet(UTTERANCES, rows);

    // Assess
    expect(Object.keys(rows[0]!)).toEqual(UTTERANCES.columns.map((c) => c.name));
    const read = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    expect(read.map((r) => r.text)).toEqual(["お電話ありがとうございます。", "電話番号は<PHONE_1>です", "承知しました"]);
    expect(JSON.stringify(read, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))).not.toContain("090-1234-5678");
  });

  it("uses the pseudonymized speaker of a chat and null for absent role and times", () => {
    // Prepare
    const engine = createEngine();
    const chat: Conversation = {
      conversationId: "chat-1",
      source: "chat",
      metadata: {},
      utterances: [{ index: 0, speaker: "山本 花子", text: "よろしくお願いします" }],
    };

    // Act
    const [row] = utteranceRows(engine.anonymizeConversation(chat), { inputKey: "k", engineVersion: "0.1.0" });

    // Assess
    expect(row).toMatchObject({ speaker: "speaker_1", role: null, start_ms: null, end_ms: null });
  });

  it("refuses an utterance that has no anonymized result instead of writing any other text", () => {
    // Prepare
    const result: AnonymizedConversation = { conversation: CALL, utterances: [], counts: {}, quasiIdentifiers: NO_QUASI_IDENTIFIERS };

    // Act
    const act = () => utteranceRows(result, { inputKey: "k", engineVersion: "0.1.0" });

    // Assess
    expect(act).toThrow("utterance 0 of conversation call-0001 has no anonymized result");
  });
});

describe("conversationRow", () => {
  it("counts utterances, distinct speakers and entities, and takes the largest end time as duration", () => {
    // Prepare
    const engine = createEngine();
    const result = engine.anonymizeConversation(CALL);
    const ctx = { inputKey: INPUT_KEY, format: "transcribe", policyHash: engine.policyHash, engineVersion: engine.version, processedAt: PROCESSED_AT };

    // Act
    const row = conversationRow(result, ctx);

    // Assess
    expect(row).toEqual({
      conversation_id: "call-0001",
      format: "transcribe",
      utterance_count: 3,
      speaker_count: 2,
      // The largest end time (4200.4, rounded), not the last utterance's (3900).
      duration_ms: 4200,
      entity_counts: '{"PHONE":1}',
      input_key: INPUT_KEY,
      policy_hash: engine.policyHash,
      engine_version: engine.version,
      processed_at: PROCESSED_AT,
      customer_age_band: null,
      customer_prefecture: null,
      customer_birth_year_band: null,
    });
    expect(Object.keys(row)).toEqual(CONVERSATIONS.columns.map((c) => c.name));
  });

  it("has a null duration when no utterance has an end time, and sorted entity_counts keys", () => {
    // Prepare
    const result: AnonymizedConversation = {
      conversation: { conversationId: "chat-1", source: "chat", metadata: {}, utterances: [{ index: 0, speaker: "speaker_1", text: "x" }] },
      utterances: [{ index: 0, text: "x", entities: [] }],
      counts: { PHONE: 2, EMAIL: 1 },
      quasiIdentifiers: NO_QUASI_IDENTIFIERS,
    };

    // Act
    const row = conversationRow(result, { inputKey: "k", format: "chat-jsonl", policyHash: "h", engineVersion: "0.1.0", processedAt: PROCESSED_AT });

    // Assess
    expect(row.duration_ms).toBeNull();
    expect(row.entity_counts).toBe('{"EMAIL":1,"PHONE":2}');
  });
});
