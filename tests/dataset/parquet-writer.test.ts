import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { DatasetRowError, writeParquet } from "../../shared/dataset/parquet-writer.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";

/** The file as the ArrayBuffer hyparquet reads (exactly the written bytes). */
function fileOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function utterance(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversation_id: "conv-1",
    utterance_index: 0,
    speaker: "spk_0",
    role: "agent",
    start_ms: 0,
    end_ms: 1500,
    text: "お電話ありがとうございます。",
    entity_count: 0,
    entity_types: "[]",
    input_key: "incoming/chat/a.jsonl",
    engine_version: "0.1.0",
    ...overrides,
  };
}

const THREE_ROWS = [
  utterance(),
  utterance({
    utterance_index: 1,
    speaker: "spk_1",
    role: "customer",
    start_ms: 1600,
    end_ms: 4200,
    text: "電話番号は<PHONE_1>です",
    entity_count: 1,
    entity_types: '[{"type":"PHONE","start":5,"end":14}]',
  }),
  utterance({ utterance_index: 2, speaker: "speaker_1", role: null, start_ms: null, end_ms: undefined, text: "了解です🙇" }),
];

describe("writeParquet", () => {
  it("writes utterance rows that read back with the same values, nulls and Japanese text included", async () => {
    // Prepare
    const rows = THREE_ROWS;

    // Act
    const read = await parquetReadObjects({ file: fileOf(writeParquet(UTTERANCES, rows)) });

    // Assess
    expect(read).toEqual([
      { ...THREE_ROWS[0], start_ms: 0n, end_ms: 1500n },
      { ...THREE_ROWS[1], start_ms: 1600n, end_ms: 4200n },
      { ...THREE_ROWS[2], start_ms: null, end_ms: null },
    ]);
  });

  it("has exactly the table's columns, in order, typed and nullable as the schema says, snappy-compressed", () => {
    // Prepare
    const rows = THREE_ROWS;

    // Act
    const metadata = parquetMetadata(fileOf(writeParquet(UTTERANCES, rows)));

    // Assess
    const [root, ...leaves] = metadata.schema;
    expect(root?.num_children).toBe(UTTERANCES.columns.length);
    expect(leaves.map((e) => e.name)).toEqual(UTTERANCES.columns.map((c) => c.name));
    expect(leaves.map((e) => [e.type, e.converted_type ?? null, e.repetition_type])).toEqual([
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
      ["INT32", null, "REQUIRED"],
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
      ["BYTE_ARRAY", "UTF8", "OPTIONAL"],
      ["INT64", null, "OPTIONAL"],
      ["INT64", null, "OPTIONAL"],
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
      ["INT32", null, "REQUIRED"],
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
      ["BYTE_ARRAY", "UTF8", "REQUIRED"],
    ]);
    expect(metadata.num_rows).toBe(3n);
    expect(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec))).toEqual(Array(11).fill("SNAPPY"));
  });

  it("writes processed_at as a UTC millisecond timestamp that reads back as the same Date", async () => {
    // Prepare
    const row = {
      conversation_id: "conv-1",
      format: "transcribe",
      utterance_count: 2,
      speaker_count: 2,
      duration_ms: null,
      entity_counts: '{"PHONE":1}',
      input_key: "incoming/audio/a.wav",
      policy_hash: "sha256:abc",
      engine_version: "0.1.0",
      processed_at: new Date("2026-11-23T01:02:03.456Z"),
      customer_age_band: "40代",
      customer_prefecture: null,
      customer_birth_year_band: null,
    };

    // Act
    const bytes = writeParquet(CONVERSATIONS, [row]);

    // Assess
    const column = parquetMetadata(fileOf(bytes)).schema.find((e) => e.name === "processed_at");
    expect(column).toMatchObject({
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      repetition_type: "REQUIRED",
    });
    expect(await parquetReadObjects({ file: fileOf(bytes) })).toEqual([{ ...row, processed_at: new Date("2026-11-23T01:02:03.456Z") }]);
  });

  it("writes a readable file with the schema and no rows when there are zero rows", async () => {
    // Prepare
    const rows: Record<string, unknown>[] = [];

    // Act
    const file = fileOf(writeParquet(UTTERANCES, rows));

    // Assess
    const metadata = parquetMetadata(file);
    expect(metadata.num_rows).toBe(0n);
    expect(metadata.schema.slice(1).map((e) => e.name)).toEqual(UTTERANCES.columns.map((c) => c.name));
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it("names table, row and column but not the value when a value has the wrong type", () => {
    // Prepare
    const secret = "090-1234-5678";
    const rows = [utterance(), utterance({ utterance_index: 1 }), utterance({ utterance_index: 2, entity_count: secret })];

    // Act
    const act = () => writeParquet(UTTERANCES, rows);

    // Assess
    expect(act).toThrow(DatasetRowError);
    expect(act).toThrow('utterances row 2, column "entity_count": expected int (a 32-bit integer), got string');
    expect(errorMessage(act)).not.toContain(secret);
  });

  it("names table, row and column when a required value is missing", () => {
    // Prepare
    const rows = [utterance(), utterance({ utterance_index: 1, text: undefined })];

    // Act
    const act = () => writeParquet(UTTERANCES, rows);

    // Assess
    expect(act).toThrow('utterances row 1, column "text": missing value for a required string column');
  });

  it.each([
    ["a fractional int", { utterance_index: 1.5 }, 'column "utterance_index": expected int (a 32-bit integer), got fractional number'],
    ["an int beyond 32 bits", { entity_count: 2 ** 31 }, 'column "entity_count": int out of 32-bit range'],
    ["a string in a bigint column", { start_ms: "1500" }, 'column "start_ms": expected bigint (an integer), got string'],
    ["a lone surrogate", { text: "電話\uD800" }, 'column "text": string is not well-formed UTF-16 (lone surrogate)'],
    ["an unknown column", { txt: "電話番号は090-1234-5678" }, 'column "txt": not a column of this table'],
    ["a partition key", { dt: "2026-11-23" }, 'column "dt": partition keys belong in the object key, not in the row'],
  ])("rejects %s with a message that does not quote it", (_name, overrides, message) => {
    // Prepare
    const rows = [utterance(overrides)];

    // Act
    const act = () => writeParquet(UTTERANCES, rows);

    // Assess
    expect(errorMessage(act)).toBe(`utterances row 0, ${message}`);
  });

  it("rejects an invalid Date in a timestamp column", () => {
    // Prepare
    const row = {
      conversation_id: "c", format: "chat-jsonl", utterance_count: 0, speaker_count: 0, duration_ms: null,
      entity_counts: "{}", input_key: "k", policy_hash: "h", engine_version: "0.1.0", processed_at: new Date("not a date"),
    };

    // Act
    const act = () => writeParquet(CONVERSATIONS, [row]);

    // Assess
    expect(errorMessage(act)).toBe('conversations row 0, column "processed_at": expected timestamp (a valid Date), got invalid Date');
  });
});

function errorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}
