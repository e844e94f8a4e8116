import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { datasetKey, partitionDate } from "../../shared/dataset/keys.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";

const sha16 = (key: string) => createHash("sha256").update(key, "utf8").digest("hex").slice(0, 16);
/** Characters S3 advises against or that need special handling in keys, plus anything non-ASCII. */
const UNSAFE = /[^A-Za-z0-9._\-/=]/;

describe("datasetKey", () => {
  it("builds the Hive-partitioned key with a readable name and a hash of the input key", () => {
    // Prepare
    const parts = { dt: "2026-11-23", source: "chat" as const, inputKey: "incoming/chat/log-1.jsonl" };

    // Act
    const key = datasetKey(UTTERANCES, parts);

    // Assess
    expect(key).toBe(`datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__log-1.jsonl-${sha16("incoming/chat/log-1.jsonl")}.parquet`);
  });

  it("is deterministic: the same input gives the same key, so a redelivery overwrites", () => {
    // Prepare
    const parts = { dt: "2026-11-23", source: "call" as const, inputKey: "incoming/audio/通話 録音 1.wav" };

    // Act
    const first = datasetKey(CONVERSATIONS, parts);
    const second = datasetKey("conversations", { ...parts });

    // Assess
    expect(second).toBe(first);
  });

  it("makes keys with spaces and Japanese characters safe, and keeps them distinct", () => {
    // Prepare
    const inputs = ["incoming/chat/山田 太郎.json", "incoming/chat/山田　花子.json", "incoming/chat/a b.json", "incoming/chat/a+b.json", "incoming/chat/a%20b.json"];

    // Act
    const keys = inputs.map((inputKey) => datasetKey(UTTERANCES, { dt: "2026-11-23", source: "chat", inputKey }));

    // Assess
    expect(keys).toEqual([
      `datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__-.json-${sha16(inputs[0]!)}.parquet`,
      `datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__-.json-${sha16(inputs[1]!)}.parquet`,
      `datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__a-b.json-${sha16(inputs[2]!)}.parquet`,
      `datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__a-b.json-${sha16(inputs[3]!)}.parquet`,
      `datasets/utterances/dt=2026-11-23/source=chat/incoming__chat__a-20b.json-${sha16(inputs[4]!)}.parquet`,
    ]);
    expect(new Set(keys).size).toBe(inputs.length);
    expect(keys.filter((k) => UNSAFE.test(k))).toEqual([]);
  });

  it("never names a file that Athena would skip as hidden, and caps long names", () => {
    // Prepare
    const hidden = "/.hidden/_x.json";
    const long = `incoming/chat/${"あ".repeat(300)}${"a".repeat(1000)}.json`;

    // Act
    const hiddenName = datasetKey(UTTERANCES, { dt: "2026-11-23", source: "chat", inputKey: hidden }).split("/").at(-1)!;
    const longName = datasetKey(UTTERANCES, { dt: "2026-11-23", source: "chat", inputKey: long }).split("/").at(-1)!;

    // Assess
    expect(hiddenName).toBe(`hidden___x.json-${sha16(hidden)}.parquet`);
    expect(longName).toBe(`incoming__chat__-${"a".repeat(103)}-${sha16(long)}.parquet`);
  });

  it.each([
    ["a malformed date", { dt: "2026-1-23" }, "dt must be a calendar date written YYYY-MM-DD"],
    ["an impossible date", { dt: "2026-02-30" }, "dt must be a calendar date written YYYY-MM-DD"],
    ["an unknown source", { source: "email" }, 'source must be "call" or "chat"'],
    ["an empty input key", { inputKey: "" }, "inputKey must not be empty"],
  ])("rejects %s", (_name, overrides, message) => {
    // Prepare
    const parts = { dt: "2026-11-23", source: "chat", inputKey: "k", ...overrides } as Parameters<typeof datasetKey>[1];

    // Act
    const act = () => datasetKey(UTTERANCES, parts);

    // Assess
    expect(act).toThrow(message);
  });
});

describe("partitionDate", () => {
  it("is the UTC calendar date", () => {
    // Prepare
    const lateInTokyo = new Date("2026-11-24T08:59:59+09:00");
    const nextDayInUtc = new Date("2026-11-24T09:00:00+09:00");

    // Act
    const dates = [partitionDate(lateInTokyo), partitionDate(nextDayInUtc)];

    // Assess
    expect(dates).toEqual(["2026-11-23", "2026-11-24"]);
  });

  it("rejects an invalid Date", () => {
    // Prepare
    const invalid = new Date("not a date");

    // Act
    const act = () => partitionDate(invalid);

    // Assess
    expect(act).toThrow("partitionDate needs a valid Date");
  });
});
