import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { keepFormatKey, keepFormatOutputs } from "../../shared/keep-format.js";
import { outputKeys, processObject } from "../../shared/pipeline.js";
import { AuditRecordSchema, QuarantineRecordSchema } from "../../shared/schema/audit.js";
import { eventPath } from "../helpers/fixtures.js";
import { MemoryStorage } from "./memory-storage.js";

const NOW = () => new Date("2024-11-05T01:02:03.000Z");
const engine = createEngine();

function fixture(relPath: string): Uint8Array {
  return readFileSync(eventPath(relPath));
}

describe("processObject with keep-format", () => {
  it("writes the masked LINE history with the datasets, before the audit record that lists it", async () => {
    // Prepare
    const key = "line/line-talk-group-12h.txt";
    const storage = new MemoryStorage({ [key]: fixture("formats/line-talk-group-12h.txt") });

    // Act
    const result = await processObject(key, storage, engine, { now: NOW, extraOutputs: keepFormatOutputs(engine) });

    // Assess
    expect(result.status).toBe("anonymized");
    const audit = AuditRecordSchema.parse(JSON.parse(storage.text(outputKeys(key).audit)));
    expect(audit).toMatchObject({ format: "line-talk", encoding: "utf-8-bom", conversations: 1, utterances: 8 });
    expect(audit.outputs).toContain(keepFormatKey(key));
    expect(storage.writes.at(-1)).toBe(outputKeys(key).audit);
    expect(storage.writes.indexOf(keepFormatKey(key))).toBeLessThan(storage.writes.indexOf(outputKeys(key).audit));
    const kept = storage.outputs.get(keepFormatKey(key))!;
    expect([...kept.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = storage.text(keepFormatKey(key)); // TextDecoder drops the BOM
    expect(text.split("\r\n").slice(0, 5)).toEqual([
      "[LINE] <PERSON_5>のトーク履歴",
      "保存日時：2024/07/10 午後8:05",
      "",
      "2024/07/09(火)",
      "午前12:10\tspeaker_1\t夜分にすみません。明日の資料を共有します。[ファイル]",
    ]);
    for (const secret of ["北斗物産", "高橋", "小林", "森本", "03-5219-8842"]) expect(storage.everything()).not.toContain(secret);
  });

  it.each([
    ["malformed/line-talk-stray-line.txt", "line 5"],
    ["malformed/line-oa-bad-date.csv", "line 3"],
    ["malformed/call-analytics-bad-offsets.json", "Transcript[1]"],
  ])("writes nothing but the quarantine record for %s", async (file, where) => {
    // Prepare
    const storage = new MemoryStorage({ [file]: fixture(`formats/${file}`) });

    // Act
    const result = await processObject(file, storage, engine, { now: NOW, extraOutputs: keepFormatOutputs(engine) });

    // Assess
    expect(result.status).toBe("quarantined");
    expect(storage.writes).toEqual([outputKeys(file).quarantine]);
    const record = QuarantineRecordSchema.parse(JSON.parse(storage.text(outputKeys(file).quarantine)));
    expect(record.errorType).toBe("InputFormatError");
    expect(record.reason).toContain(where);
  });

  it("quarantines an input whose keep-format copy cannot be encoded, writing nothing else", async () => {
    // Prepare
    const key = "chat/emoji.jsonl";
    const storage = new MemoryStorage({ [key]: '{"sender":"山田","text":"了解です😀"}\n' });

    // Act
    const result = await processObject(key, storage, engine, { now: NOW, extraOutputs: keepFormatOutputs(engine, { encoding: "cp932" }) });

    // Assess
    expect(result.status).toBe("quarantined");
    expect(storage.writes).toEqual([outputKeys(key).quarantine]);
    expect(storage.text(outputKeys(key).quarantine)).toContain("chat/emoji.jsonl, line 1: keep-format: a character cannot be written in CP932");
  });
});
