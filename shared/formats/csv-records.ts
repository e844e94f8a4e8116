import { InputFormatError } from "../errors.js";

/**
 * RFC 4180 CSV split into records that remember their layout (which cells were quoted, which line break
 * ended each record, blank lines), so that a file can be written again with only some cells changed
 * (`--keep-format`). Line numbers are those of the file, also after line breaks inside quoted cells.
 */

/** One physical CSV record. */
export interface CsvRecord {
  /** The cells, unquoted (`""` → `"`); line breaks inside a quoted cell are kept as they are. */
  readonly cells: readonly string[];
  /** Which cells were written between quotes. */
  readonly quoted: readonly boolean[];
  /** 1-based line where the record starts. */
  readonly line: number;
  /** The line break after the record: "\r\n", "\n", "\r", or "" at the end of the file. */
  readonly terminator: string;
  /** An empty line, or a line of blank cells only. */
  readonly blank: boolean;
}

export interface CsvDocument {
  /** A leading U+FEFF in the text, kept for writing back. */
  readonly bom: boolean;
  readonly records: readonly CsvRecord[];
}

/**
 * Splits CSV text into records. Throws InputFormatError naming the file and the line of the problem (an
 * unclosed quote, a quote inside an unquoted cell, a character after a closing quote), never quoting cells.
 *
 * @example
 * readCsvRecords('a,"b\nc"\r\nd,e\r\n', "x.csv").records.map((r) => [r.cells, r.line, r.terminator]);
 * // [[["a", "b\nc"], 1, "\r\n"], [["d", "e"], 3, "\r\n"]]
 */
export function readCsvRecords(content: string, file: string): CsvDocument {
  const bom = content.charCodeAt(0) === 0xfeff;
  const text = bom ? content.slice(1) : content;
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const cells: string[] = [];
    const quoted: boolean[] = [];
    let terminator = "";
    for (;;) {
      // One cell.
      if (text[i] === '"') {
        const openLine = line;
        i++;
        let value = "";
        for (;;) {
          if (i >= n) throw new InputFormatError("invalid CSV: a quoted field is never closed", { file, line: openLine });
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          value += c;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== "," && after !== "\n" && after !== "\r") {
          throw new InputFormatError("invalid CSV: unexpected character after a closing quote", { file, line });
        }
        cells.push(value);
        quoted.push(true);
      } else {
        let end = i;
        while (end < n && text[end] !== "," && text[end] !== "\n" && text[end] !== "\r") {
          if (text[end] === '"') throw new InputFormatError("invalid CSV: a quote inside an unquoted field", { file, line });
          end++;
        }
        cells.push(text.slice(i, end));
        quoted.push(false);
        i = end;
      }
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r" && text[i + 1] === "\n") terminator = "\r\n";
      else if (text[i] === "\n" || text[i] === "\r") terminator = text[i]!;
      i += terminator.length;
      if (terminator !== "") line++;
      break;
    }
    records.push({
      cells,
      quoted,
      line: startLine,
      terminator,
      blank: cells.every((cell) => cell.trim() === ""),
    });
  }
  return { bom, records };
}

/**
 * Writes records back: a cell is quoted when it was quoted before or when it needs quotes (a comma, a quote
 * or a line break).
 *
 * @example
 * writeCsvRecords({ bom: false, records: [{ cells: ["a", "b,c"], quoted: [false, false], line: 1, terminator: "\n", blank: false }] });
 * // 'a,"b,c"\n'
 */
export function writeCsvRecords(document: CsvDocument): string {
  let out = document.bom ? "\ufeff" : "";
  for (const record of document.records) {
    out += record.cells.map((cell, k) => quoteCell(cell, record.quoted[k] === true)).join(",") + record.terminator;
  }
  return out;
}

function quoteCell(cell: string, wasQuoted: boolean): string {
  if (!wasQuoted && !/[",\r\n]/.test(cell)) return cell;
  return `"${cell.replaceAll('"', '""')}"`;
}
