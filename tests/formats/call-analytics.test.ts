import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { callAnalyticsModule, readCallAnalytics } from "../../shared/formats/call-analytics.js";
import { detectFormat, parseConversations } from "../../shared/formats/index.js";
import { readEvent, readEventJson } from "../helpers/fixtures.js";

const FIXTURE = "formats/call-analytics.json";

function errorOf(act: () => unknown): InputFormatError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return error as InputFormatError;
  }
  throw new Error("expected an InputFormatError");
}

describe("Transcribe Call Analytics: the fixture", () => {
  it("reads one utterance per non-empty turn, with roles, millisecond times and counts of detected spans", () => {
    // Prepare
    const text = readEvent(FIXTURE);

    // Act
    const [conversation] = parseConversations("call-analytics.json", text);

    // Assess
    expect(detectFormat("call-analytics.json", text)).toBe("transcribe-call-analytics");
    expect(conversation?.conversationId).toBe("ca-20241107-0042");
    expect(conversation?.source).toBe("call");
    expect(conversation?.metadata).toEqual({
      format: "transcribe-call-analytics",
      file: "call-analytics.json",
      jobName: "ca-20241107-0042",
      languageCode: "ja-JP",
      issues: 2,
      outcomes: 1,
      actionItems: 1,
    });
    expect(conversation?.utterances.map((u) => [u.speaker, u.role, u.startMs, u.endMs])).toEqual([
      ["AGENT", "agent", 320, 3900],
      ["CUSTOMER", "customer", 4200, 9100],
      ["AGENT", "agent", 9400, 12600],
      ["CUSTOMER", "customer", 13000, 24750],
      ["AGENT", "agent", 25100, 31800],
    ]);
    expect(conversation?.utterances[3]?.text).toBe("福岡市中央区天神4-6-22天神ハイツ801です。電話番号も090の5512の8843に変わりました。");
  });

  it("lets a roleMap override the participant roles", () => {
    // Prepare
    const json = readEventJson(FIXTURE);

    // Act
    const { conversation } = readCallAnalytics(json, { file: "ca.json", roleMap: { AGENT: "teacher" }, conversationId: "c-9" });

    // Assess
    expect(conversation.conversationId).toBe("c-9");
    expect(conversation.utterances.map((u) => u.role).slice(0, 2)).toEqual(["teacher", "customer"]);
  });
});

describe("Transcribe Call Analytics: malformed files", () => {
  it.each([
    ["call-analytics-failed.json", "Call Analytics job status is FAILED, expected COMPLETED"],
    ["call-analytics-bad-offsets.json", "Transcript[1].IssuesDetected[0].CharacterOffsets fall outside its Content"],
    ["contact-lens.json", "this is Amazon Connect Contact Lens output (ParticipantId), not Transcribe Call Analytics"],
  ])("%s → %s", (file, problem) => {
    // Prepare
    const text = readEvent(`formats/malformed/${file}`);

    // Act
    const error = errorOf(() => parseConversations(file, text));

    // Assess
    expect(error.message).toBe(`${file}: ${problem}`);
  });

  it("names the path of a field with the wrong type, not its value", () => {
    // Prepare
    const text = JSON.stringify({ JobStatus: "COMPLETED", Transcript: [{ ParticipantRole: "AGENT", Content: 42, BeginOffsetMillis: 0, EndOffsetMillis: 1 }] });

    // Act
    const error = errorOf(() => parseConversations("ca.json", text, { format: "transcribe-call-analytics" }));

    // Assess
    expect(error.message).toBe("ca.json: not Call Analytics output: Transcript[0].Content: Invalid input: expected string, received number");
  });
});

describe("Transcribe Call Analytics: detection", () => {
  it.each([
    ["turns with ParticipantRole", '{"JobStatus":"COMPLETED","Transcript":[{"ParticipantRole":"AGENT","Content":"はい"}]}', true],
    ["no turns yet", '{"JobStatus":"COMPLETED","Transcript":[]}', true],
    ["batch Transcribe output", '{"jobName":"j","status":"COMPLETED","results":{"items":[]}}', false],
    ["a chat export", '{"messages":[{"text":"はい"}]}', false],
    ["not JSON", "Transcript: はい", false],
  ])("%s → %s", (_name, text, expected) => {
    // Act
    const sniffed = callAnalyticsModule.sniff("x.json", text);

    // Assess
    expect(sniffed).toBe(expected);
  });
});
