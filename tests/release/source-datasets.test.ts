import { describe, expect, it } from "vitest";
import { writeParquet } from "../../shared/dataset/parquet-writer.js";
import { CONVERSATIONS } from "../../shared/dataset/schema.js";
import { ConfigError, ReleaseError } from "../../shared/errors.js";
import { parseReleaseConfig, releasePolicyHash } from "../../shared/release/config.js";
import { parseDatasetKey, readDatasetRows, SourceConversationRowSchema } from "../../shared/release/source-datasets.js";
import { POLICY_HASH } from "./fixtures.js";

const ROW = {
  conversation_id: "call-1",
  format: "transcribe",
  utterance_count: 3,
  speaker_count: 2,
  duration_ms: 108_650,
  entity_counts: '{"PHONE":1}',
  input_key: "incoming/audio/a.wav",
  policy_hash: POLICY_HASH,
  engine_version: "0.1.0",
  processed_at: new Date("2026-11-20T01:00:00.000Z"),
};

describe("parseDatasetKey", () => {
  it.each([
    [
      "datasets/conversations/dt=2026-11-20/source=call/incoming__audio__a.wav-0123456789abcdef.parquet",
      { table: "conversations", dt: "2026-11-20", source: "call", name: "incoming__audio__a.wav-0123456789abcdef.parquet" },
    ],
    ["datasets/utterances/dt=2026-11-20/source=chat/x.parquet", { table: "utterances", dt: "2026-11-20", source: "chat", name: "x.parquet" }],
    ["datasets/utterances/dt=2026-11-20/source=fax/x.parquet", undefined],
    ["datasets/utterances/dt=2026-11-20/source=chat/x.parquet.1234.partial", undefined],
    ["releases/r1/utterances/part-00000.parquet", undefined],
  ])("reads %s", (key, parts) => {
    expect(parseDatasetKey(key)).toEqual(parts === undefined ? undefined : { key, ...parts });
  });
});

describe("readDatasetRows", () => {
  it("reads conversations written before the customer_* columns existed, as nulls, and INT64 as numbers", async () => {
    // Prepare: the schema of the first datasets (no quasi-identifier columns).
    const legacy = { ...CONVERSATIONS, columns: CONVERSATIONS.columns.filter((c) => !c.name.startsWith("customer_")) };
    const bytes = writeParquet(legacy, [ROW]);

    // Act
    const rows = await readDatasetRows("k.parquet", bytes, SourceConversationRowSchema);

    // Assess
    expect(rows).toEqual([{ ...ROW, customer_age_band: null, customer_prefecture: null, customer_birth_year_band: null }]);
  });

  it("names the file, row and column of a bad row, never its value", async () => {
    // Prepare
    const bytes = writeParquet(CONVERSATIONS, [ROW, { ...ROW, policy_hash: "山田太郎 090-1234-5678" }]);

    // Act
    const act = readDatasetRows("datasets/conversations/dt=2026-11-20/source=call/a.parquet", bytes, SourceConversationRowSchema);

    // Assess
    await expect(act).rejects.toThrow(new ReleaseError('datasets/conversations/dt=2026-11-20/source=call/a.parquet row 1: column "policy_hash" not a policy hash'));
  });

  it("refuses a file that is not Parquet", async () => {
    // Act
    const act = readDatasetRows("a.parquet", new TextEncoder().encode("not parquet"), SourceConversationRowSchema);

    // Assess
    await expect(act).rejects.toThrow(/^a\.parquet: not a readable Parquet file \(\w+\)$/);
  });
});

describe("release settings", () => {
  it("defaults to k = 5 over the customer's age band, prefecture and birth-year band", () => {
    expect(parseReleaseConfig({})).toEqual({
      k: 5,
      quasiIdentifiers: ["customer_age_band", "customer_prefecture", "customer_birth_year_band"],
      maxSuppression: 0.05,
      sources: ["call", "chat"],
      tokenScope: "conversation",
    });
  });

  it.each([
    [{ k: 1 }, "k:"],
    [{ k: 2.5 }, "k:"],
    [{ quasiIdentifiers: ["customer_name"] }, "quasiIdentifiers.0:"],
    [{ quasiIdentifiers: ["source", "source"] }, "a column is listed twice"],
    [{ maxSuppression: 1.5 }, "maxSuppression:"],
    [{ from: "2026-02-30" }, "from: not a calendar date"],
    [{ from: "2026-11-21", to: "2026-11-20" }, "to: to is before from"],
    [{ releaseId: "../x" }, "releaseId:"],
    [{ kk: 5 }, "kk"],
  ])("refuses %j with a ConfigError naming the setting", (raw, message) => {
    // Act
    const act = () => parseReleaseConfig(raw, "release event");

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it("hashes the settings that shape the content, not the release id", () => {
    expect(releasePolicyHash(parseReleaseConfig({ releaseId: "a" }))).toBe(releasePolicyHash(parseReleaseConfig({ releaseId: "b" })));
    expect(releasePolicyHash(parseReleaseConfig({ k: 5 }))).not.toBe(releasePolicyHash(parseReleaseConfig({ k: 6 })));
  });
});
