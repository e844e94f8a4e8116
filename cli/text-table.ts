/**
 * Plain-text tables for the terminal, aligned for Japanese: kanji, kana and full-width forms take two columns.
 */

export interface TableOptions {
  /** Columns whose cells are right-aligned (numbers). */
  readonly alignRight?: ReadonlySet<number>;
  /** A cell wider than this many terminal columns is cut and ends in "…". Default 60. */
  readonly maxCellWidth?: number;
  /** Prefix of every line (indentation). */
  readonly indent?: string;
}

/**
 * Terminal columns a string takes: 2 for East Asian wide and full-width characters, 0 for combining marks
 * and zero-width characters, 1 otherwise.
 *
 * @example
 * displayWidth("abc"); // 3
 * displayWidth("電話番号"); // 8
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/**
 * Cuts `text` to at most `max` terminal columns, ending in "…" when something was cut.
 *
 * @example
 * truncateToWidth("お電話ありがとうございます", 9); // "お電話あ…"
 */
export function truncateToWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = "";
  let width = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (width + w > max - 1) break;
    out += char;
    width += w;
  }
  return `${out}…`;
}

/**
 * A cell as one line: line breaks and tabs become visible escapes (a masked utterance may span lines), other
 * control characters are dropped so they cannot move the cursor.
 *
 * @example
 * oneLine("一行目\n二行目"); // "一行目\\n二行目"
 */
export function oneLine(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(/\t/g, "\\t")
    .replace(/\p{Cc}/gu, "");
}

/**
 * Lays out a header and rows as aligned text lines: header, a dashed rule, then one line per row.
 *
 * @example
 * formatTable(["role", "n"], [["agent", "12"], ["customer", "9"]], { alignRight: new Set([1]) });
 * // ["role       n", "--------  --", "agent     12", "customer   9"]
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const max = options.maxCellWidth ?? 60;
  const indent = options.indent ?? "";
  const right = options.alignRight ?? new Set<number>();
  const cells = [header, ...rows].map((row) => header.map((_, i) => truncateToWidth(oneLine(row[i] ?? ""), max)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i] ?? ""))));
  const line = (row: readonly string[]): string =>
    indent +
    row
      .map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - displayWidth(cell));
        if (right.has(i)) return pad + cell;
        // No trailing spaces after the last column.
        return i === row.length - 1 ? cell : cell + pad;
      })
      .join("  ");
  const [head, ...body] = cells;
  return [line(head ?? []), indent + widths.map((w) => "-".repeat(Math.max(w, 1))).join("  "), ...body.map(line)];
}

function charWidth(code: number): number {
  if (code === 0x200b || code === 0x200c || code === 0x200d || code === 0xfeff) return 0;
  // Combining marks (incl. the kana voiced-sound marks U+3099/309A) and variation selectors.
  if ((code >= 0x0300 && code <= 0x036f) || code === 0x3099 || code === 0x309a || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0x303e) || // CJK radicals, punctuation 、。「」
    (code >= 0x3041 && code <= 0x33ff) || // kana, CJK symbols, ㈱
    (code >= 0x3400 && code <= 0x4dbf) || // CJK extension A
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0xa000 && code <= 0xa4cf) || // Yi
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xff60) || // full-width forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) || // emoji
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd) // CJK extensions B–
  ) {
    return 2;
  }
  return 1;
}
