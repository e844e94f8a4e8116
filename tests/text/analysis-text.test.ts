import { describe, expect, it } from "vitest";
import { prepareText } from "../../shared/text/analysis-text.js";
import { toOriginalRange } from "../../shared/text/mapped-text.js";
import { normalize } from "../../shared/text/normalize.js";

describe("normalize", () => {
  it.each([
    ["０９０－１２３４－５６７８", "090-1234-5678"],
    ["090ー1234ー5678", "090-1234-5678"], // chōon between digits is a hyphen
    ["ユーザー", "ユーザー"], // but a vowel mark after kana
    ["ｶﾞｲﾄﾞ", "ガイド"], // half-width kana with its voiced mark as one character
    ["03‐1234–5678—9", "03-1234-5678-9"],
    ["ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"],
    ["東京　都", "東京 都"],
    ["10時〜12時", "10時~12時"],
  ])("%s → %s", (input, expected) => {
    expect(normalize(input).text).toBe(expected);
  });

  it("maps every normalised character back to the original, also across length changes", () => {
    // Prepare: ℡ (1 unit) becomes TEL (3 units); 𠮷 is a surrogate pair.
    const original = "𠮷℡０３";
    // Act
    const m = normalize(original);
    // Assess
    expect(m.text).toBe("𠮷TEL03");
    expect(toOriginalRange(m, 2, 5)).toEqual({ start: 2, end: 3 });
    expect(toOriginalRange(m, 5, 7)).toEqual({ start: 3, end: 5 });
  });
});

describe("spoken digits and spelled letters", () => {
  it.each([
    ["〇八〇、えー、四四五一、の、二二〇九です", "080-4451-2209です"],
    ["ゼロキューゼロのいちにさんよんのごーろくななはち", "090-1234-5678"],
    ["090の1234の5678", "090-1234-5678"],
    ["暗証番号はいちにさんよんです", "暗証番号は1234です"],
    ["ろくにぜろご、にさんはちいち", "6205-2381"],
    ["エム、ゼット、〇五八一二六四", "MZ-0581264"],
    ["シーエーエフの四七二二九一八三", "CAF-47229183"],
    ["プラス81、80、6172、3395", "+81-80-6172-3395"],
    ["ケー、ユー、ビー、オー、ティー、エー、ハイフン、エム", "KUBOTA-M"],
    ["こちらに、〇三・五二九八・七七一六、直通", "こちらに、03-5298-7716、直通"],
  ])("%s → %s", (input, expected) => {
    expect(prepareText(input).text).toBe(expected);
  });

  it.each([
    "ありがとうございます", // ご inside a word
    "三万五千円", // positional numerals are amounts
    "田中さんにご連絡します", // さん に ご are words here
    "ごくごく飲みます", // weak readings alone
    "1,980円",
    "会員番号1234に変更", // a particle after ASCII digits
    "○○様", // a masked name, not zeros
    "ユーザーIDとサンプル", // katakana words that only start like letters or digits
    "contact me at taro@example.com 2024",
  ])("leaves %s unchanged", (input) => {
    expect(prepareText(input).text).toBe(normalize(input).text);
  });

  it("maps a spoken number with fillers back to one original span", () => {
    // Prepare
    const original = "はい、〇八〇、えー、四四五一、の、二二〇九です";
    // Act
    const m = prepareText(original);
    const start = m.text.indexOf("080");
    const range = toOriginalRange(m, start, start + "080-4451-2209".length);
    // Assess: fillers and separators inside the item belong to its span (policy rule 3)
    expect(original.slice(range.start, range.end)).toBe("〇八〇、えー、四四五一、の、二二〇九");
  });
});
