import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../shared/anonymize/policy.js";
import { createEngine } from "../../shared/engine.js";
import { datasetKey, partitionDate } from "../../shared/dataset/keys.js";
import { outputKeys, processObject } from "../../shared/pipeline.js";
import {
  type AnonymizedUtteranceRow,
  AnonymizedUtteranceRowSchema,
  AuditRecordSchema,
  QuarantineRecordSchema,
} from "../../shared/schema/audit.js";
import { ENGINE_VERSION } from "../../shared/version.js";
import { readEvent } from "../helpers/fixtures.js";
import { MemoryStorage } from "./memory-storage.js";

const NOW = () => new Date("2024-11-05T01:02:03.000Z");
const engine = createEngine();

/** A chatbot session in JSONL, with a phone typed, read back without hyphens, an e-mail and two non-PII lines. */
const CHAT_JSONL = [
  { session_id: "s-1", timestamp: "2024-11-05T10:00:00+09:00", role: "user", sender: "guest-1", text: "携帯は090-1234-5678です" },
  { session_id: "s-1", timestamp: "2024-11-05T10:00:05+09:00", role: "assistant", sender: "bot", text: "09012345678ですね。メールアドレスもお願いします。" },
  { session_id: "s-1", timestamp: "2024-11-05T10:00:30+09:00", role: "user", sender: "guest-1", text: "メールは taro@example.jp です" },
  { session_id: "s-1", timestamp: "2024-11-05T10:00:35+09:00", role: "assistant", sender: "bot", text: "月額9,800円のプランで、来週の火曜日14時にご連絡します。" },
]
  .map((m) => JSON.stringify(m))
  .join("\n")
  .concat("\n");

/** Everything in the input above that is personal data, in every form it takes. */
const PII = ["090-1234-5678", "09012345678", "+819012345678", "taro@example.jp", "taro"];

/** Parses a JSONL output into validated rows. */
function rowsOf(jsonl: string): AnonymizedUtteranceRow[] {
  expect(jsonl.endsWith("\n")).toBe(true);
  return jsonl
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => AnonymizedUtteranceRowSchema.parse(JSON.parse(line)));
}

describe("outputKeys", () => {
  it("derives the three output keys from the input key", () => {
    // Prepare
    const inputKey = "incoming/chat/2024/log.jsonl";

    // Act
    const keys = outputKeys(inputKey);

    // Assess
    expect(keys).toEqual({
      utterances: "anonymized/incoming/chat/2024/log.jsonl.jsonl",
      audit: "audit/incoming/chat/2024/log.jsonl.audit.json",
      quarantine: "quarantine/incoming/chat/2024/log.jsonl.json",
    });
  });
});

describe("processObject: a chat JSONL", () => {
  it("writes the Parquet datasets and anonymized rows, then the audit record", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });
    const keys = outputKeys("chat/bot.jsonl");
    const dataset = (table: "utterances" | "conversations") => datasetKey(table, { dt: partitionDate(NOW()), source: "chat", inputKey: "chat/bot.jsonl" });

    // Act
    const result = await processObject("chat/bot.jsonl", storage, engine, { now: NOW });

    // Assess
    expect(result.status).toBe("anonymized");
    expect(storage.writes).toEqual([dataset("utterances"), dataset("conversations"), keys.utterances, keys.audit]);
    const rows = rowsOf(storage.text(keys.utterances));
    expect(rows.map((r) => [r.conversationId, r.source, r.index, r.role, r.timestamp, r.text])).toEqual([
      ["s-1", "chat", 0, "user", "2024-11-05T10:00:00+09:00", "携帯は<PHONE_1>です"],
      ["s-1", "chat", 1, "assistant", "2024-11-05T10:00:05+09:00", "<PHONE_1>ですね。メールアドレスもお願いします。"],
      ["s-1", "chat", 2, "user", "2024-11-05T10:00:30+09:00", "メールは <EMAIL_1> です"],
      ["s-1", "chat", 3, "assistant", "2024-11-05T10:00:35+09:00", "月額9,800円のプランで、来週の火曜日14時にご連絡します。"],
    ]);
    expect(rows.map((r) => r.entities.map((e) => [e.type, e.operator, r.text.slice(e.start, e.end)]))).toEqual([
      [["PHONE", "replace", "<PHONE_1>"]],
      [["PHONE", "replace", "<PHONE_1>"]],
      [["EMAIL", "replace", "<EMAIL_1>"]],
      [],
    ]);
  });

  it("writes an audit record of counts and versions only", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });
    const keys = outputKeys("chat/bot.jsonl");

    // Act
    const result = await processObject("chat/bot.jsonl", storage, engine, { now: NOW });

    // Assess
    const written = AuditRecordSchema.parse(JSON.parse(storage.text(keys.audit)));
    expect(written).toEqual({
      inputKey: "chat/bot.jsonl",
      status: "anonymized",
      format: "chat-jsonl",
      conversations: 1,
      utterances: 4,
      entities: { PHONE: 2, EMAIL: 1 },
      engineVersion: ENGINE_VERSION,
      policyHash: engine.policyHash,
      mode: "mask",
      outputs: [
        datasetKey("utterances", { dt: partitionDate(NOW()), source: "chat", inputKey: "chat/bot.jsonl" }),
        datasetKey("conversations", { dt: partitionDate(NOW()), source: "chat", inputKey: "chat/bot.jsonl" }),
        keys.utterances,
      ],
      processedAt: "2024-11-05T01:02:03.000Z",
    });
    expect(result).toEqual({ status: "anonymized", audit: written, rows: 4 });
  });

  it("keeps every detected value and all utterance text out of the audit record", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });

    // Act
    await processObject("chat/bot.jsonl", storage, engine, { now: NOW });

    // Assess
    const audit = storage.text(outputKeys("chat/bot.jsonl").audit);
    for (const value of [...PII, "携帯", "メール", "9,800", "火曜日"]) expect(audit).not.toContain(value);
  });

  it("keeps every detected value out of everything it writes", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });

    // Act
    await processObject("chat/bot.jsonl", storage, engine, { now: NOW });

    // Assess
    const everything = storage.everything();
    for (const value of PII) expect(everything).not.toContain(value);
  });

  it("keeps participants' names in the sender field out of the anonymized rows", async () => {
    // Prepare
    const input = [
      { session_id: "s-2", role: "user", sender: "山田太郎", text: "携帯は090-1234-5678です" },
      { session_id: "s-2", role: "assistant", sender: "support-bot", text: "ありがとうございます。" },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n");
    const storage = new MemoryStorage({ "chat/names.jsonl": input });

    // Act
    const result = await processObject("chat/names.jsonl", storage, engine, { now: NOW });

    // Assess
    expect(result.status).toBe("anonymized");
    expect(storage.everything()).not.toContain("山田太郎");
  });

  it("counts entities over every conversation of a file, numbering each conversation from 1", async () => {
    // Prepare
    const input = [
      { session_id: "a", text: "携帯は090-1234-5678です" },
      { session_id: "b", text: "携帯は080-2222-3333です" },
      { session_id: "b", text: "会社は03-1111-2222です" },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n");
    const storage = new MemoryStorage({ "two.jsonl": input });

    // Act
    const result = await processObject("two.jsonl", storage, engine, { now: NOW });

    // Assess
    const rows = rowsOf(storage.text(outputKeys("two.jsonl").utterances));
    expect(rows.map((r) => [r.conversationId, r.text])).toEqual([
      ["a", "携帯は<PHONE_1>です"],
      ["b", "携帯は<PHONE_1>です"],
      ["b", "会社は<PHONE_2>です"],
    ]);
    expect(result.status === "anonymized" && result.audit).toMatchObject({ conversations: 2, utterances: 3, entities: { PHONE: 3 } });
  });

  it("writes to the same keys on a rerun, with the same content", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });
    await processObject("chat/bot.jsonl", storage, engine, { now: NOW });
    const firstKeys = [...storage.outputs.keys()];
    const firstRun = storage.everything();

    // Act
    await processObject("chat/bot.jsonl", storage, createEngine(), { now: NOW });

    // Assess
    expect([...storage.outputs.keys()]).toEqual(firstKeys);
    expect(storage.writes).toEqual([...firstKeys, ...firstKeys]);
    expect(storage.everything()).toBe(firstRun);
  });

  it("anonymizes a Transcribe sample: the spoken phone and e-mail are gone", async () => {
    // Prepare
    const storage = new MemoryStorage({ "sales-call-diarized.json": readEvent("conversations/sales-call-diarized.json") });

    // Act
    const result = await processObject("sales-call-diarized.json", storage, engine, {
      now: NOW,
      parse: { roleMap: { spk_0: "agent", spk_1: "customer" } },
    });

    // Assess
    expect(result.status).toBe("anonymized");
    const rows = rowsOf(storage.text(outputKeys("sales-call-diarized.json").utterances));
    expect(rows.every((r) => r.source === "call" && r.startMs !== undefined && r.endMs !== undefined)).toBe(true);
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(["agent", "customer"]));
    expect([13, 14, 17].map((i) => [rows[i]?.speaker, rows[i]?.text])).toEqual([
      ["spk_1", "携帯で、<PHONE_1>です。"],
      ["spk_0", "<PHONE_1>ですね。"],
      ["spk_1", "<EMAIL_1>です。"],
    ]);
    const text = rows.map((r) => r.text).join("\n");
    expect(text).not.toMatch(/三八二七|一六五四|sasaki|アットマーク/);
  });
});

describe("processObject: bad input", () => {
  it("quarantines broken JSON with the line number, without the input text, and writes nothing else", async () => {
    // Prepare
    const input = '{"text":"携帯は090-1234-5678です"}\n{"text": "予備は090-9999-8888 と\n{"text":"ok"}\n';
    const storage = new MemoryStorage({ "chat/broken.jsonl": input });
    const keys = outputKeys("chat/broken.jsonl");

    // Act
    const result = await processObject("chat/broken.jsonl", storage, engine, { now: NOW });

    // Assess
    expect(storage.writes).toEqual([keys.quarantine]);
    const record = QuarantineRecordSchema.parse(JSON.parse(storage.text(keys.quarantine)));
    expect(record).toMatchObject({
      inputKey: "chat/broken.jsonl",
      status: "quarantined",
      errorType: "InputFormatError",
      engineVersion: ENGINE_VERSION,
      processedAt: "2024-11-05T01:02:03.000Z",
    });
    expect(record.reason).toMatch(/line 2\b/);
    expect(result).toEqual({ status: "quarantined", record });
    const written = storage.everything();
    for (const value of ["090-1234-5678", "090-9999-8888", "予備", "携帯"]) expect(written).not.toContain(value);
  });

  it("quarantines invalid UTF-8 with the offset of the first bad byte", async () => {
    // Prepare
    const prefix = new TextEncoder().encode('{"text":"あ'); // 9 ASCII bytes + 3 bytes of あ
    const input = new Uint8Array([...prefix, 0xff, 0xfe, ...new TextEncoder().encode('090-1234-5678"}\n')]);
    const storage = new MemoryStorage({ "chat/latin1.jsonl": input });
    const keys = outputKeys("chat/latin1.jsonl");

    // Act
    const result = await processObject("chat/latin1.jsonl", storage, engine, { now: NOW });

    // Assess
    expect(result.status).toBe("quarantined");
    expect(storage.writes).toEqual([keys.quarantine]);
    const record = QuarantineRecordSchema.parse(JSON.parse(storage.text(keys.quarantine)));
    expect(record.errorType).toBe("InputFormatError");
    expect(record.reason).toContain("UTF-8");
    expect(record.reason).toMatch(/offset 12\b/);
    expect(storage.everything()).not.toContain("090-1234-5678");
  });

  it("quarantines a Shift_JIS file at byte offset 0", async () => {
    // Prepare
    const shiftJis = new Uint8Array([0x82, 0xa0, 0x82, 0xa2]); // あい
    const storage = new MemoryStorage({ "notes-sjis.txt": shiftJis });

    // Act
    const result = await processObject("notes-sjis.txt", storage, engine, { now: NOW });

    // Assess
    expect(result.status === "quarantined" && result.record.reason).toMatch(/offset 0\b/);
  });

  it("fails closed when detection fails: a quarantine record without the error's text, and no rows", async () => {
    // Prepare: a recognizer that crashes with input in its message
    const failing = createEngine();
    failing.analyzer.analyzePrepared = () => {
      throw new Error("携帯は090-1234-5678です");
    };
    const storage = new MemoryStorage({ "chat/bot.jsonl": CHAT_JSONL });
    const keys = outputKeys("chat/bot.jsonl");

    // Act
    const result = await processObject("chat/bot.jsonl", storage, failing, { now: NOW });

    // Assess
    expect(result.status).toBe("quarantined");
    expect(storage.writes).toEqual([keys.quarantine]);
    expect(QuarantineRecordSchema.parse(JSON.parse(storage.text(keys.quarantine))).errorType).toBe("DetectionError");
    for (const value of PII) expect(storage.everything()).not.toContain(value);
    expect(storage.everything()).not.toContain("090-1234-5678");
  });

  it("reports an unexpected failure without its message", async () => {
    // Prepare
    const storage = new MemoryStorage();
    storage.read = async () => {
      throw new Error("携帯は090-1234-5678です");
    };

    // Act
    const result = await processObject("chat/bot.jsonl", storage, engine, { now: NOW });

    // Assess
    expect(result.status === "quarantined" && result.record).toMatchObject({ errorType: "InternalError" });
    expect(storage.everything()).not.toContain("090-1234-5678");
  });
});
