import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { outputKeys, processObject } from "../../shared/pipeline.js";
import { AuditRecordSchema } from "../../shared/schema/audit.js";
import { readEvent } from "../helpers/fixtures.js";
import { MemoryStorage } from "./memory-storage.js";

/**
 * A crash between writes (a Lambda timeout, a killed process): the pipeline writes every data object first and
 * the audit record last, and the audit record lists its outputs, so it is the commit. Whatever point the crash
 * comes at, no audit record exists, nothing is quarantined, and a redelivery writes exactly what one clean run
 * writes.
 */

const INPUT = "transcripts/sales-call-diarized.json";
const NOW = () => new Date("2024-11-05T01:02:03.000Z");
const engine = createEngine();

/** Storage that dies on its write number `crashAt` (0-based): that object and everything after never arrive. */
class CrashingStorage extends MemoryStorage {
  constructor(
    inputs: Record<string, string>,
    private readonly crashAt: number,
  ) {
    super(inputs);
  }

  override async write(key: string, body: string | Uint8Array): Promise<void> {
    if (this.writes.length === this.crashAt) throw new Error("the process died");
    await super.write(key, body);
  }
}

/** What a reader that honours the commit sees: the outputs an audit record lists, each present. */
function committed(storage: MemoryStorage): string[] {
  const audit = [...storage.outputs.keys()].find((key) => key === outputKeys(INPUT).audit);
  if (!audit) return [];
  const { outputs } = AuditRecordSchema.parse(JSON.parse(storage.text(audit)));
  expect(outputs.every((key) => storage.outputs.has(key))).toBe(true);
  return [...outputs].sort();
}

async function cleanRun(): Promise<MemoryStorage> {
  const storage = new MemoryStorage({ [INPUT]: readEvent("conversations/sales-call-diarized.json") });
  await processObject(INPUT, storage, engine, { now: NOW });
  return storage;
}

describe("a crash between writes", () => {
  it("writes the data objects first and the audit record, which lists them all, last", async () => {
    // Act
    const clean = await cleanRun();

    // Assess
    const { audit } = outputKeys(INPUT);
    expect(clean.writes.at(-1)).toBe(audit);
    expect(clean.writes).toHaveLength(4); // utterances and conversations Parquet, the JSONL, the audit record
    expect(committed(clean)).toEqual(clean.writes.slice(0, -1).sort());
  });

  it.each([0, 1, 2, 3])("at write %i leaves no audit record, no quarantine record, only whole objects of the run", async (crashAt) => {
    // Prepare
    const clean = await cleanRun();
    const storage = new CrashingStorage({ [INPUT]: readEvent("conversations/sales-call-diarized.json") }, crashAt);

    // Act
    const act = processObject(INPUT, storage, engine, { now: NOW });

    // Assess
    await expect(act).rejects.toThrow("the process died");
    expect([...storage.outputs.keys()]).toEqual(clean.writes.slice(0, crashAt));
    for (const key of storage.outputs.keys()) expect(storage.outputs.get(key)).toEqual(clean.outputs.get(key));
    expect(storage.outputs.has(outputKeys(INPUT).quarantine)).toBe(false);
    expect(committed(storage)).toEqual([]);
  });

  it.each([0, 1, 2, 3])("at write %i is made whole by the redelivery: the same objects, byte for byte, as one clean run", async (crashAt) => {
    // Prepare
    const clean = await cleanRun();
    const storage = new CrashingStorage({ [INPUT]: readEvent("conversations/sales-call-diarized.json") }, crashAt);
    await processObject(INPUT, storage, engine, { now: NOW }).catch(() => undefined);
    const retry = new MemoryStorage({ [INPUT]: readEvent("conversations/sales-call-diarized.json") });
    for (const [key, body] of storage.outputs) retry.outputs.set(key, body);

    // Act
    const result = await processObject(INPUT, retry, engine, { now: NOW });

    // Assess
    expect(result.status).toBe("anonymized");
    expect(retry.everything()).toBe(clean.everything());
    expect(committed(retry)).toEqual(committed(clean));
  });
});
