import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { chatworkFormat, tokenizeChatworkBody } from "../../shared/formats/chatwork.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";
import { keepFormatInput, testEngine } from "./keep-format-helpers.js";

const ROOM = "formats/chatwork/room-messages.json";

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

function parseRoom(): Conversation {
  const [room] = chatworkFormat.parse(readEvent(ROOM), { file: "room-messages.json" });
  if (room === undefined) throw new Error("no conversation");
  return room;
}

describe("chatwork: parse", () => {
  it("reads one room as one conversation", () => {
    // Act
    const room = parseRoom();

    // Assess
    expect(room.conversationId).toBe("room-messages");
    expect(room.source).toBe("chat");
    expect(room.metadata).toEqual({ format: "chatwork", file: "room-messages.json", messages: 6, skippedMessages: 0 });
  });

  it.each([
    [0, "鈴木 一郎", "2024-06-03T02:00:00.000Z", "[To:<SPEAKER_2>]さん\nお世話になっております。先日の見積書について確認させてください。\n私の携帯は 090-2222-3333 です。"],
    [1, "佐藤 花子", "2024-06-03T02:10:00.000Z", "[rp:<SPEAKER_1>]さん\nご連絡ありがとうございます。\n[info][title]打ち合わせ候補[/title]6月10日 14:00〜 弊社本社（東京都千代田区丸の内1-2-3 丸の内ビル5階）\n担当: 佐藤 花子[/info]"],
    [2, "鈴木 一郎", "2024-06-03T02:20:00.000Z", "[qt][qtmeta:<SPEAKER_2>]6月10日 14:00〜 弊社本社[/qt]承知しました。メールは ichiro.suzuki@example.com にお願いします。[hr]<SPEAKER_3>さんにも共有します。"],
    [3, "佐藤 花子", "2024-06-03T02:30:00.000Z", "[toall]\n[code]接続元: 198.51.100.23[/code]\nVPN の接続元を確認しました。[download]見積書_鈴木様.pdf[/download]"],
    [4, "鈴木 一郎", "2024-06-03T02:40:00.000Z", "[To:<SPEAKER_2>] 様 [To:<SPEAKER_3>]様\n[task:<SPEAKER_3>]請求書の送付 (担当 高橋 誠)[/task]"],
    [5, "佐藤 花子", "2024-06-03T02:50:00.000Z", "[deleted]"],
  ])("utterance %i", (index, speaker, timestamp, text) => {
    // Act
    const room = parseRoom();

    // Assess
    expect(room.utterances[index]).toEqual({ index, speaker, timestamp, text });
  });

  it("maps roles by name or account id when asked", () => {
    // Act
    const [room] = chatworkFormat.parse(readEvent(ROOM), {
      file: "room-messages.json",
      roleMap: { "2345678": "agent", "鈴木 一郎": "customer" },
    });

    // Assess
    expect(room?.utterances.map((utterance) => utterance.role)).toEqual(["customer", "agent", "customer", "agent", "customer", "agent"]);
  });

  it("reads the {room_id, messages} wrapping and takes the room id as the conversation id", () => {
    // Act
    const conversations = chatworkFormat.parse(readEvent("formats/chatwork/room-wrapped.json"), { file: "room-wrapped.json" });

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length])).toEqual([["98765432", 2]]);
  });

  it("skips messages with a blank body and counts them", () => {
    // Prepare
    const text = JSON.stringify([
      { message_id: "1", account: { account_id: 1, name: "山田" }, body: " \n", send_time: 1717380000 },
      { message_id: "2", account: { account_id: 2, name: "佐藤" }, body: "了解です", send_time: 1717380060 },
    ]);

    // Act
    const [room] = chatworkFormat.parse(text, { file: "r.json" });

    // Assess
    expect(room?.utterances.map((u) => [u.speaker, u.text])).toEqual([["佐藤", "了解です"]]);
    expect(room?.metadata["skippedMessages"]).toBe(1);
  });
});

describe("chatwork: body notation", () => {
  it.each([
    ["the name after [To:] ends at the honorific", "[To:1]鈴木 一郎さん 見積書です", ["tag", "name:鈴木 一郎", "text:さん 見積書です"]],
    ["without an honorific the whole line is the name", "[To:1]Ichiro Suzuki\n本文", ["tag", "name:Ichiro Suzuki", "text:\n本文"]],
    ["a reply with a space before the name", "[rp aid=1 to=2-3] 佐藤様\n了解", ["tag", "text: ", "name:佐藤", "text:様\n了解"]],
    ["[To:all-text] is not a tag", "[To:abc]本文", ["text:[To:abc]本文"]],
    ["brackets of other kinds are text", "[重要][PII] 本文", ["text:[重要][PII] 本文"]],
    ["nested quote with info", "[qt][qtmeta aid=5 time=1][info]x[/info][/qt]", ["tag", "tag", "tag", "text:x", "tag", "tag"]],
  ])("%s", (_name, body, kinds) => {
    // Act
    const tokens = tokenizeChatworkBody(body);

    // Assess
    expect(tokens.map((token) => (token.kind === "tag" ? "tag" : `${token.kind}:${token.value}`))).toEqual(kinds);
  });
});

describe("chatwork: malformed input", () => {
  it.each([
    ["missing body", "formats/chatwork/malformed-missing-body.json", "malformed-missing-body.json, line 13: Chatwork message 2: body: Invalid input: expected string, received undefined"],
    ["account id that is not a number", "formats/chatwork/malformed-account-id.json", "malformed-account-id.json, line 5: Chatwork message 1: account.account_id: Invalid input: expected number, received string"],
  ])("%s: names file, line and field, never the content", (_name, path, expected) => {
    // Act
    const message = errorMessage(() => chatworkFormat.parse(readEvent(path), { file: path.split("/").pop() as string }));

    // Assess
    expect(message).toBe(expected);
    expect(message).not.toMatch(/山田|090|佐藤/);
  });

  it("names the line and column of broken JSON", () => {
    // Act
    const message = errorMessage(() => chatworkFormat.parse('[{"message_id": "1",\n "body": "山田 090-1111-2222"', { file: "r.json" }));

    // Assess
    expect(message).toBe("r.json, line 2: invalid JSON at column 28 (unexpected end of input)");
  });

  it("refuses a JSON value of another shape", () => {
    // Act
    const message = errorMessage(() => chatworkFormat.parse('{"room": 1}', { file: "r.json" }));

    // Assess
    expect(message).toBe("r.json: expected a JSON array of Chatwork messages or an object with a 'messages' array");
  });
});

describe("chatwork: keep-format", () => {
  it("keeps every tag, pseudonymizes account ids, masks text and the names after [To:]/[rp]", () => {
    // Prepare
    const { input } = keepFormatInput(chatworkFormat, "room-messages.json", readEvent(ROOM));

    // Act
    const rendered = JSON.parse(chatworkFormat.render(input)) as Array<{ account: unknown; body: string; message_id: string; send_time: number }>;

    // Assess
    expect(rendered.map((message) => message.account)).toEqual([
      { account_id: 1, name: "speaker_1", avatar_image_url: "" },
      { account_id: 2, name: "speaker_2", avatar_image_url: "" },
      { account_id: 1, name: "speaker_1", avatar_image_url: "" },
      { account_id: 2, name: "speaker_2", avatar_image_url: "" },
      { account_id: 1, name: "speaker_1", avatar_image_url: "" },
      { account_id: 2, name: "speaker_2", avatar_image_url: "" },
    ]);
    expect(rendered.map((message) => message.body)).toEqual([
      "[To:2]speaker_2さん\nお世話になっております。先日の見積書について確認させてください。\n私の携帯は <PHONE_1> です。",
      "[rp aid=1 to=98765432-1712345678901234567]speaker_1さん\nご連絡ありがとうございます。\n[info][title]打ち合わせ候補[/title]6月10日 14:00〜 弊社本社（<ADDRESS_1>）\n担当: <PERSON_1>[/info]",
      "[qt][qtmeta aid=2 time=1717380600]6月10日 14:00〜 弊社本社[/qt]承知しました。メールは <EMAIL_1> にお願いします。[hr][piconname:3]さんにも共有します。",
      "[toall]\n[code]接続元: <IP_ADDRESS_1>[/code]\nVPN の接続元を確認しました。[download:98765]見積書_<PERSON_2>様.pdf[/download]",
      "[To:2] speaker_2様 [To:3]speaker_3様\n[task aid=3 st=open lt=1718000000]請求書の送付 (担当 高橋 誠)[/task]",
      "[deleted]",
    ]);
    expect(rendered.map((message) => [message.message_id, message.send_time])[0]).toEqual(["1712345678901234567", 1717380000]);
    expect(JSON.stringify(rendered)).not.toMatch(/鈴木|佐藤|\b(?:1234567|2345678|3456789)\b|090-2222|ichiro|198\.51|丸の内1/);
  });

  it("keeps the input's layout (compact JSON stays compact, an indented wrapper stays indented)", () => {
    // Prepare
    const compact = keepFormatInput(chatworkFormat, "room-messages.json", readEvent(ROOM)).input;
    const wrapped = keepFormatInput(chatworkFormat, "room-wrapped.json", readEvent("formats/chatwork/room-wrapped.json")).input;

    // Act
    const outputs = [chatworkFormat.render(compact), chatworkFormat.render(wrapped)];

    // Assess
    expect(outputs[0]?.startsWith('[{"message_id":"1712345678901234567","account":{"account_id":1,')).toBe(true);
    expect(outputs[1]?.startsWith('{\n  "room_id": 98765432,\n  "messages": [\n    {\n      "message_id"')).toBe(true);
    expect(outputs[1]?.endsWith("}\n")).toBe(true);
  });

  it("round trip: the rendered room parses to the anonymized conversation", () => {
    // Prepare
    const { anonymized, input } = keepFormatInput(chatworkFormat, "room-messages.json", readEvent(ROOM));

    // Act
    const again = chatworkFormat.parse(chatworkFormat.render(input), { file: "room-messages.json" });

    // Assess
    expect(again).toEqual(anonymized.map((a) => a.conversation));
  });

  it("mentions use the number of the speaker_N the engine gives that account", () => {
    // Prepare
    const room = parseRoom();

    // Act
    const anonymized = testEngine().anonymizeConversation(room).conversation;

    // Assess: 佐藤 (account 2345678) is addressed as <SPEAKER_2> and speaks as speaker_2
    expect(anonymized.utterances[1]?.speaker).toBe("speaker_2");
    expect(anonymized.utterances[0]?.text.startsWith("[To:<SPEAKER_2>]")).toBe(true);
  });

  it("refuses anonymized conversations that do not belong to the input", () => {
    // Prepare
    const { input } = keepFormatInput(chatworkFormat, "room-messages.json", readEvent(ROOM));

    // Act
    const message = errorMessage(() => chatworkFormat.render({ ...input, anonymized: [] }));

    // Assess
    expect(message).toBe("room-messages.json: keep-format got 0 anonymized conversations for 1 parsed ones");
  });
});
