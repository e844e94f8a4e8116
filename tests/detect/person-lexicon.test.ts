import { describe, expect, it } from "vitest";
import { givenReading, surnameEntry, surnameReading } from "../../shared/detect/lexicon/names.js";
import { explainedKanji } from "../../shared/detect/recognizers/person-lexicon.js";

describe("explainedKanji", () => {
  it("finds a kanji explained by a word that holds it, up to four characters before の", () => {
    const text = "原っぱの原です";
    expect(explainedKanji(text, 4, 5)).toBe(true);
    expect(explainedKanji("恵むの恵", 3, 4)).toBe(true);
    expect(explainedKanji("原あいうえの原", 6, 7)).toBe(true);
    expect(explainedKanji("原あいうえおの原", 7, 8)).toBe(false); // five characters between: too far
  });

  it("does not look across a break or at spans longer than one character", () => {
    expect(explainedKanji("原、の原", 3, 4)).toBe(false);
    expect(explainedKanji("原 の原", 3, 4)).toBe(false);
    expect(explainedKanji("森の森", 2, 3)).toBe(true);
    expect(explainedKanji("森林の森林", 3, 5)).toBe(false);
    expect(explainedKanji("の原", 1, 2)).toBe(false);
  });

  it("takes a kanji beyond the BMP as one character and any symbol literally", () => {
    expect(explainedKanji("𠮷野の𠮷", 4, 6)).toBe(true);
    expect(explainedKanji("(笑)の(", 4, 5)).toBe(true);
    expect(explainedKanji("a*の*", 3, 4)).toBe(true);
    expect(explainedKanji("ab.の*", 4, 5)).toBe(false);
  });
});

describe("remembered lexicon lookups", () => {
  it("answer the same, hit or miss, on every call", () => {
    for (let i = 0; i < 3; i++) {
      expect(surnameEntry("佐藤")?.readings).toContain("サトウ");
      expect(surnameEntry("会議")).toBeUndefined();
      expect(surnameEntry("髙橋")).toEqual(surnameEntry("高橋"));
      expect(surnameReading("さとう")).toEqual(surnameReading("サトウ"));
      expect(givenReading("けんじ")?.ambiguous).toBe(false);
    }
  });
});
