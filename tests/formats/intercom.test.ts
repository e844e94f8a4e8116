import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { intercomFormat } from "../../shared/formats/intercom.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";
import { keepFormatInput } from "./keep-format-helpers.js";

const CONVERSATION = "formats/intercom/conversation.json";
const ARRAY = "formats/intercom/conversations-array.json";
const LIST = "formats/intercom/conversation-list.json";

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

const parse = (path: string): Conversation[] => intercomFormat.parse(readEvent(path), { file: path.split("/").pop() as string });

describe("intercom: parse", () => {
  it.each([
    [CONVERSATION, [["147", 5, 2]]],
    [ARRAY, [["147", 5, 2], ["148", 2, 0]]],
    [LIST, [["148", 2, 0]]],
  ])("%s: one conversation per conversation object, parts without a body skipped", (path, expected) => {
    // Act
    const conversations = parse(path);

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length, c.metadata["skippedMessages"]])).toEqual(expected);
  });

  it.each([
    [0, "中村 優子", "customer", "2024-06-03T03:00:00.000Z", "こんにちは。注文番号 A-20240603-77 の配送について質問です。\n私は中村 優子です。電話は080-4444-5555です。"],
    [1, "7001", "assistant", "2024-06-03T03:01:00.000Z", "自動応答: お問い合わせありがとうございます。担当者におつなぎします。"],
    [2, "小川 拓也", "agent", "2024-06-03T03:06:40.000Z", "中村様、担当の小川です。\nご登録のメールアドレス yuko.nakamura@example.com に追跡番号をお送りしました。\nお届け先は\u00a0東京都目黒区中目黒3-5-7 & 2F でよろしいでしょうか？"],
    [3, "小川 拓也", "agent", "2024-06-03T03:08:20.000Z", "社内メモ: 中村様の旧住所は\n東京都目黒区下目黒1-2-3"],
    [4, "中村 優子", "customer", "2024-06-03T03:13:20.000Z", "はい、それで大丈夫です。ありがとうございます！"],
  ])("utterance %i (text nodes of the HTML body; admin → agent, bot → assistant, user → customer)", (index, speaker, role, timestamp, text) => {
    // Act
    const [conversation] = parse(CONVERSATION);

    // Assess
    expect(conversation?.utterances[index]).toEqual({ index, speaker, role, timestamp, text });
  });

  it("a lead without a name is named by its id and is a customer", () => {
    // Act
    const lead = parse(LIST)[0];

    // Assess
    expect(lead?.utterances.map((u) => [u.speaker, u.role])).toEqual([["6a0b", "customer"], ["森 由美", "agent"]]);
  });
});

describe("intercom: malformed input", () => {
  it("names the line and field of a part without an author, never the content", () => {
    // Act
    const message = errorMessage(() => parse("formats/intercom/malformed-part-author.json"));

    // Assess
    expect(message).toBe(
      "malformed-part-author.json, line 25: conversation 1: conversation_parts.conversation_parts[0].author: Invalid input: expected object, received undefined",
    );
    expect(message).not.toMatch(/木村|kimura/);
  });

  it("refuses JSON of another shape", () => {
    // Act
    const message = errorMessage(() => intercomFormat.parse('{"type": "admin", "name": "小川"}', { file: "c.json" }));

    // Assess
    expect(message).toBe('c.json: expected an Intercom conversation (type "conversation"), an array of them or a conversation.list');
  });
});

describe("intercom: keep-format", () => {
  const rendered = (() => {
    const { anonymized, input } = keepFormatInput(intercomFormat, "conversation.json", readEvent(CONVERSATION));
    return { anonymized, text: intercomFormat.render(input) };
  })();
  const conversation = JSON.parse(rendered.text) as Record<string, unknown>;
  const parts = (conversation["conversation_parts"] as { conversation_parts: Array<Record<string, unknown>> }).conversation_parts;

  it("masks text nodes and attribute values, keeping the markup", () => {
    // Assess
    expect((conversation["source"] as Record<string, unknown>)["body"]).toBe(
      "<p>こんにちは。注文番号 A-20240603-77 の配送について質問です。</p><p>私は&lt;PERSON_1&gt;です。電話は&lt;PHONE_1&gt;です。</p>",
    );
    expect(parts[2]?.["body"]).toBe(
      '<p>&lt;PERSON_2&gt;様、担当の&lt;PERSON_3&gt;です。</p><p>ご登録のメールアドレス <a href="mailto:&lt;EMAIL_1&gt;" target="_blank" rel="nofollow noopener noreferrer">&lt;EMAIL_1&gt;</a> に追跡番号をお送りしました。</p><p>お届け先は&nbsp;&lt;ADDRESS_1&gt; &amp; 2F でよろしいでしょうか？</p>',
    );
    expect(parts[3]?.["body"]).toBe("<p>社内メモ: &lt;PERSON_2&gt;様の旧住所は<br>&lt;ADDRESS_2&gt;</p>");
    expect(parts[1]?.["body"]).toBeNull();
  });

  it("authors: names → speaker_N, e-mails masked, people's ids pseudonymous, bots kept", () => {
    // Assess
    expect((conversation["source"] as Record<string, unknown>)["author"]).toEqual({ type: "user", id: "1", name: "speaker_1", email: "<EMAIL_1>" });
    expect(parts.map((part) => (part["author"] as Record<string, unknown>)["name"])).toEqual(["Operator", "speaker_3", "speaker_3", "speaker_3", "speaker_1", "speaker_3"]);
    expect((parts[0]?.["author"] as Record<string, unknown>)["id"]).toBe("7001");
    expect(parts[1]?.["assigned_to"]).toEqual({ type: "admin", id: "3" });
    expect(conversation["admin_assignee_id"]).toBe(3);
    expect(conversation["contacts"]).toEqual({ type: "contact.list", contacts: [{ type: "contact", id: "1", external_id: "4" }] });
    expect(conversation["title"]).toBe("<PERSON_2>様 配送の件");
    expect(conversation["custom_attributes"]).toEqual({ 会員ランク: "ゴールド", メモ: "<PERSON_2>様は平日夜の連絡希望" });
    expect(parts.map((part) => [part["id"], part["part_type"], part["created_at"]])[2]).toEqual(["9003", "comment", 1717384000]);
  });

  it("leaves no name, e-mail, phone, address or contact id of the sample", () => {
    // Assess
    expect(rendered.text).not.toMatch(/中村|優子|小川|拓也|080-4444|yuko|takuya|目黒|5f7a1c2e9b3d4a0012ab34cd|cust-000812|814860/);
  });

  it.each([CONVERSATION, ARRAY, LIST])("round trip %s: the rendered file parses to the anonymized conversations", (path) => {
    // Prepare
    const file = path.split("/").pop() as string;
    const { anonymized, input } = keepFormatInput(intercomFormat, file, readEvent(path));

    // Act
    const again = intercomFormat.parse(intercomFormat.render(input), { file });

    // Assess: same ids, roles, times, texts and speaker pattern
    const shape = (conversations: readonly Conversation[]) =>
      conversations.map((c) => {
        const order = [...new Set(c.utterances.map((u) => u.speaker))];
        return { id: c.conversationId, utterances: c.utterances.map((u) => ({ ...u, speaker: order.indexOf(u.speaker) })) };
      });
    expect(shape(again)).toEqual(shape(anonymized.map((a) => a.conversation)));
  });

  it("keeps the input's indentation", () => {
    // Assess
    expect(rendered.text.startsWith('{\n  "type": "conversation",\n  "id": "147",')).toBe(true);
    expect(rendered.text.endsWith("}\n")).toBe(true);
  });
});
