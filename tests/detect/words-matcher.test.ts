import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WordsMatcher, wordsRegex } from "../../shared/detect/labels.js";

const WORDS = ["ID", "会員番号", "番号", "メール", "メールアドレス", "PIN", "pin code", "ver", "電話", "ご住所"];
const SEED = process.env["FC_SEED"] ? Number(process.env["FC_SEED"]) : process.env["CI"] ? 20261123 : undefined;

/** Text made of the words, their parts and the characters that decide the boundaries (letters, katakana). */
const text = fc
  .array(fc.constantFrom(...WORDS, "IDEA", "グラン", "ー", "a", "1", "は", "、", " ", "VALID", "番", "会員", "メ", "ル", "never", "Pin"), { maxLength: 12 })
  .map((parts) => parts.join(""));

const spans = (matches: Iterable<RegExpMatchArray>) => [...matches].map((m) => [m.index, m[0]]);

describe("WordsMatcher", () => {
  it.each([
    ["会員番号はIDEAのID", [[0, "会員番号"], [10, "ID"]]],
    ["グランメールのメール", [[7, "メール"]]],
    ["メールアドレスとpin codeとPIN", [[0, "メールアドレス"], [8, "pin code"], [17, "PIN"]]],
  ])("finds the whole words of %s, longest first", (input, expected) => {
    // Act
    const found = spans(new WordsMatcher(WORDS, { wholeKatakana: true }).matchAll(input));

    // Assess
    expect(found).toEqual(expected);
  });

  it("finds exactly what the words' regex finds, in any text", () => {
    for (const wholeKatakana of [false, true]) {
      const matcher = new WordsMatcher(WORDS, { wholeKatakana });
      const regex = wordsRegex(WORDS, { wholeKatakana });
      fc.assert(
        fc.property(text, (input) => {
          expect(spans(matcher.matchAll(input))).toEqual(spans(input.matchAll(regex)));
          expect(matcher.test(input)).toBe(new RegExp(regex.source, "i").test(input));
          expect(matcher.first(input)?.index).toBe(input.match(new RegExp(regex.source, "i"))?.index);
        }),
        { numRuns: 500, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    }
  });

  it("matches nothing without words", () => {
    expect(new WordsMatcher([]).matchAll("なんでも")).toEqual([]);
    expect(new WordsMatcher([]).test("なんでも")).toBe(false);
  });
});
