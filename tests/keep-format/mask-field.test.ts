import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { DetectionError } from "../../shared/errors.js";
import type { Conversation } from "../../shared/schema/conversation.js";

const engine = createEngine();

const CHAT: Conversation = {
  conversationId: "c-1",
  source: "chat",
  utterances: [
    { index: 0, speaker: "山本 花子", text: "携帯は090-3391-5678です。" },
    { index: 1, speaker: "受付 中島", text: "山本様、承知しました。" },
  ],
  metadata: {},
};

describe("engine.maskField: fields outside the utterances, in the conversation's placeholder scope", () => {
  it.each([
    ["a participant's name → their pseudonym", "山本 花子", "speaker_1"],
    ["the other participant, spaces kept around it", " 受付 中島 ", " speaker_2 "],
    ["a number the utterances hold → its placeholder", "連絡先: 090-3391-5678", "連絡先: <PHONE_1>"],
    ["a new number → the next placeholder", "予備: 080-7766-5544", "予備: <PHONE_2>"],
    ["a participant's surname in a sentence → PERSON", "担当は山本です", "担当は<PERSON_1>です"],
    ["nothing personal → unchanged", "ごみ・リサイクル", "ごみ・リサイクル"],
    ["blank → unchanged", "  ", "  "],
  ])("%s", (_name, value, expected) => {
    // Prepare
    const result = engine.anonymizeConversation(CHAT);

    // Act
    const masked = engine.maskField(result, value);

    // Assess
    expect(result.conversation.utterances[1]?.text).toBe("<PERSON_1>様、承知しました。");
    expect(masked).toBe(expected);
  });
});

describe("engine.maskName: values that are names by where they stand", () => {
  it("gives a participant their pseudonym and any other name a PERSON placeholder, the same one each time", () => {
    // Prepare
    const result = engine.anonymizeConversation(CHAT);

    // Act
    const names = ["受付 中島", "佐藤商事 鈴木様", "佐藤商事 鈴木様", "北斗物産 営業チーム", ""].map((v) => engine.maskName(result, v));

    // Assess
    expect(names).toEqual(["speaker_2", "<PERSON_2>", "<PERSON_2>", "<PERSON_3>", ""]);
  });

  it("refuses a result this engine did not produce (its placeholder scope is unknown)", () => {
    // Prepare
    const result = createEngine().anonymizeConversation(CHAT);
    const copy = { ...result };

    // Act
    const act = () => engine.maskField(copy, "山本 花子");

    // Assess
    expect(act).toThrow(DetectionError);
  });
});
