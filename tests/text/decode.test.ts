import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { decodeInput, decodeUtf8 } from "../../shared/text/decode.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const sample = "時刻,名前,本文\r\n10:00,山本,①番の件で㈱ミナト商事の髙橋様から電話～\r\n";

function errorOf(run: () => unknown): InputFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputFormatError) return error;
    throw error;
  }
  throw new Error("expected an InputFormatError");
}

describe("decodeInput", () => {
  it("reads UTF-8 with and without a BOM", () => {
    expect(decodeInput(utf8(sample), "a.csv")).toEqual({ text: sample, encoding: "utf-8" });
    expect(decodeInput(bytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(sample)), "a.csv")).toEqual({ text: sample, encoding: "utf-8-bom" });
  });

  it("reads CP932 as Excel writes it, NEC/IBM extension characters included", () => {
    const cp932 = iconv.encode(sample, "cp932");
    expect(decodeInput(cp932, "a.csv")).toEqual({ text: sample, encoding: "cp932" });
  });

  it("reads UTF-16 with a BOM in both byte orders, and little-endian without one", () => {
    expect(decodeInput(bytes(Uint8Array.of(0xff, 0xfe), iconv.encode(sample, "utf-16le")), "a.txt")).toEqual({ text: sample, encoding: "utf-16le" });
    expect(decodeInput(bytes(Uint8Array.of(0xfe, 0xff), iconv.encode(sample, "utf-16be")), "a.txt")).toEqual({ text: sample, encoding: "utf-16be" });
    expect(decodeInput(iconv.encode(sample, "utf-16le"), "a.txt")).toEqual({ text: sample, encoding: "utf-16le" });
  });

  it("keeps plain ASCII as UTF-8 and an empty file as empty text", () => {
    expect(decodeInput(utf8("a,b\n1,2\n"), "a.csv")).toEqual({ text: "a,b\n1,2\n", encoding: "utf-8" });
    expect(decodeInput(new Uint8Array(0), "a.csv")).toEqual({ text: "", encoding: "utf-8" });
  });

  it("refuses a file that is UTF-8 and then Shift_JIS, naming the byte where it changes", () => {
    const head = utf8("名前,本文\n");
    const error = errorOf(() => decodeInput(bytes(head, iconv.encode("山本,こんにちは\n", "cp932")), "mixed.csv"));
    expect(error.message).toBe(
      `mixed.csv: mixed encodings: valid UTF-8 with Japanese text up to byte ${head.length}, then bytes that are not UTF-8; save the file in one encoding`,
    );
    expect(error.file).toBe("mixed.csv");
  });

  it("refuses bytes no supported encoding decodes, with the offsets and without quoting the content", () => {
    const error = errorOf(() => decodeInput(Uint8Array.of(0x41, 0x42, 0x80, 0xff, 0x43), "bin.dat"));
    expect(error.message).toBe("bin.dat: undecodable: not UTF-8 (first invalid byte at offset 2) nor CP932/Shift_JIS (first invalid byte at offset 2)");
  });

  it("refuses a broken UTF-8 file after a BOM with the absolute offset", () => {
    const error = errorOf(() => decodeInput(bytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8("ab"), Uint8Array.of(0xe3, 0x41)), "bom.txt"));
    expect(error.message).toBe("bom.txt: not valid UTF-8 (first invalid byte at offset 5)");
  });

  it("refuses an unpaired surrogate in UTF-16", () => {
    const error = errorOf(() => decodeInput(Uint8Array.of(0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x41, 0x00), "u16.txt"));
    expect(error.message).toBe("u16.txt: not valid UTF-16LE (first invalid byte at offset 4)");
  });
});

describe("decodeUtf8", () => {
  it("drops a BOM and names the first invalid byte", () => {
    expect(decodeUtf8(bytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8("はい")), "t.json")).toBe("はい");
    expect(errorOf(() => decodeUtf8(Uint8Array.of(0x7b, 0xc0, 0x80), "t.json")).message).toBe("t.json: not valid UTF-8 (first invalid byte at offset 1)");
  });
});
