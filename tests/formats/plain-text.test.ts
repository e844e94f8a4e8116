import { describe, expect, it } from "vitest";
import { parsePlainText, splitSpeakerPrefix } from "../../shared/formats/plain-text.js";
import { readEvent } from "../helpers/fixtures.js";

describe("parsePlainText: notes.txt", () => {
  it("makes one utterance per non-empty line", () => {
    // Prepare
    const content = readEvent("conversations/notes.txt");

    // Act
    const conversation = parsePlainText(content, { file: "notes.txt" });

    // Assess
    expect(conversation.conversationId).toBe("notes");
    expect(conversation.source).toBe("chat");
    expect(conversation.metadata).toEqual({ format: "plain-text", file: "notes.txt" });
    expect(conversation.utterances.map((u) => u.speaker)).toEqual([
      "unknown", "山口", "佐々木", "山口", "佐々木", "吉田", "山口", "unknown",
    ]);
  });

  it.each([
    [0, "unknown", "2024年11月12日 打ち合わせメモ（北斗物産様 訪問）"],
    [3, "山口", "20名で月額53,640円、初期費用は無料です。"],
    [5, "吉田", "総務の吉田です。連絡は yoshida@example.jp か、直通の06-6123-4567までお願いします。"],
    [7, "unknown", "次回は12月3日 14:00からオンラインで実施。"],
  ] as const)("utterance %i: %s", (index, speaker, text) => {
    // Prepare
    const content = readEvent("conversations/notes.txt");

    // Act
    const conversation = parsePlainText(content, { file: "notes.txt" });

    // Assess
    expect(conversation.utterances[index]).toEqual({ index, speaker, text });
  });
});

describe("parsePlainText: inline", () => {
  it("accepts a BOM, CRLF and blank lines, and gives roles to role-word speakers and roleMap entries", () => {
    // Prepare
    const content = "\ufeffオペレーター：お電話ありがとうございます。\r\n\r\n  お客様: 解約したいのですが  \r\n田中：承知しました\r\n";

    // Act
    const conversation = parsePlainText(content, { file: "call.txt", conversationId: "c-1", roleMap: { 田中: "agent" } });

    // Assess
    expect(conversation.conversationId).toBe("c-1");
    expect(conversation.utterances).toEqual([
      { index: 0, speaker: "オペレーター", role: "agent", text: "お電話ありがとうございます。" },
      { index: 1, speaker: "お客様", role: "customer", text: "解約したいのですが" },
      { index: 2, speaker: "田中", role: "agent", text: "承知しました" },
    ]);
  });

  it("gives zero utterances for blank input", () => {
    // Act
    const conversation = parsePlainText(" \n\r\n\t\n", { file: "empty.txt" });

    // Assess
    expect(conversation.utterances).toEqual([]);
  });
});

describe("splitSpeakerPrefix", () => {
  it.each([
    ["山田：こんにちは", { speaker: "山田", text: "こんにちは" }],
    ["Agent: Hello", { speaker: "Agent", text: "Hello" }],
    ["営業 山口 : 20名で", { speaker: "営業 山口", text: "20名で" }],
    ["A:B:C", { speaker: "A", text: "B:C" }],
    ["abcdefghijklmnopqrst：二十文字", { speaker: "abcdefghijklmnopqrst", text: "二十文字" }],
    ["12345：数字だけ", undefined],
    ["abcdefghijklmnopqrstu：二十一文字", undefined],
    ["14:00に伺います", undefined],
    ["次回は12月3日 14:00から", undefined],
    ["https://example.com/a", undefined],
    ["注意してください。理由：雨", undefined],
    ["：先頭がコロン", undefined],
    ["山田：", undefined],
    ["コロンのない行", undefined],
  ])("%j", (line, expected) => {
    // Act
    const result = splitSpeakerPrefix(line);

    // Assess
    expect(result).toEqual(expected);
  });
});
