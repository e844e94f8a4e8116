import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { detectFormat } from "../../shared/formats/index.js";
import { slackFormat } from "../../shared/formats/slack.js";
import { keepFormatKey, keepFormatOutputs } from "../../shared/keep-format.js";
import { processObject } from "../../shared/pipeline.js";
import { AuditRecordSchema } from "../../shared/schema/audit.js";
import { eventPath, readEvent } from "../helpers/fixtures.js";
import { StreamingMemoryStorage } from "./memory-storage.js";

const engine = createEngine();
const NOW = () => new Date("2026-11-23T01:00:00.000Z");

describe("the format registry: every export format is detected by content", () => {
  it.each([
    ["formats/chatwork/room-messages.json", "chatwork"],
    ["formats/zendesk/full-export.json", "zendesk"],
    ["formats/intercom/conversation.json", "intercom"],
    ["formats/line-talk-1on1.txt", "line-talk"],
    ["formats/line-oa.csv", "line-oa-csv"],
    ["formats/call-analytics.json", "transcribe-call-analytics"],
    ["conversations/chatbot-log.jsonl", "chat-jsonl"],
    ["conversations/sales-call-diarized.json", "transcribe"],
  ])("%s → %s", (file, format) => {
    // The name gives no hint: detection reads the content.
    expect(detectFormat("upload.bin", readEvent(file))).toBe(format);
  });
});

describe("processObject: a Slack export .zip", () => {
  it("is read as an archive from a stream, anonymized, and written back as a masked archive with --keep-format", async () => {
    // Prepare
    const zip = new Uint8Array(readFileSync(eventPath("formats/slack/slack-export.zip")));
    const storage = new StreamingMemoryStorage({ "incoming/chat/slack-export.zip": zip }, 1000);

    // Act
    const result = await processObject("incoming/chat/slack-export.zip", storage, engine, { now: NOW, extraOutputs: keepFormatOutputs(engine) });

    // Assess: the datasets, and a masked archive that parses again into the same conversations
    expect(result.status).toBe("anonymized");
    const audit = AuditRecordSchema.parse(JSON.parse(storage.text("audit/incoming/chat/slack-export.zip.audit.json")));
    expect(audit.format).toBe("slack");
    const original = slackFormat.parseBytes!(zip, { file: "slack-export.zip" });
    expect(audit.conversations).toBe(original.length);
    const masked = storage.outputs.get(keepFormatKey("incoming/chat/slack-export.zip"))!;
    const again = slackFormat.parseBytes!(masked, { file: "slack-export.zip" });
    expect(again.map((c) => c.utterances.length)).toEqual(original.map((c) => c.utterances.length));
    const rows = storage.text("anonymized/incoming/chat/slack-export.zip.jsonl");
    for (const conversation of original) {
      for (const utterance of conversation.utterances) if (/\d{2,4}-\d{3,4}-\d{4}/.test(utterance.text)) expect(rows).not.toContain(/\d{2,4}-\d{3,4}-\d{4}/.exec(utterance.text)![0]);
    }
  });

  it("quarantines a ZIP archive that is not a Slack export", async () => {
    // Prepare: an empty archive (end-of-central-directory record only)
    const empty = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
    const storage = new StreamingMemoryStorage({ "incoming/chat/photos.zip": empty });

    // Act
    const result = await processObject("incoming/chat/photos.zip", storage, engine, { now: NOW });

    // Assess
    expect(result.status === "quarantined" && result.record.reason).toBe(
      "incoming/chat/photos.zip: a ZIP archive that is not a Slack export (users.json, channels.json and day files)",
    );
    expect(storage.writes).toEqual(["quarantine/incoming/chat/photos.zip.json"]);
  });
});
