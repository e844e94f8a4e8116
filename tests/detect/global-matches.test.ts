import { describe, expect, it } from "vitest";
import { globalMatches } from "../../shared/detect/recognizer.js";

// runPatterns reads matches with globalMatches instead of String.prototype.matchAll: the same matches, in order.
describe("globalMatches", () => {
  const cases: Array<[RegExp, string]> = [
    [/\d+/g, "電話は090-1234-5678、内線は12です"],
    [/(?<value>[A-Z]{2}\d{7})/g, "旅券 TK1234567 と TR7654321"],
    [/x*/g, "axxbx"],
    [/(?:)/gu, "𠮷野😀さん"],
    [/\p{Script=Han}*/gu, "𠮷田と山田"],
    [/[ぁ-ん]+/g, ""],
    [/(?=さん)|$/gu, "𠮷田さん"],
    [/(?<name>[\u30A1-\u30FA\u30FC]{2,})さん/gu, "タナカさんとスズキさん、ミサキさん"],
  ];

  it.each(cases)("finds what matchAll finds for %s", (regex, text) => {
    const expected = [...text.matchAll(regex)].map((m) => [m.index, m[0], m.groups]);
    expect(globalMatches(regex, text).map((m) => [m.index, m[0], m.groups])).toEqual(expected);
    expect(regex.lastIndex).toBe(0);
  });

  it("steps over a whole surrogate pair after an empty match only under the u flag", () => {
    expect(globalMatches(/(?:)/gu, "𠮷").map((m) => m.index)).toEqual([0, 2]);
    expect(globalMatches(/(?:)/g, "𠮷").map((m) => m.index)).toEqual([0, 1, 2]);
  });
});
