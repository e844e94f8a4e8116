import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { readCsvRecords, writeCsvRecords } from "../../shared/formats/csv-records.js";

describe("readCsvRecords", () => {
  it("keeps the line where each record starts, its line break, quoting and blank lines", () => {
    // Prepare
    const csv = '\ufeffa,"b\nc"\r\n\r\n"d",""""\r\ne,\n';

    // Act
    const { bom, records } = readCsvRecords(csv, "x.csv");

    // Assess
    expect(bom).toBe(true);
    expect(records.map((r) => [r.cells, r.quoted, r.line, r.terminator, r.blank])).toEqual([
      [["a", "b\nc"], [false, true], 1, "\r\n", false],
      [[""], [false], 3, "\r\n", true],
      [["d", '"'], [true, true], 4, "\r\n", false],
      [["e", ""], [false, false], 5, "\n", false],
    ]);
  });

  it("reads a last record without a line break, and a lone CR as a line break", () => {
    // Act
    const { records } = readCsvRecords("a,b\rc,d", "x.csv");

    // Assess
    expect(records.map((r) => [r.cells, r.line, r.terminator])).toEqual([
      [["a", "b"], 1, "\r"],
      [["c", "d"], 2, ""],
    ]);
  });

  it.each([
    ['a,"b\n', 1, "invalid CSV: a quoted field is never closed"],
    ['a\n"b"c\n', 2, "invalid CSV: unexpected character after a closing quote"],
    ['a\nb"c\n', 2, "invalid CSV: a quote inside an unquoted field"],
  ])("%j → line %i: %s", (csv, line, problem) => {
    // Act
    const act = () => readCsvRecords(csv, "x.csv");

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow(`x.csv, line ${line}: ${problem}`);
  });
});

describe("writeCsvRecords", () => {
  it.each([
    ["CRLF rows, LF inside quotes, a BOM", '\ufeff"送信者",本文\r\n山田,"一行目\n二行目"\r\n\r\n'],
    ["doubled quotes and commas", 'a,"x, ""y"""\n'],
    ["no final line break", "a,b\nc,d"],
  ])("writes an unchanged document back byte for byte: %s", (_name, csv) => {
    // Act
    const written = writeCsvRecords(readCsvRecords(csv, "x.csv"));

    // Assess
    expect(written).toBe(csv);
  });

  it("quotes a changed cell that needs it", () => {
    // Prepare
    const document = readCsvRecords("a,b\n", "x.csv");
    const record = document.records[0]!;

    // Act
    const written = writeCsvRecords({ ...document, records: [{ ...record, cells: ["a", 'x,"y"\nz'] }] });

    // Assess
    expect(written).toBe('a,"x,""y""\nz"\n');
  });
});
