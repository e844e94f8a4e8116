import { describe, expect, it } from "vitest";
import type { ExternalEntitySource } from "../../shared/detect/external-source.js";
import { createEngine } from "../../shared/engine.js";
import { DetectionError } from "../../shared/errors.js";
import { outputKeys, processObject } from "../../shared/pipeline.js";
import { MemoryStorage } from "./memory-storage.js";

const CHAT = `${JSON.stringify({ speaker: "user", text: "担当はミラ・ソーンダースでした。電話は090-1234-5678です" })}\n`;
const NOW = () => new Date("2026-11-23T00:00:00Z");

/** A stand-in for Comprehend: finds one fixed surface as PERSON. */
function fakeSource(surface: string): ExternalEntitySource & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: "fake-ner",
    calls,
    async detect(texts) {
      calls.push([...texts]);
      return texts.map((t) => {
        const at = t.indexOf(surface);
        return at === -1 ? [] : [{ entity: "PERSON" as const, start: at, end: at + surface.length, score: 0.9 }];
      });
    },
  };
}

describe("external entity source", () => {
  it("merges what the source finds with the local findings", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/a.jsonl": CHAT });
    const source = fakeSource("ソーンダース");

    // Act
    const result = await processObject("chat/a.jsonl", storage, createEngine(), { externalSource: source, now: NOW });

    // Assess
    expect(result.status).toBe("anonymized");
    expect(source.calls).toEqual([["担当はミラ・ソーンダースでした。電話は090-1234-5678です"]]);
    const row = JSON.parse(storage.text(outputKeys("chat/a.jsonl").utterances).trim()) as { text: string };
    expect(row.text).not.toContain("ソーンダース");
    expect(row.text).toContain("<PHONE_1>");
  });

  it("quarantines the input and writes no rows when the source fails (fail closed)", async () => {
    // Prepare
    const storage = new MemoryStorage({ "chat/a.jsonl": CHAT });
    const failing: ExternalEntitySource = {
      id: "fake-ner",
      detect: async () => {
        throw new DetectionError("BatchDetectEntities failed after 4 attempts (ThrottlingException)");
      },
    };

    // Act
    const result = await processObject("chat/a.jsonl", storage, createEngine(), { externalSource: failing, now: NOW });

    // Assess
    expect(result.status).toBe("quarantined");
    expect(storage.writes).toEqual([outputKeys("chat/a.jsonl").quarantine]);
    expect(storage.text(outputKeys("chat/a.jsonl").quarantine)).not.toContain("090-1234-5678");
  });

  it("refuses an entity outside its text", () => {
    // Prepare
    const engine = createEngine();
    const conversation = { conversationId: "c", source: "chat" as const, metadata: {}, utterances: [{ index: 0, speaker: "u", text: "短い" }] };

    // Act
    const act = () => engine.anonymizeConversation(conversation, [[{ entity: "PERSON", start: 0, end: 10, score: 0.9 }]], "fake-ner");

    // Assess
    expect(act).toThrow(DetectionError);
  });
});
