import { describe, expect, it } from "vitest";
import { ConfigError, InputFormatError } from "../../shared/errors.js";
import { detectFormat, type ParseOptions, parseConversations } from "../../shared/formats/index.js";
import { ConversationSchema } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";

describe("detectFormat: samples", () => {
  it.each([
    ["sales-call-diarized.json", "transcribe"],
    ["support-call-stereo.json", "transcribe"],
    ["chatbot-log.jsonl", "chat-jsonl"],
    ["lesson-chat.json", "chat-json"],
    ["helpdesk-export.csv", "chat-csv"],
    ["notes.txt", "plain-text"],
  ] as const)("%s → %s", (file, format) => {
    // Prepare
    const content = readEvent(`conversations/${file}`);

    // Act
    const detected = detectFormat(file, content);

    // Assess
    expect(detected).toBe(format);
  });

  it.each([
    ["sales-call-diarized.json", "transcribe"],
    ["chatbot-log.jsonl", "chat-jsonl"],
    ["lesson-chat.json", "chat-json"],
    ["helpdesk-export.csv", "chat-csv"],
  ] as const)("%s → %s by content alone (no extension)", (file, format) => {
    // Prepare
    const content = readEvent(`conversations/${file}`);

    // Act
    const detected = detectFormat("upload", content);

    // Assess
    expect(detected).toBe(format);
  });
});

describe("detectFormat: inline", () => {
  it.each([
    ["transcribe: results.items", "x", '{"jobName":"j","status":"COMPLETED","results":{"transcripts":[],"items":[]}}', "transcribe"],
    ["transcribe: a failed job without results", "x.json", '{"jobName":"j","status":"FAILED"}', "transcribe"],
    ["chat-json: array", "x", '[{"text":"a"}]', "chat-json"],
    ["chat-json: {messages} over several lines", "x", '{\n "messages": [\n  {"text": "a"}\n ]\n}', "chat-json"],
    ["chat-json: an object of another shape, .json", "x.json", '{\n "items": []\n}', "chat-json"],
    ["chat-jsonl: one object per line", "x.log", '{"text":"a"}\n{"text":"b"}\n', "chat-jsonl"],
    ["chat-jsonl: a single-line message", "x", '{"text":"a"}', "chat-jsonl"],
    ["chat-jsonl: a bad line in a .jsonl", "x.jsonl", '{"text":"a"}\n{"text":\n', "chat-jsonl"],
    ["chat-json: broken JSON is routed to the JSON parser", "x", '{\n "messages": [\n', "chat-json"],
    ["chat-csv: extension", "x.csv", "just one line", "chat-csv"],
    ["chat-csv: a consistent comma header", "x", "speaker,text\nA,\"a, b\"\nB,c\n", "chat-csv"],
    ["plain-text: a comma in a single line", "x", "はい, 承知しました", "plain-text"],
    ["plain-text: rows of different widths", "x", "a,b\nc\n", "plain-text"],
    ["plain-text: text starting with a brace in a .txt", "x.txt", "{メモ} 山田：こんにちは", "plain-text"],
    ["plain-text: empty", "x", "", "plain-text"],
    ["line-talk, not JSON: a LINE talk history opening with a bracket", "talk", "[LINE] 佐藤商事 鈴木様とのトーク履歴\n保存日時：2024/06/03 18:20\n", "line-talk"],
    ["plain-text: a bracketed note that is no LINE header", "memo", "[メモ] 佐藤様へ折り返し\n", "plain-text"],
  ])("%s", (_name, file, content, format) => {
    // Act
    const detected = detectFormat(file, content);

    // Assess
    expect(detected).toBe(format);
  });
});

describe("parseConversations", () => {
  it.each([
    ["sales-call-diarized.json", {}, [["sales-call-20241105-0001", 21]]],
    ["support-call-stereo.json", {}, [["support-call-20241106-0107", 14]]],
    ["chatbot-log.jsonl", {}, [["bot-20241105-0012", 6], ["bot-20241105-0013", 6]]],
    ["lesson-chat.json", {}, [["lesson-20241106-eng-014", 10]]],
    ["helpdesk-export.csv", {}, [["HD-1042", 6], ["HD-1043", 4]]],
    ["notes.txt", {}, [["notes", 8]]],
  ] as const)("%s → valid conversations", (file, options, expected) => {
    // Prepare
    const content = readEvent(`conversations/${file}`);

    // Act
    const conversations = parseConversations(file, content, options);

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length])).toEqual(expected);
    for (const conversation of conversations) expect(ConversationSchema.safeParse(conversation).success).toBe(true);
  });

  it("applies roleMap to a Transcribe file", () => {
    // Prepare
    const content = readEvent("conversations/sales-call-diarized.json");

    // Act
    const [conversation] = parseConversations("sales-call-diarized.json", content, {
      roleMap: { spk_0: "agent", spk_1: "customer" },
    });

    // Assess
    expect(conversation?.utterances.slice(0, 2).map((u) => [u.speaker, u.role])).toEqual([
      ["spk_0", "agent"],
      ["spk_1", "customer"],
    ]);
  });

  it("honours a format override and a field map", () => {
    // Act
    const plain = parseConversations("x.csv", "山田：こんにちは\n", { format: "plain-text", conversationId: "memo-1" });
    const mapped = parseConversations("x.json", '[{"who":"講師","said":"はい"}]', { fields: { text: "said", speaker: "who" } });

    // Assess
    expect(plain).toEqual([
      {
        conversationId: "memo-1",
        source: "chat",
        utterances: [{ index: 0, speaker: "山田", text: "こんにちは" }],
        metadata: { format: "plain-text", file: "x.csv" },
      },
    ]);
    expect(mapped[0]?.utterances).toEqual([{ index: 0, speaker: "講師", role: "teacher", text: "はい" }]);
  });

  it("reports invalid JSON with line and column and without the input's text", () => {
    // Prepare
    const content = '{\n  "jobName": "call-7",\n  "results": {"transcripts": [{"transcript": "佐藤です。電話は090-1111-2222"}],,\n}';

    // Act
    let message = "";
    try {
      parseConversations("call-7.json", content);
    } catch (error) {
      expect(error).toBeInstanceOf(InputFormatError);
      message = (error as Error).message;
    }

    // Assess
    expect(message).toBe("call-7.json, line 3: invalid JSON at column 72 (expected a property name)");
    for (const secret of ["佐藤", "090", "transcript"]) expect(message).not.toContain(secret);
  });

  it("rejects a Transcribe job with status FAILED", () => {
    // Prepare
    const content = JSON.stringify({ jobName: "call-8", status: "FAILED", results: { transcripts: [], items: [] } });

    // Act
    const act = () => parseConversations("call-8.json", content);

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("call-8.json: Transcribe job status is FAILED, expected COMPLETED");
  });

  it("returns one conversation with zero utterances for a silent call", () => {
    // Prepare
    const content = JSON.stringify({
      jobName: "silent-1",
      status: "COMPLETED",
      results: { transcripts: [{ transcript: "" }], items: [], audio_segments: [] },
    });

    // Act
    const conversations = parseConversations("silent-1.json", content);

    // Assess
    expect(conversations).toEqual([
      {
        conversationId: "silent-1",
        source: "call",
        utterances: [],
        metadata: { format: "transcribe", file: "silent-1.json", jobName: "silent-1", segmentation: "transcript" },
      },
    ]);
  });

  it.each([
    ["an unknown key", { formatt: "chat-csv" }, "formatt"],
    ["an unknown format", { format: "excel" }, "format"],
    ["an unknown role", { roleMap: { ch_0: "boss" } }, "roleMap.ch_0"],
    ["an incomplete field map", { fields: { text: "本文" } }, "fields.speaker"],
    ["an empty conversation id", { conversationId: "" }, "conversationId"],
  ])("rejects options with %s as ConfigError", (_name, options, path) => {
    // Act
    const act = () => parseConversations("x.txt", "a", options as ParseOptions);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(path);
  });
});
