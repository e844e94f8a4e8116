import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chatworkFormat } from "../../shared/formats/chatwork.js";
import type { FormatModule } from "../../shared/formats/format-module.js";
import { intercomFormat } from "../../shared/formats/intercom.js";
import { slackFormat } from "../../shared/formats/slack.js";
import { zendeskFormat } from "../../shared/formats/zendesk.js";
import { writeZip } from "../../shared/formats/zip.js";
import { eventPath, readEvent } from "../helpers/fixtures.js";
import { readEventBytes } from "./keep-format-helpers.js";

/**
 * Sniffing by content: each of Slack, Chatwork, Zendesk and Intercom claims its own samples (damaged ones
 * too, so that parse reports what is wrong) and nothing else: not the other formats' samples, not plain chat
 * JSON/JSONL/CSV, Transcribe output, text or AWS events.
 */

const MODULES: readonly FormatModule[] = [slackFormat, chatworkFormat, zendeskFormat, intercomFormat];

const OWN: Readonly<Record<string, readonly string[]>> = {
  slack: [
    "formats/slack/export/general/2024-06-03.json",
    "formats/slack/export/D05DM000005/2024-06-05.json",
    "formats/slack/export/users.json",
    "formats/slack/export/channels.json",
    "formats/slack/export/mpims.json",
  ],
  chatwork: [
    "formats/chatwork/room-messages.json",
    "formats/chatwork/room-wrapped.json",
    "formats/chatwork/malformed-missing-body.json",
    "formats/chatwork/malformed-account-id.json",
  ],
  zendesk: [
    "formats/zendesk/ticket-comments.json",
    "formats/zendesk/ticket-with-comments.json",
    "formats/zendesk/full-export.json",
    "formats/zendesk/malformed-author.json",
  ],
  intercom: [
    "formats/intercom/conversation.json",
    "formats/intercom/conversations-array.json",
    "formats/intercom/conversation-list.json",
    "formats/intercom/malformed-part-author.json",
  ],
};

/** Samples of the other formats tokumei reads, and files that are no chat log at all. */
const FOREIGN = [
  ...readdirSync(eventPath("conversations")).map((name) => `conversations/${name}`),
  ...readdirSync(eventPath("aws")).map((name) => `aws/${name}`),
  "formats/slack/export/integration_logs.json",
];

const cases = MODULES.flatMap((module) => [
  ...Object.entries(OWN).flatMap(([owner, paths]) => paths.map((path) => [module.format, path, owner === module.format] as const)),
  ...FOREIGN.map((path) => [module.format, path, false] as const),
]);

describe("sniff", () => {
  it.each(cases)("%s on %s → %s", (format, path, expected) => {
    // Prepare
    const module = MODULES.find((candidate) => candidate.format === format) as FormatModule;
    const text = readEvent(path);

    // Act
    const claimed = module.sniff(path.split("/").pop() as string, text);

    // Assess
    expect(claimed).toBe(expected);
  });

  it.each([
    ["an empty array", "[]"],
    ["plain chat JSON", '[{"sender":"講師","text":"こんにちは","timestamp":"2024-06-01T10:00:00+09:00"}]'],
    ["chat JSON with messages", '{"messages":[{"user":"guest","message":"090-1234-5678","ts":"1717200000.000100"}]}'],
    ["broken JSON", '[{"message_id": "1", "account": {'],
    ["a LINE history", "[LINE] 山田とのトーク履歴\n保存日時：2024/06/03 18:20\n"],
  ])("no module claims %s", (_name, text) => {
    // Act
    const claimed = MODULES.filter((module) => module.sniff("input.json", text)).map((module) => module.format);

    // Assess
    expect(claimed).toEqual([]);
  });
});

describe("sniffBytes (Slack archives)", () => {
  const encoder = new TextEncoder();

  it.each([
    ["the export", "formats/slack/slack-export.zip"],
    ["the export in a folder", "formats/slack/slack-export-in-folder.zip"],
  ])("claims %s", (_name, path) => {
    // Act / Assess
    expect(slackFormat.sniffBytes?.("export.zip", readEventBytes(path))).toBe(true);
  });

  it.each([
    ["a zip of other files", writeZip([{ name: "report.csv", data: encoder.encode("a,b\n1,2\n") }])],
    ["a zip with users.json only", writeZip([{ name: "users.json", data: encoder.encode("[]") }])],
    ["a JSON file", encoder.encode(readEvent("formats/slack/export/users.json"))],
    ["nothing", new Uint8Array()],
  ])("does not claim %s", (_name, bytes) => {
    // Act / Assess
    expect(slackFormat.sniffBytes?.("export.zip", bytes)).toBe(false);
  });
});
