import { describe, expect, it } from "vitest";
import { parsePolicy, policyHash } from "../../shared/anonymize/policy.js";
import { createEngine } from "../../shared/engine.js";
import { ConfigError } from "../../shared/errors.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { ENGINE_VERSION } from "../../shared/version.js";

const KEY = Buffer.from("engine-test-key-0123456789abcdefghij", "utf8");

/** A chat conversation of the given texts, speakers alternating. */
function conversation(id: string, texts: readonly string[]): Conversation {
  return {
    conversationId: id,
    source: "chat",
    metadata: { format: "test" },
    utterances: texts.map((text, index) => ({ index, speaker: index % 2 === 0 ? "user" : "bot", text })),
  };
}

const engine = createEngine();

describe("createEngine().anonymizeConversation", () => {
  it("gives a typed phone and the same phone spoken in kanji digits one placeholder, a second phone the next", () => {
    // Prepare
    const input = conversation("c-1", ["携帯は090-1234-5678です", "携帯は〇九〇の一二三四の五六七八ですね", "別の番号は080-2222-3333です"]);

    // Act
    const result = engine.anonymizeConversation(input);

    // Assess
    expect(result.conversation.utterances.map((u) => u.text)).toEqual([
      "携帯は<PHONE_1>です",
      "携帯は<PHONE_1>ですね",
      "別の番号は<PHONE_2>です",
    ]);
    expect(result.counts).toEqual({ PHONE: 3 });
  });

  it("restarts the numbering for the next conversation", () => {
    // Prepare
    const first = conversation("c-1", ["携帯は080-2222-3333です", "携帯は090-1234-5678です"]);
    const second = conversation("c-2", ["携帯は090-1234-5678です"]);

    // Act
    const a = engine.anonymizeConversation(first);
    const b = engine.anonymizeConversation(second);

    // Assess
    expect(a.conversation.utterances[1]?.text).toBe("携帯は<PHONE_2>です");
    expect(b.conversation.utterances[0]?.text).toBe("携帯は<PHONE_1>です");
  });

  it("masks e-mail and card numbers and leaves prices and meeting times alone", () => {
    // Prepare
    const texts = ["メールは taro@example.jp です", "カード番号は4111 1111 1111 1111", "月額9,800円", "来週の火曜日14時"];

    // Act
    const result = engine.anonymizeConversation(conversation("c-3", texts));

    // Assess
    expect(result.conversation.utterances.map((u) => u.text)).toEqual([
      "メールは <EMAIL_1> です",
      "カード番号は<CREDIT_CARD_1>",
      "月額9,800円",
      "来週の火曜日14時",
    ]);
    expect(result.counts).toEqual({ EMAIL: 1, CREDIT_CARD: 1 });
    expect(result.utterances[2]?.entities).toEqual([]);
    expect(result.utterances[3]?.entities).toEqual([]);
  });

  it("keeps everything but the text of each utterance, and reports output offsets", () => {
    // Prepare
    const input: Conversation = {
      conversationId: "call-1",
      source: "call",
      metadata: { format: "transcribe", jobName: "job-1" },
      utterances: [{ index: 0, speaker: "spk_1", role: "customer", startMs: 1200, endMs: 4500, text: "𠮷田です。携帯は090-1234-5678です" }],
    };

    // Act
    const result = engine.anonymizeConversation(input);

    // Assess
    expect(result.conversation).toEqual({
      ...input,
      utterances: [{ index: 0, speaker: "spk_1", role: "customer", startMs: 1200, endMs: 4500, text: "<PERSON_1>です。携帯は<PHONE_1>です" }],
    });
    expect(result.utterances[0]?.entities).toEqual([
      { entity: "PERSON", operator: "replace", start: 0, end: 3, outStart: 0, outEnd: 10 },
      { entity: "PHONE", operator: "replace", start: 9, end: 22, outStart: 16, outEnd: 25 },
    ]);
  });

  it("does not change its input", () => {
    // Prepare
    const input = conversation("c-4", ["携帯は090-1234-5678です"]);
    const before = structuredClone(input);

    // Act
    engine.anonymizeConversation(input);

    // Assess
    expect(input).toEqual(before);
  });

  it("exposes its version and the hash of its policy", () => {
    // Prepare
    const policy = parsePolicy('{"entities": {"EMAIL": {"operator": "redact"}}}');

    // Act
    const custom = createEngine({ policy });

    // Assess
    expect(engine.version).toBe(ENGINE_VERSION);
    expect(custom.policyHash).toBe(policyHash(policy));
    expect(custom.policyHash).not.toBe(engine.policyHash);
  });

  it("pseudonymizes with stable tokens across conversations and engines sharing a key", () => {
    // Prepare
    const policy = parsePolicy("mode: pseudonymize");
    const one = createEngine({ policy, secrets: { hmacKey: KEY } });
    const two = createEngine({ policy, secrets: { hmacKey: KEY } });

    // Act
    const a = one.anonymizeConversation(conversation("c-5", ["携帯は090-1234-5678です"])).conversation.utterances[0]?.text;
    const b = two.anonymizeConversation(conversation("c-6", ["番号は〇九〇の一二三四の五六七八です"])).conversation.utterances[0]?.text;

    // Assess
    expect(a).toMatch(/^携帯は<PHONE:[0-9a-f]{10}>です$/);
    expect(b?.slice(3, -2)).toBe(a?.slice(3, -2));
    expect(`${a}${b}`).not.toContain(KEY.toString("utf8"));
  });

  it("refuses to start with ConfigError when the policy needs an hmac key and none is given", () => {
    // Prepare
    const policy = parsePolicy("mode: pseudonymize");

    // Act
    const act = () => createEngine({ policy });

    // Assess
    expect(act).toThrow(ConfigError);
  });
});
