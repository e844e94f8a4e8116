import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  LabelledSetError,
  MarkupError,
  PII_TYPES,
  loadLabelledSets,
  parseLabelledFile,
  parseLabelledLine,
  parseMarked,
  splitsSurrogatePair,
} from "./devset.js";

describe("parseMarked", () => {
  it("strips markup and gives UTF-16 offsets into the stripped text", () => {
    const r = parseMarked("お名前は⟦PERSON|山田太郎⟧様です");
    expect(r).toEqual({ text: "お名前は山田太郎様です", entities: [{ start: 4, end: 8, type: "PERSON", surface: "山田太郎" }] });
  });

  it("counts a surrogate pair (𠮷) as two units and handles full-width text", () => {
    const r = parseMarked("⟦PERSON|𠮷田⟧さん、電話は⟦PHONE|０９０-１２３４⟧です");
    expect(r.text).toBe("𠮷田さん、電話は０９０-１２３４です");
    expect(r.entities).toEqual([
      { start: 0, end: 3, type: "PERSON", surface: "𠮷田" },
      { start: 9, end: 17, type: "PHONE", surface: "０９０-１２３４" },
    ]);
    for (const e of r.entities) expect(r.text.slice(e.start, e.end)).toBe(e.surface);
  });

  it("keeps full-width brackets and spaces outside spans as plain text", () => {
    const r = parseMarked("ＴＥＬ：（⟦PHONE|０３　１２３４　５６７８⟧）");
    expect(r.text).toBe("ＴＥＬ：（０３　１２３４　５６７８）");
    expect(r.entities).toEqual([{ start: 5, end: 17, type: "PHONE", surface: "０３　１２３４　５６７８" }]);
  });

  it("splits type and surface at the first bar only, so surfaces may contain |", () => {
    expect(parseMarked("⟦PASSWORD|ab|cd⟧").entities).toEqual([{ start: 0, end: 5, type: "PASSWORD", surface: "ab|cd" }]);
  });

  it("accepts adjacent spans and text without markup", () => {
    expect(parseMarked("⟦PHONE|090⟧⟦ACCOUNT_ID|123⟧").entities).toEqual([
      { start: 0, end: 3, type: "PHONE", surface: "090" },
      { start: 3, end: 6, type: "ACCOUNT_ID", surface: "123" },
    ]);
    expect(parseMarked("3時に伺います。")).toEqual({ text: "3時に伺います。", entities: [] });
    expect(parseMarked("")).toEqual({ text: "", entities: [] });
  });

  it("accepts every policy type", () => {
    for (const type of PII_TYPES) expect(parseMarked(`⟦${type}|xy⟧`).entities[0]?.type).toBe(type);
  });

  const malformed: [string, string, number, string][] = [
    ["nesting", "a⟦PERSON|b⟦PHONE|1⟧⟧", 10, "nested"],
    ["an unclosed span", "abc⟦PHONE|123", 3, "never closed"],
    ["a stray close", "abc⟧", 3, "without a matching"],
    ["a second close", "⟦PHONE|1⟧⟧", 9, "without a matching"],
    ["a missing bar", "x⟦PHONE 123⟧", 1, `no "|"`],
    ["an unknown type", "⟦TEL|123⟧", 0, `unknown PII type "TEL"`],
    ["a lower-case type", "⟦phone|123⟧", 0, "unknown PII type (not a type name)"],
    ["an empty surface", "⟦PHONE|⟧", 0, "empty surface"],
    ["a trailing space", "x⟦PERSON|山田 ⟧", 1, "whitespace"],
    ["a leading ideographic space", "⟦PERSON|　山田⟧", 0, "whitespace"],
  ];
  for (const [what, marked, offset, message] of malformed) {
    it(`rejects ${what} at offset ${offset}`, () => {
      let caught: unknown;
      try {
        parseMarked(marked);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MarkupError);
      expect((caught as MarkupError).offset).toBe(offset);
      expect((caught as MarkupError).message).toContain(message);
    });
  }

  it("never echoes a surface when type and surface are swapped", () => {
    expect(() => parseMarked("⟦山田|PERSON⟧")).toThrow(/^unknown PII type \(not a type name\)/);
    expect(() => parseMarked("⟦山田|PERSON⟧")).not.toThrow(/山田/);
  });
});

describe("splitsSurrogatePair", () => {
  it("is true only between the halves of a pair", () => {
    expect([0, 1, 2, 3].map((i) => splitsSurrogatePair("𠮷田", i))).toEqual([false, true, false, false]);
  });
});

describe("parseLabelledLine", () => {
  const parse = (line: string): ReturnType<typeof parseLabelledLine> => parseLabelledLine(line, "set/x.jsonl", 3, "x");
  const errorOf = (line: string): LabelledSetError => {
    try {
      parse(line);
    } catch (error) {
      if (error instanceof LabelledSetError) return error;
      throw error;
    }
    throw new Error("expected a LabelledSetError");
  };

  it("reads the markup form", () => {
    const line = JSON.stringify({ id: "c-1", domain: "call", style: "spoken", marked: "⟦PERSON|𠮷田⟧です" });
    expect(parse(line)).toEqual({
      id: "c-1",
      domain: "call",
      style: "spoken",
      text: "𠮷田です",
      entities: [{ start: 0, end: 3, type: "PERSON", surface: "𠮷田" }],
      file: "set/x.jsonl",
      line: 3,
    });
  });

  it("reads the pre-offset form, sorting entities, stringifying ids and defaulting the domain", () => {
    const line = JSON.stringify({
      id: 7,
      text: "𠮷田 0901234",
      entities: [
        { start: 4, end: 11, type: "PHONE" },
        { start: 0, end: 3, type: "PERSON", surface: "𠮷田" },
      ],
    });
    expect(parse(line)).toEqual({
      id: "7",
      domain: "x",
      style: undefined,
      text: "𠮷田 0901234",
      entities: [
        { start: 0, end: 3, type: "PERSON", surface: "𠮷田" },
        { start: 4, end: 11, type: "PHONE", surface: "0901234" },
      ],
      file: "set/x.jsonl",
      line: 3,
    });
  });

  it("skips blank lines", () => {
    expect(parse("   ")).toBeUndefined();
  });

  it("names file, line and id in markup errors without echoing the text", () => {
    const e = errorOf(JSON.stringify({ id: "c-2", domain: "call", style: "spoken", marked: "山田⟦PERSON|太郎" }));
    expect(e.message).toBe(`set/x.jsonl:3 (id "c-2"): malformed markup: "⟦" is never closed (at offset 2 of "marked")`);
    expect(e).toMatchObject({ file: "set/x.jsonl", line: 3, id: "c-2" });
  });

  const bad: [string, string, string][] = [
    ["invalid JSON", "{id: 1}", `set/x.jsonl:3 (id unknown): not valid JSON`],
    ["a non-object line", "[1,2]", "a line must be a JSON object"],
    ["a markup line without domain", JSON.stringify({ id: "a", marked: "x" }), "domain"],
    ["a line of neither form", JSON.stringify({ id: "a", domain: "call" }), `neither "marked"`],
    ["an unknown pre-offset type", JSON.stringify({ id: "a", text: "0901234", entities: [{ start: 0, end: 7, type: "TEL" }] }), `unknown PII type "TEL"`],
    ["an offset past the end", JSON.stringify({ id: "a", text: "0901234", entities: [{ start: 0, end: 8, type: "PHONE" }] }), "past the text length 7"],
    ["an empty range", JSON.stringify({ id: "a", text: "0901234", entities: [{ start: 2, end: 2, type: "PHONE" }] }), "not before end"],
    ["a negative offset", JSON.stringify({ id: "a", text: "0901234", entities: [{ start: -1, end: 2, type: "PHONE" }] }), "entities.0.start"],
    [
      "overlapping entities",
      JSON.stringify({ id: "a", text: "0901234", entities: [{ start: 0, end: 4, type: "PHONE" }, { start: 3, end: 7, type: "PHONE" }] }),
      "overlap",
    ],
    ["a code-point offset", JSON.stringify({ id: "a", text: "𠮷田です", entities: [{ start: 0, end: 2, type: "PERSON", surface: "𠮷田" }] }), "does not match"],
    ["a cut surrogate pair", JSON.stringify({ id: "a", text: "𠮷田です", entities: [{ start: 1, end: 3, type: "PERSON" }] }), "surrogate pair"],
    ["text disagreeing with marked", JSON.stringify({ id: "a", domain: "d", marked: "⟦PERSON|山田⟧", text: "山" }), `"text" differs`],
  ];
  for (const [what, line, message] of bad) {
    it(`rejects ${what}`, () => {
      const e = errorOf(line);
      expect(e.message).toContain(message);
      expect(e.message.startsWith("set/x.jsonl:3 (id ")).toBe(true);
    });
  }
});

describe("parseLabelledFile and loadLabelledSets", () => {
  const tmp = mkdtempSync(join(tmpdir(), "tokumei-devset-test-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("skips blank lines, keeps line numbers, accepts a BOM and CRLF", () => {
    const a = JSON.stringify({ id: "a", domain: "chat", style: "written", marked: "⟦EMAIL|a@b.jp⟧です" });
    const b = JSON.stringify({ id: "b", domain: "chat", style: "written", marked: "はい" });
    const items = parseLabelledFile(`\uFEFF${a}\r\n\r\n${b}\r\n`, "chat.jsonl");
    expect(items.map((i) => [i.id, i.line, i.text])).toEqual([
      ["a", 1, "a@b.jpです"],
      ["b", 3, "はい"],
    ]);
  });

  it("loads a directory's *.jsonl files in name order, both forms", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "set");
    const items = loadLabelledSets([dir]);
    expect(items.map((i) => [i.id, i.domain, i.entities.length])).toEqual([
      ["fx-001", "call", 2],
      ["fx-002", "call", 1],
      ["fx-003", "call", 0],
      ["fx-004", "chat", 1],
      ["fx-005", "chat", 1],
      ["fx-101", "pre-offset", 1],
    ]);
  });

  it("rejects duplicate ids across files, naming both places", () => {
    const dir = join(tmp, "dup");
    mkdirSync(dir);
    const line = JSON.stringify({ id: "same", domain: "call", marked: "はい" });
    writeFileSync(join(dir, "a.jsonl"), `${line}\n`);
    writeFileSync(join(dir, "b.jsonl"), `\n${line}\n`);
    expect(() => loadLabelledSets([dir])).toThrow(`${join(dir, "b.jsonl")}:2 (id "same"): duplicate id (first at ${join(dir, "a.jsonl")}:1)`);
  });

  it("rejects a missing path and a directory without .jsonl files", () => {
    expect(() => loadLabelledSets([join(tmp, "nope")])).toThrow("labelled set not found");
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    expect(() => loadLabelledSets([empty])).toThrow("no .jsonl files");
  });

  it("accepts a single file and several paths", () => {
    const f = join(tmp, "one.jsonl");
    writeFileSync(f, `${JSON.stringify({ id: "o1", text: "x", entities: [] })}\n`);
    const g = join(tmp, "two.jsonl");
    writeFileSync(g, `${JSON.stringify({ id: "o2", domain: "sales", marked: "y" })}\n`);
    expect(loadLabelledSets([f, g]).map((i) => [i.id, i.domain])).toEqual([
      ["o1", "one"],
      ["o2", "sales"],
    ]);
  });
});
