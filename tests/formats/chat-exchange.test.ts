import { describe, expect, it } from "vitest";
import { detectExchangeFields, parseChatCsv, parseChatJsonl } from "../../shared/formats/chat.js";
import { ConfigError, InputFormatError } from "../../shared/errors.js";
import { type ParseOptions, parseConversations } from "../../shared/formats/index.js";
import { readEvent } from "../helpers/fixtures.js";

describe("chat logs with one exchange per row", () => {
  it("reads the municipal chatbot log: header on line 4, user then assistant utterance per row", () => {
    // Prepare
    const text = readEvent("formats/chatbot-exchange.csv");

    // Act
    const conversations = parseConversations("chatbot-exchange.csv", text);

    // Assess
    expect(conversations).toHaveLength(1);
    expect(conversations[0]?.utterances.map((u) => [u.speaker, u.role, u.timestamp])).toEqual([
      ["中村 優子", "user", "2024-09-30T10:12:05"],
      ["市民窓口AI", "assistant", "2024-09-30T10:12:05"],
      ["中村 優子", "user", "2024-09-30T10:13:40"],
      ["市民窓口AI", "assistant", "2024-09-30T10:13:40"],
      ["user", "user", "2024-09-30T11:02:11"],
      ["市民窓口AI", "assistant", "2024-09-30T11:02:11"],
    ]);
    expect(conversations[0]?.utterances[2]?.text).toBe("住所は名古屋市緑区鳴海町字上汐田12-3です。\n電話は090-2231-6470です。");
  });

  it("reads session_id/user_id/user_message/agent_response rows (BOM, CRLF) into one conversation per session", () => {
    // Prepare
    const text = readEvent("formats/chatbot-exchange-simple.csv");

    // Act
    const conversations = parseConversations("chatbot-exchange-simple.csv", text);

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length, c.metadata["skippedMessages"]])).toEqual([
      ["S-2024-0917-01", 4, 0],
      ["S-2024-0917-02", 1, 1],
    ]);
    expect(conversations[0]?.utterances[1]).toEqual({
      index: 1,
      speaker: "assistant",
      role: "assistant",
      timestamp: "2024-09-17T13:02:44+09:00",
      text: "パスワード再設定ページからお手続きください。",
    });
  });

  it("uses an explicit exchange mapping, in JSONL too", () => {
    // Prepare
    const jsonl = '{"q":"こんにちは","a":"ご用件をどうぞ","who":"佐藤"}\n';

    // Act
    const [conversation] = parseConversations("bot.jsonl", jsonl, { fields: { userText: "q", assistantText: "a", userName: "who" } });

    // Assess
    expect(conversation?.utterances).toEqual([
      { index: 0, speaker: "佐藤", role: "user", text: "こんにちは" },
      { index: 1, speaker: "assistant", role: "assistant", text: "ご用件をどうぞ" },
    ]);
  });

  it("finds an explicitly mapped exchange header after metadata rows", () => {
    // Prepare
    const csv = "出力,2024/10/01\n質問文,回答文\nこんにちは,はい\n";

    // Act
    const [conversation] = parseChatCsv(csv, { file: "x.csv", fields: { userText: "質問文", assistantText: "回答文" } });

    // Assess
    expect(conversation?.utterances.map((u) => [u.role, u.text])).toEqual([
      ["user", "こんにちは"],
      ["assistant", "はい"],
    ]);
  });

  it("rejects a mapping with a missing assistant column, naming it", () => {
    // Act
    const act = () => parseChatJsonl('{"q":"こんにちは"}\n', { file: "bot.jsonl", fields: { userText: "q", assistantText: "a" } });

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("bot.jsonl: mapped assistantText field 'a' is in no message; fields present: 'q'");
  });

  it("reports an incomplete exchange mapping by the closest shape", () => {
    // Act
    const act = () => parseConversations("x.csv", "a", { fields: { userText: "q" } } as ParseOptions);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow("invalid parse options: fields.assistantText: Invalid input: expected string, received undefined");
  });

  it("names the row of the wrong width", () => {
    // Prepare
    const text = readEvent("formats/malformed/chatbot-exchange-ragged-row.csv");

    // Act
    const act = () => parseConversations("chatbot-exchange-ragged-row.csv", text);

    // Assess
    expect(act).toThrow("chatbot-exchange-ragged-row.csv, line 3: row has 4 fields, the header has 3");
  });
});

describe("detectExchangeFields", () => {
  it.each([
    [
      ["agent_name", "session_created_user_name", "session_message_timestamp", "session_message_user_content_text", "session_message_assistant_content_text"],
      {
        userText: "session_message_user_content_text",
        assistantText: "session_message_assistant_content_text",
        userName: "session_created_user_name",
        assistantName: "agent_name",
        timestamp: "session_message_timestamp",
      },
    ],
    [["session_id", "user_id", "timestamp", "user_message", "agent_response"], { userText: "user_message", assistantText: "agent_response", userName: "user_id", timestamp: "timestamp", conversationId: "session_id" }],
    [["日時", "質問", "回答"], { userText: "質問", assistantText: "回答", timestamp: "日時" }],
    [["UserMessageText", "BotReplyText"], { userText: "UserMessageText", assistantText: "BotReplyText" }],
    [["speaker", "text"], undefined],
    [["user_message", "note"], undefined],
  ])("%j", (columns, expected) => {
    // Act
    const fields = detectExchangeFields(columns);

    // Assess
    expect(fields).toEqual(expected);
  });
});
