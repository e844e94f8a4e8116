/**
 * A derived text (normalised, spoken numbers rewritten…) that remembers, for each of its UTF-16 code units,
 * which range of the original text produced it. Every detection is found in a derived text and reported in
 * the original's offsets through this map.
 */
export interface MappedText {
  /** The original text, exactly as given. */
  readonly original: string;
  /** The derived text the recognizers read. */
  readonly text: string;
  /** origStart[i] / origEnd[i]: the original range that produced text[i]. */
  readonly origStart: Int32Array;
  readonly origEnd: Int32Array;
}

/**
 * Identity mapping: the derived text is the original.
 *
 * @example
 * const m = identityText("abc"); // m.text === "abc", m.origStart = [0,1,2]
 */
export function identityText(original: string): MappedText {
  const n = original.length;
  if (n > IDENTITY.starts.length) growIdentity(n);
  // Views of one shared table (every utterance of every conversation gets one): nothing writes to a map.
  return { original, text: original, origStart: IDENTITY.starts.subarray(0, n), origEnd: IDENTITY.ends.subarray(0, n) };
}

/** starts[i] = i and ends[i] = i + 1, as long as the longest text seen so far. */
const IDENTITY = { starts: new Int32Array(0), ends: new Int32Array(0) };

function growIdentity(n: number): void {
  const size = Math.max(n, 2 * IDENTITY.starts.length, 1024);
  const starts = new Int32Array(size);
  const ends = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    starts[i] = i;
    ends[i] = i + 1;
  }
  IDENTITY.starts = starts;
  IDENTITY.ends = ends;
}

/**
 * Builds a derived text piece by piece; each piece records the range of the *input* text it replaces.
 * The input may itself be derived: ranges are composed back to the original.
 */
export class MappedTextBuilder {
  private readonly parts: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly input: MappedText) {}

  /**
   * Appends `out`, produced from input[from, to). Every unit of `out` maps to the whole original range,
   * except when `out` is a same-length copy, which keeps the unit-by-unit mapping.
   */
  push(out: string, from: number, to: number): void {
    if (out.length === 0) return;
    const { origStart, origEnd } = this.input;
    const sameShape = out.length === to - from;
    const wholeStart = from < to ? origStart[from]! : this.anchor(from);
    const wholeEnd = from < to ? origEnd[to - 1]! : wholeStart;
    for (let k = 0; k < out.length; k++) {
      if (sameShape) {
        this.starts.push(origStart[from + k]!);
        this.ends.push(origEnd[from + k]!);
      } else {
        this.starts.push(wholeStart);
        this.ends.push(wholeEnd);
      }
    }
    this.parts.push(out);
  }

  /** Copies input[from, to) unchanged. */
  copy(from: number, to: number): void {
    if (to > from) this.push(this.input.text.slice(from, to), from, to);
  }

  build(): MappedText {
    return {
      original: this.input.original,
      text: this.parts.join(""),
      origStart: Int32Array.from(this.starts),
      origEnd: Int32Array.from(this.ends),
    };
  }

  private anchor(at: number): number {
    if (at < this.input.text.length) return this.input.origStart[at]!;
    return this.input.original.length;
  }
}

/**
 * Maps a derived range [start, end) back to the original text.
 *
 * @example
 * toOriginalRange(m, 0, 3) // → { start: 0, end: 5 } when 3 derived units came from 5 original ones
 */
export function toOriginalRange(m: MappedText, start: number, end: number): { start: number; end: number } {
  if (end <= start) {
    const at = start < m.text.length ? m.origStart[start]! : m.original.length;
    return { start: at, end: at };
  }
  return { start: m.origStart[start]!, end: m.origEnd[end - 1]! };
}
