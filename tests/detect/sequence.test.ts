import { describe, expect, it } from "vitest";
import { Analyzer } from "../../shared/detect/analyze.js";
import { analyzeConversation } from "../../shared/detect/sequence.js";

const analyzer = new Analyzer();

/** [type, surface] per utterance, for exact expectations. */
function found(texts: readonly string[]): Array<Array<[string, string]>> {
  return analyzeConversation(analyzer, texts).map((findings, u) => findings.map((f) => [f.entity, texts[u]!.slice(f.start, f.end)]));
}

describe("analyzeConversation", () => {
  it("types an answer by the question before it and finds the value again where it is read back", () => {
    expect(found(["口座番号をお願いします。", "1234567です。", "1234567ですね。"])).toEqual([
      [],
      [["BANK_ACCOUNT", "1234567"]],
      [["BANK_ACCOUNT", "1234567"]],
    ]);
  });

  it("ends on a name whose first part is a character outside the BMP (found by the properties: it looped until out of memory)", () => {
    // Act
    const result = found(["カードの番号、三七七二、五一三四一三、あのー、二八一二二です𠮷野田中さんありがとうございます。"]);

    // Assess
    expect(result).toEqual([[["CREDIT_CARD", "三七七二、五一三四一三、あのー、二八一二二"], ["PERSON", "𠮷野田中"]]]);
  });

  it("reads a one-character span that is a regex symbol (found by the properties: the name check did not compile)", () => {
    expect(found(["はい、2024年4月1日から", "14時にあのThank you!。電話番号は、(050)2336-1239でお願いします（笑）"])).toEqual([
      [],
      [["PHONE", "(050)2336-1239"]],
    ]);
  });
});
