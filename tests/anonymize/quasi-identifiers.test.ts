import { describe, expect, it } from "vitest";
import { quasiIdentifiersOf } from "../../shared/anonymize/quasi-identifiers.js";
import { createEngine } from "../../shared/engine.js";
import { finding } from "./findings.js";

describe("quasiIdentifiersOf", () => {
  it("takes the customer's side first, then read-backs, as generalised labels", () => {
    // Prepare: the agent reads an age back before the customer states theirs; the address only the agent says.
    const utterances = [
      { role: "agent" as const, text: "35歳の方ですね。お届け先は大阪府大阪市北区梅田1-2-3ですね。" },
      { role: "customer" as const, text: "いえ、42歳です。生まれは昭和58年2月14日です。" },
    ];
    const findings = [
      [finding("AGE", utterances[0]!.text, "35歳"), finding("ADDRESS", utterances[0]!.text, "大阪府大阪市北区梅田1-2-3")],
      [finding("AGE", utterances[1]!.text, "42歳"), finding("DATE_OF_BIRTH", utterances[1]!.text, "昭和58年2月14日")],
    ];

    // Act
    const quasi = quasiIdentifiersOf(utterances, findings);

    // Assess
    expect(quasi).toEqual({ ageBand: "40代", prefecture: "大阪府", birthYearBand: "1980年代" });
  });

  it("top-codes ages of 90 and over, reads kanji numerals, and gives null for what it cannot read", () => {
    // Prepare
    const texts = ["九十三歳です。", "住所は中央区銀座1-2-3です。", "誕生日は2月14日です。"];
    const findings = [[finding("AGE", texts[0]!, "九十三歳")], [finding("ADDRESS", texts[1]!, "中央区銀座1-2-3")], [finding("DATE_OF_BIRTH", texts[2]!, "2月14日")]];

    // Act
    const quasi = quasiIdentifiersOf(texts.map((text) => ({ text })), findings);

    // Assess: no prefecture in the address, no year in the birth date.
    expect(quasi).toEqual({ ageBand: "90歳以上", prefecture: null, birthYearBand: null });
  });

  it("ignores LOCATION (a hometown or a relative's city is not where the customer lives)", () => {
    // Prepare
    const text = "実家は北海道です。";

    // Act
    const quasi = quasiIdentifiersOf([{ text, role: "customer" }], [[finding("LOCATION", text, "北海道")]]);

    // Assess
    expect(quasi.prefecture).toBeNull();
  });
});

describe("engine.anonymizeConversation → quasiIdentifiers", () => {
  it("fills them from what the detector found, while the text keeps only placeholders", () => {
    // Prepare
    const engine = createEngine();

    // Act
    const result = engine.anonymizeConversation({
      conversationId: "c-1",
      source: "call",
      metadata: {},
      utterances: [
        { index: 0, speaker: "spk_0", role: "agent", text: "ご年齢とご住所をお願いします。" },
        { index: 1, speaker: "spk_1", role: "customer", text: "42歳です。住所は神奈川県横浜市港北区新横浜三丁目4番5号です。" },
      ],
    });

    // Assess
    expect(result.quasiIdentifiers).toEqual({ ageBand: "40代", prefecture: "神奈川県", birthYearBand: null });
    expect(result.utterances[1]!.text).toBe("<AGE_1>です。住所は<ADDRESS_1>です。");
  });
});
