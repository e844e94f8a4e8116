import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import {
  baseName,
  ChatFieldMapSchema,
  detectChatFields,
  mapRoleWord,
  parseChatCsv,
  parseChatJson,
  parseChatJsonl,
  parseJsonText,
} from "../../shared/formats/chat.js";
import { readEvent } from "../helpers/fixtures.js";

/** Runs `act`, expects an InputFormatError, and returns its message. */
function errorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return (error as Error).message;
  }
  throw new Error("expected an InputFormatError");
}

describe("parseChatJsonl: chatbot-log.jsonl", () => {
  it("groups messages by session_id in order of first appearance", () => {
    // Prepare
    const content = readEvent("conversations/chatbot-log.jsonl");

    // Act
    const conversations = parseChatJsonl(content, { file: "chatbot-log.jsonl" });

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length])).toEqual([
      ["bot-20241105-0012", 6],
      ["bot-20241105-0013", 6],
    ]);
    expect(conversations[0]?.source).toBe("chat");
    expect(conversations[0]?.metadata).toEqual({
      format: "chat-jsonl",
      file: "chatbot-log.jsonl",
      messages: 6,
      skippedMessages: 0,
    });
  });

  it.each([
    [0, 0, "guest-4821", "user", "2024-11-05T10:02:11+09:00", "注文した商品の配送先を変更したいです。注文番号は A-20241105-7731 です。"],
    [0, 2, "guest-4821", "user", "2024-11-05T10:03:02+09:00", "小林美咲です。電話は080-2468-1357です。"],
    [1, 2, "guest-5190", "user", "2024-11-05T11:16:05+09:00", "h.tanaka.1985@example.com です"],
    [1, 5, "support-bot", "assistant", "2024-11-05T11:18:41+09:00", "どういたしまして。ほかにご不明な点はございますか。"],
  ] as const)("conversation %i utterance %i", (conversation, index, speaker, role, timestamp, text) => {
    // Prepare
    const content = readEvent("conversations/chatbot-log.jsonl");

    // Act
    const conversations = parseChatJsonl(content, { file: "chatbot-log.jsonl" });

    // Assess
    expect(conversations[conversation]?.utterances[index]).toEqual({ index, speaker, role, timestamp, text });
  });

  it("names the line number of a line that is not JSON, without quoting it", () => {
    // Prepare
    const content = '{"text":"一行目"}\n\n{"text":"山田花子 090-1111-2222"\n';

    // Act
    const message = errorMessage(() => parseChatJsonl(content, { file: "bot.jsonl" }));

    // Assess
    expect(message).toBe("bot.jsonl, line 3: invalid JSON at column 29 (unexpected end of input)");
    expect(message).not.toContain("山田");
  });

  it("names the line number of a line that is JSON but not an object", () => {
    // Prepare
    const content = '{"text":"a"}\r\n["b"]\r\n';

    // Act
    const message = errorMessage(() => parseChatJsonl(content, { file: "bot.jsonl" }));

    // Assess
    expect(message).toBe("bot.jsonl, line 2: line is not a JSON object");
  });

  it("names the line of a message whose text is not a string", () => {
    // Prepare
    const content = '{"text":"a"}\n{"text":{"html":"<p>b</p>"}}\n';

    // Act
    const message = errorMessage(() => parseChatJsonl(content, { file: "bot.jsonl" }));

    // Assess
    expect(message).toBe("bot.jsonl, line 2: message: field 'text' is not text");
  });
});

describe("parseChatJson: lesson-chat.json", () => {
  it("reads {messages} with the room_id of the root object as conversation id", () => {
    // Prepare
    const content = readEvent("conversations/lesson-chat.json");

    // Act
    const conversations = parseChatJson(content, { file: "lesson-chat.json" });

    // Assess
    expect(conversations).toHaveLength(1);
    const [lesson] = conversations;
    expect(lesson?.conversationId).toBe("lesson-20241106-eng-014");
    expect(lesson?.utterances).toHaveLength(10);
    expect(new Set(lesson?.utterances.map((u) => `${u.speaker}/${u.role}`))).toEqual(
      new Set(["Emily/teacher", "松本 翔太/student"]),
    );
    expect(lesson?.utterances[3]).toEqual({
      index: 3,
      speaker: "松本 翔太",
      role: "student",
      timestamp: "2024-11-06T19:02:41",
      text: "松本翔太です。17歳で、札幌の白樺学院高校に通っています。",
    });
    expect(lesson?.utterances[4]?.text).toBe('いいですね。では英語で言ってみましょう。"My name is" から始めてください。');
  });

  it("reads a plain array and derives the conversation id from the file name", () => {
    // Prepare
    const content = JSON.stringify([
      { author: "講師", body: "宿題はできましたか？" },
      { author: "生徒", body: "はい。" },
    ]);

    // Act
    const conversations = parseChatJson(content, { file: "exports/lesson.2024-11.json" });

    // Assess
    expect(conversations).toEqual([
      {
        conversationId: "lesson.2024-11",
        source: "chat",
        utterances: [
          { index: 0, speaker: "講師", role: "teacher", text: "宿題はできましたか？" },
          { index: 1, speaker: "生徒", role: "student", text: "はい。" },
        ],
        metadata: { format: "chat-json", file: "exports/lesson.2024-11.json", messages: 2, skippedMessages: 0 },
      },
    ]);
  });

  it("skips messages without text and counts them", () => {
    // Prepare
    const content = JSON.stringify({
      messages: [{ user: "U1", text: "" }, { user: "U1", text: "こんにちは" }, { user: "U2", files: [] }],
    });

    // Act
    const [conversation] = parseChatJson(content, { file: "slack.json" });

    // Assess
    expect(conversation?.utterances).toEqual([{ index: 0, speaker: "U1", text: "こんにちは" }]);
    expect(conversation?.metadata["skippedMessages"]).toBe(2);
  });

  it("follows dotted paths in an explicit field map", () => {
    // Prepare
    const content = JSON.stringify([
      { message_id: "1", account: { account_id: 11, name: "鈴木" }, body: "[To:12]佐藤さん 資料です", send_time: 1730768400 },
    ]);
    const fields = ChatFieldMapSchema.parse({ text: "body", speaker: "account.name", timestamp: "send_time" });

    // Act
    const [conversation] = parseChatJson(content, { file: "chatwork.json", fields });

    // Assess
    expect(conversation?.utterances).toEqual([
      { index: 0, speaker: "鈴木", timestamp: "2024-11-05T01:00:00.000Z", text: "[To:12]佐藤さん 資料です" },
    ]);
  });

  it("reports a syntax error with line and column and no input text", () => {
    // Prepare
    const content = '[\n  {"speaker": "山田", "text": "電話は090-1111-2222です"},\n  {"speaker": "佐藤", "text": }\n]\n';

    // Act
    const message = errorMessage(() => parseChatJson(content, { file: "chat.json" }));

    // Assess
    expect(message).toBe("chat.json, line 3: invalid JSON at column 29 (unexpected character)");
    for (const secret of ["山田", "佐藤", "090", "電話"]) expect(message).not.toContain(secret);
  });

  it.each([
    ["a string root", '"hello"', "chat.json: expected a JSON array of messages or an object with a 'messages' array"],
    ["an object without messages", '{"items": []}', "chat.json: expected a JSON array of messages or an object with a 'messages' array"],
    ["a message that is not an object", '[{"text":"a"}, "b"]', "chat.json: message 2 is not a JSON object"],
  ])("rejects %s", (_name, content, expected) => {
    // Act
    const message = errorMessage(() => parseChatJson(content, { file: "chat.json" }));

    // Assess
    expect(message).toBe(expected);
  });

  it("lists the fields found when no text field exists", () => {
    // Prepare
    const content = JSON.stringify([{ speaker: "山田", said: "こんにちは", time: "10:00" }]);

    // Act
    const message = errorMessage(() => parseChatJson(content, { file: "chat.json" }));

    // Assess
    expect(message).toBe(
      "chat.json: no message text field found; fields present: 'speaker', 'said', 'time'; " +
        "expected one of text, message, content, body, 内容, 本文, メッセージ or a 'fields' mapping",
    );
  });

  it("rejects an explicit text field that no message has", () => {
    // Prepare
    const content = JSON.stringify([{ who: "a", said: "b" }]);

    // Act
    const message = errorMessage(() =>
      parseChatJson(content, { file: "chat.json", fields: { text: "utterance", speaker: "who" } }),
    );

    // Assess
    expect(message).toBe("chat.json: mapped text field 'utterance' is in no message; fields present: 'who', 'said'");
  });
});

describe("parseChatCsv: helpdesk-export.csv (BOM, CRLF, LF inside quotes)", () => {
  it("groups rows by thread_id and keeps multi-line cells with LF", () => {
    // Prepare
    const content = readEvent("conversations/helpdesk-export.csv");

    // Act
    const conversations = parseChatCsv(content, { file: "helpdesk-export.csv" });

    // Assess
    expect(content.charCodeAt(0)).toBe(0xfeff);
    expect(content).toContain("\r\n");
    expect(conversations.map((c) => [c.conversationId, c.utterances.length])).toEqual([
      ["HD-1042", 6],
      ["HD-1043", 4],
    ]);
    expect(conversations[0]?.utterances[2]).toEqual({
      index: 2,
      speaker: "岡田 直樹",
      role: "customer",
      timestamp: "2024-11-05T09:31:00",
      text: "シリアル番号は SN-48213-7790 です。\n名前は岡田直樹、電話番号は 03-6789-0123 です。",
    });
    expect(conversations[1]?.utterances[3]).toEqual({
      index: 3,
      speaker: "サポート 森",
      role: "agent",
      timestamp: "2024-11-05T14:10:00",
      text: "セキュリティのため、カード番号を含むメッセージは削除いたしました。下4桁8904のカードで登録を承りました。年会費は5,500円（税込）です。",
    });
  });

  it("parses a BOM, CRLF rows, CRLF and LF inside quotes and doubled quotes", () => {
    // Prepare
    const content = '\ufeffSpeaker,Message,Time\r\nお客様,"1行目\n2行目",2024-11-05 10:00\r\nオペレーター,"「""確認""します」\r\n少々お待ちください",2024-11-05 10:01\r\n';

    // Act
    const [conversation] = parseChatCsv(content, { file: "desk.csv" });

    // Assess
    expect(conversation?.conversationId).toBe("desk");
    expect(conversation?.utterances).toEqual([
      { index: 0, speaker: "お客様", role: "customer", timestamp: "2024-11-05T10:00:00", text: "1行目\n2行目" },
      { index: 1, speaker: "オペレーター", role: "agent", timestamp: "2024-11-05T10:01:00", text: '「"確認"します」\n少々お待ちください' },
    ]);
  });

  it("finds the header after metadata rows (LINE official account export)", () => {
    // Prepare
    const content = [
      "トーク履歴,サンプル店",
      "保存日時：2024/06/03 18:20",
      "",
      "送信者タイプ,送信者名,送信日,送信時刻,内容",
      'User,山本 花子,2024/06/01,10:02,"予約変更です\n電話 080-0000-5678"',
      "Account,応答メッセージ,2024/06/01,10:02,お問い合わせありがとうございます。",
      "",
    ].join("\n");

    // Act
    const [conversation] = parseChatCsv(content, { file: "line-oa.csv" });

    // Assess
    expect(conversation?.utterances).toEqual([
      { index: 0, speaker: "山本 花子", role: "user", text: "予約変更です\n電話 080-0000-5678" },
      { index: 1, speaker: "応答メッセージ", role: "assistant", text: "お問い合わせありがとうございます。" },
    ]);
  });

  it("uses an explicit field map and roleMap by speaker", () => {
    // Prepare
    const content = "担当,発話,日時\n田中,こんにちは,2024/11/05 9:05:30\n佐藤,はい,\n";

    // Act
    const [conversation] = parseChatCsv(content, {
      file: "mapped.csv",
      fields: { text: "発話", speaker: "担当", timestamp: "日時" },
      roleMap: { 田中: "agent" },
    });

    // Assess
    expect(conversation?.utterances).toEqual([
      { index: 0, speaker: "田中", role: "agent", timestamp: "2024-11-05T09:05:30", text: "こんにちは" },
      { index: 1, speaker: "佐藤", text: "はい" },
    ]);
  });

  it("reads columns named like Object.prototype members as plain columns", () => {
    // Prepare
    const content = "__proto__,constructor,text\nx,y,こんにちは\n";

    // Act
    const [conversation] = parseChatCsv(content, { file: "odd.csv", fields: { text: "text", speaker: "constructor" } });

    // Assess
    expect(conversation?.utterances).toEqual([{ index: 0, speaker: "y", text: "こんにちは" }]);
  });

  it("skips rows of blanks", () => {
    // Prepare
    const content = "speaker,text\n , \nA,はい\n";

    // Act
    const [conversation] = parseChatCsv(content, { file: "blank.csv" });

    // Assess
    expect(conversation?.utterances).toEqual([{ index: 0, speaker: "A", text: "はい" }]);
  });

  it("lists the columns when no text column exists", () => {
    // Prepare
    const content = "speaker,timestamp,comment\nお客様,2024-11-05,山田です\n";

    // Act
    const message = errorMessage(() => parseChatCsv(content, { file: "desk.csv" }));

    // Assess
    expect(message).toBe(
      "desk.csv, line 1: no message text field found; fields present: 'speaker', 'timestamp', 'comment'; " +
        "expected one of text, message, content, body, 内容, 本文, メッセージ or a 'fields' mapping",
    );
  });

  it("does not list data-looking names of a header-less file", () => {
    // Prepare
    const content = "山田,yamada@example.com,090-1111-2222\n佐藤,sato@example.com,080-3333-4444\n";

    // Act
    const message = errorMessage(() => parseChatCsv(content, { file: "noheader.csv" }));

    // Assess
    expect(message).toContain("fields present: '山田', (column 2), (column 3);");
    expect(message).not.toContain("example.com");
    expect(message).not.toContain("1111");
  });

  it("rejects a mapped column that the header lacks", () => {
    // Prepare
    const content = "本文,担当\nこんにちは,田中\n";

    // Act
    const message = errorMessage(() =>
      parseChatCsv(content, { file: "m.csv", fields: { text: "本文", speaker: "担当者" } }),
    );

    // Assess
    expect(message).toBe("m.csv, line 1: mapped speaker column '担当者' not found; columns present: '本文', '担当'");
  });

  it("names the starting line of a row with the wrong number of fields", () => {
    // Prepare
    const content = 'speaker,text\r\na,"複数\r\n行"\r\n\r\nb,x,山田\r\n';

    // Act
    const message = errorMessage(() => parseChatCsv(content, { file: "bad.csv" }));

    // Assess
    expect(message).toBe("bad.csv, line 5: row has 3 fields, the header has 2");
  });

  it("reports an unclosed quote without quoting the value", () => {
    // Prepare
    const content = 'speaker,text\na,"山田 090-1111-2222\n';

    // Act
    const message = errorMessage(() => parseChatCsv(content, { file: "bad.csv" }));

    // Assess
    expect(message).toBe("bad.csv, line 2: invalid CSV: a quoted field is never closed");
  });

  it("reports a bad closing quote without quoting the value", () => {
    // Prepare
    const content = 'speaker,text\na,"山田"様です\n';

    // Act
    const message = errorMessage(() => parseChatCsv(content, { file: "bad.csv" }));

    // Assess
    expect(message).toBe("bad.csv, line 2: invalid CSV: unexpected character after a closing quote");
  });
});

describe("roles, timestamps and field detection", () => {
  it.each([
    ["agent", "agent"],
    ["Operator", "agent"],
    ["オペレーター", "agent"],
    ["ｵﾍﾟﾚｰﾀｰ", "agent"],
    ["user", "user"],
    ["User", "user"],
    ["customer", "customer"],
    ["お客様", "customer"],
    ["bot", "assistant"],
    ["assistant", "assistant"],
    ["Account", "assistant"],
    ["teacher", "teacher"],
    ["講師", "teacher"],
    ["先生", "teacher"],
    ["student", "student"],
    ["生徒", "student"],
    [" system ", "system"],
    ["山田", undefined],
    ["constructor", undefined],
    ["", undefined],
  ])("mapRoleWord(%j) → %s", (value, role) => {
    // Act
    const result = mapRoleWord(value);

    // Assess
    expect(result).toBe(role);
  });

  it("prefers roleMap by speaker, then roleMap by role value, then role words", () => {
    // Prepare
    const content = [
      '{"from":"鈴木","role":"staff","text":"a"}',
      '{"from":"U-1","role":"guest","text":"b"}',
      '{"from":"U-2","role":"customer","text":"c"}',
      '{"from":"U-3","role":"","text":"d"}',
    ].join("\n");

    // Act
    const [conversation] = parseChatJsonl(content, {
      file: "r.jsonl",
      roleMap: { 鈴木: "agent", guest: "customer", staff: "system" },
    });

    // Assess
    expect(conversation?.utterances.map((u) => u.role)).toEqual(["agent", "customer", "customer", undefined]);
  });

  it("infers the role from the speaker when there is no role field", () => {
    // Prepare
    const content = '{"speaker":"bot","text":"ご用件をどうぞ"}\n{"speaker":"山田","text":"解約です"}\n';

    // Act
    const [conversation] = parseChatJsonl(content, { file: "r.jsonl" });

    // Assess
    expect(conversation?.utterances.map((u) => [u.speaker, u.role])).toEqual([
      ["bot", "assistant"],
      ["山田", undefined],
    ]);
  });

  it.each([
    ["2024-11-05T10:02:11+09:00", "2024-11-05T10:02:11+09:00"],
    ["2024/11/5 9:03", "2024-11-05T09:03:00"],
    ["2024-11-05 10:02:11.250+0900", "2024-11-05T10:02:11.250+09:00"],
    ["2024/11/05", "2024-11-05"],
    [1730768400, "2024-11-05T01:00:00.000Z"],
    [1730768400123, "2024-11-05T01:00:00.123Z"],
    ["1730768400.000200", "2024-11-05T01:00:00.000Z"],
    ["昨日 10:00", "昨日 10:00"],
  ])("timestamp %j → %s", (value, expected) => {
    // Prepare
    const content = JSON.stringify([{ text: "x", ts: value }]);

    // Act
    const [conversation] = parseChatJson(content, { file: "t.json" });

    // Assess
    expect(conversation?.utterances[0]?.timestamp).toBe(expected);
  });

  it.each([
    [["Text", "User", "Time"], { text: "Text", speaker: "User", timestamp: "Time" }],
    [["送信日時", "送信者タイプ", "送信者名", "本文"], { text: "本文", speaker: "送信者名", timestamp: "送信日時", role: "送信者タイプ" }],
    [["body", "author", "created_at", "thread_id"], { text: "body", speaker: "author", timestamp: "created_at", conversationId: "thread_id" }],
    [["message", "name", "speaker", "SESSION_ID"], { text: "message", speaker: "speaker", conversationId: "SESSION_ID" }],
    [["content", "sender", "sender_type", "ts"], { text: "content", speaker: "sender", role: "sender_type", timestamp: "ts" }],
  ])("detectChatFields(%j)", (columns, expected) => {
    // Act
    const fields = detectChatFields(columns, "f.csv");

    // Assess
    expect(fields).toEqual(expected);
  });

  it("rejects unknown keys in a field map", () => {
    // Act
    const result = ChatFieldMapSchema.safeParse({ text: "a", speaker: "b", speeker: "c" });

    // Assess
    expect(result.success).toBe(false);
  });

  it.each([
    ["in/chat/log.v2.jsonl", "log.v2"],
    ["C:\\exports\\desk.csv", "desk"],
    ["notes", "notes"],
    [".hidden", ".hidden"],
  ])("baseName(%j) → %j", (file, expected) => {
    // Act
    const result = baseName(file);

    // Assess
    expect(result).toBe(expected);
  });
});

describe("parseJsonText", () => {
  it.each([
    ['{"a": }', 1, 7, "unexpected character"],
    ['{"a": 1', 1, 8, "unexpected end of input"],
    ["[1, 2,]", 1, 7, "unexpected character"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}'"],
    ['{"a": "tab\there"}', 1, 11, "control character in string"],
    ['{"a": "\\x"}', 1, 8, "invalid escape in string"],
    ['{"a": "open', 1, 12, "unterminated string"],
    ["{} {}", 1, 4, "unexpected character after the JSON value"],
    ["{'a': 1}", 1, 2, "expected a property name"],
    ["\r\n\r\n  nope", 3, 3, "unexpected character"],
  ])("%j → line %i, column %i (%s)", (content, line, column, reason) => {
    // Act
    const message = errorMessage(() => parseJsonText(content, "x.json"));

    // Assess
    expect(message).toBe(`x.json, line ${line}: invalid JSON at column ${column} (${reason})`);
  });

  it("offsets lines by firstLine and accepts a BOM", () => {
    // Act
    const value = parseJsonText('\ufeff{"a":1}', "x.json");
    const message = errorMessage(() => parseJsonText("{", "x.jsonl", 41));

    // Assess
    expect(value).toEqual({ a: 1 });
    expect(message).toBe("x.jsonl, line 41: invalid JSON at column 2 (unexpected end of input)");
  });
});
