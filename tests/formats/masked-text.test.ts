import { describe, expect, it } from "vitest";
import { DetectionError } from "../../shared/errors.js";
import { findRanges, maskedOffset, maskedPieces, rangesOf } from "../../shared/formats/masked-text.js";

// "電話は090-1234-5678です。山田" → "電話は<PHONE_1>です。<PERSON_1>"
const ORIGINAL = "電話は090-1234-5678です。山田";
const MASKED = "電話は<PHONE_1>です。<PERSON_1>";
const SPANS = [
  { start: 3, end: 16, outStart: 3, outEnd: 12 },
  { start: 19, end: 21, outStart: 15, outEnd: 25 },
];

describe("maskedOffset", () => {
  it.each([
    [0, "start", 0],
    [3, "start", 3],
    [3, "end", 3],
    [5, "start", 3],
    [5, "end", 12],
    [16, "end", 12],
    [16, "start", 12],
    [18, "end", 14],
    [19, "start", 15],
    [20, "end", 25],
    [21, "end", 25],
  ] as const)("original %i (%s) → masked %i", (offset, side, expected) => {
    // Act
    const mapped = maskedOffset(SPANS, offset, side);

    // Assess
    expect(mapped).toBe(expected);
  });

  it("keeps a range covering the masked value it held", () => {
    // Prepare: "090-1234-5678です" in the original
    const [begin, end] = [3, 18];

    // Act
    const range = MASKED.slice(maskedOffset(SPANS, begin, "start"), maskedOffset(SPANS, end, "end"));

    // Assess
    expect(range).toBe("<PHONE_1>です");
  });
});

describe("maskedPieces", () => {
  it("gives a replacement to the piece where its value starts; the other pieces lose theirs", () => {
    // Prepare: items 電話 は 090- 1234- 5678 です 。 山田
    const pieces = ["電話", "は", "090-", "1234-", "5678", "です", "。", "山田"];

    // Act
    const masked = maskedPieces(ORIGINAL, MASKED, SPANS, rangesOf(pieces));

    // Assess
    expect(masked).toEqual(["電話", "は", "<PHONE_1>", "", "", "です", "。", "<PERSON_1>"]);
    expect(masked.join("")).toBe(MASKED);
  });

  it("splits a value that starts inside a piece: the piece keeps its own text before the value", () => {
    // Prepare: items "電話は090-" "1234-5678です" "。山田"
    const pieces = ["電話は090-", "1234-5678です", "。山田"];

    // Act
    const masked = maskedPieces(ORIGINAL, MASKED, SPANS, rangesOf(pieces));

    // Assess
    expect(masked).toEqual(["電話は<PHONE_1>", "です", "。<PERSON_1>"]);
  });

  it("gives a value that starts between pieces (a space) to the next piece", () => {
    // Prepare
    const original = "call 090 1234";
    const masked = "call <PHONE_1>";
    const spans = [{ start: 5, end: 13, outStart: 5, outEnd: 14 }];

    // Act
    const pieces = maskedPieces(original, masked, spans, findRanges(original, ["call", "090", "1234"])!);

    // Assess
    expect(pieces).toEqual(["call", "<PHONE_1>", ""]);
  });

  it("refuses spans that do not belong to the masked text", () => {
    // Act
    const act = () => maskedPieces(ORIGINAL, "電話は<PHONE_1>", SPANS, rangesOf([ORIGINAL]));

    // Assess
    expect(act).toThrow(DetectionError);
  });
});

describe("findRanges", () => {
  it("finds pieces in order and reports a piece that is missing", () => {
    // Act
    const found = findRanges("お電話 ありがとう", ["お電話", "ありがとう"]);
    const missing = findRanges("お電話", ["お電話", "です"]);

    // Assess
    expect(found).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 9 },
    ]);
    expect(missing).toBeUndefined();
  });
});
