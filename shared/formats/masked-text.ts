import { DetectionError } from "../errors.js";

/**
 * Positions in an utterance before and after masking. The anonymizer reports, for every replaced span, where
 * it was in the original text (start, end) and where its replacement is in the masked text (outStart,
 * outEnd); from these, offsets into the original (Call Analytics character offsets) and pieces of it
 * (Transcribe items, whose contents make up the utterance) are carried over to the masked text.
 */

/** A replaced span: the anonymizer's AppliedOperator, offsets only. */
export interface MaskedSpan {
  readonly start: number;
  readonly end: number;
  readonly outStart: number;
  readonly outEnd: number;
}

/** A range of the original text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The masked-text offset of an original offset. An offset inside a replaced span moves to the start of the
 * replacement (`side: "start"`) or to its end (`side: "end"`), so that a range keeps covering what became
 * of its text.
 *
 * @example
 * // "電話は090-1234-5678です" → "電話は<PHONE_1>です"
 * const spans = [{ start: 3, end: 16, outStart: 3, outEnd: 12 }];
 * maskedOffset(spans, 18, "end"); // 14
 * maskedOffset(spans, 5, "start"); // 3
 */
export function maskedOffset(spans: readonly MaskedSpan[], offset: number, side: "start" | "end"): number {
  let shift = 0;
  for (const span of sorted(spans)) {
    if (offset >= span.end) {
      shift = span.outEnd - span.end;
      continue;
    }
    if (offset > span.start) return side === "start" ? span.outStart : span.outEnd;
    break;
  }
  return offset + shift;
}

/**
 * The masked text of each of several ordered, non-overlapping ranges of the original (the items an utterance
 * was joined from). A replacement goes whole to the range where its span starts (or to the next range when
 * it starts between ranges); the other ranges it covers lose those characters. Joining the pieces of ranges
 * that tile the text gives the masked text back.
 * Throws DetectionError when the masked text's length does not fit the spans (they belong to another text).
 *
 * @example
 * // items "090" "の" "1234" → one PHONE over all three
 * maskedPieces("090の1234", "<PHONE_1>", [{ start: 0, end: 8, outStart: 0, outEnd: 9 }],
 *   [{ start: 0, end: 3 }, { start: 3, end: 4 }, { start: 4, end: 8 }]); // ["<PHONE_1>", "", ""]
 */
export function maskedPieces(
  original: string,
  masked: string,
  spans: readonly MaskedSpan[],
  ranges: readonly TextRange[],
): string[] {
  const ordered = sorted(spans);
  const finalShift = ordered.length === 0 ? 0 : ordered[ordered.length - 1]!.outEnd - ordered[ordered.length - 1]!.end;
  if (original.length + finalShift !== masked.length) {
    throw new DetectionError("masked text does not match its replacements; cannot carry the masking over to the input's layout");
  }
  const owner = ordered.map((span) => {
    const index = ranges.findIndex((range) => range.end > span.start);
    return index < 0 ? ranges.length - 1 : index;
  });
  const shiftAt = (offset: number): number => {
    let shift = 0;
    for (const span of ordered) if (span.end <= offset) shift = span.outEnd - span.end;
    return shift;
  };
  return ranges.map((range, r) => {
    let out = "";
    let cursor = range.start;
    ordered.forEach((span, k) => {
      const owned = owner[k] === r;
      if (!owned && (span.end <= range.start || span.start >= range.end)) return;
      const upTo = Math.min(span.start, range.end);
      if (upTo > cursor) out += masked.slice(cursor + shiftAt(cursor), upTo + shiftAt(cursor));
      if (owned) out += masked.slice(span.outStart, span.outEnd);
      cursor = Math.max(cursor, Math.min(span.end, range.end));
    });
    if (range.end > cursor) out += masked.slice(cursor + shiftAt(cursor), range.end + shiftAt(cursor));
    return out;
  });
}

/**
 * Ranges of consecutive pieces that make up a text (cumulative lengths).
 *
 * @example
 * rangesOf(["090", "の", "1234"]); // [{ start: 0, end: 3 }, { start: 3, end: 4 }, { start: 4, end: 8 }]
 */
export function rangesOf(pieces: readonly string[]): TextRange[] {
  let start = 0;
  return pieces.map((piece) => {
    const range = { start, end: start + piece.length };
    start = range.end;
    return range;
  });
}

/**
 * Ranges of pieces found in order in a text that may hold more between them (spaces); undefined when a piece
 * is not found after the previous one.
 *
 * @example
 * findRanges("お電話 ありがとう", ["お電話", "ありがとう"]); // [{ start: 0, end: 3 }, { start: 4, end: 9 }]
 */
export function findRanges(text: string, pieces: readonly string[]): TextRange[] | undefined {
  const ranges: TextRange[] = [];
  let cursor = 0;
  for (const piece of pieces) {
    const start = text.indexOf(piece, cursor);
    if (start < 0) return undefined;
    ranges.push({ start, end: start + piece.length });
    cursor = start + piece.length;
  }
  return ranges;
}

function sorted(spans: readonly MaskedSpan[]): MaskedSpan[] {
  return [...spans].sort((a, b) => a.start - b.start);
}
