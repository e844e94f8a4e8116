import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { decodeStream } from "../../shared/text/stream-decode.js";

const MiB = 2 ** 20;

/** Splits bytes into chunks of `size` (cutting multibyte characters wherever the size falls). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** About `bytes` bytes of Japanese chat lines, for inputs longer than the 64 KiB the encoding is chosen from. */
function lines(bytes: number): string {
  const line = '{"speaker":"お客様","text":"①番の件、㈱ミナト商事の髙橋さんに伝えてください～"}\n';
  return line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
}

async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InputFormatError)) throw new Error("expected an InputFormatError");
  return error.message;
}

describe("decodeStream", () => {
  it.each([1, 7, 4096, 65_536, 100_000])("decodes UTF-8 cut into %i-byte chunks, characters split across chunks", async (size) => {
    const text = lines(200_000);
    const decoded = await decodeStream(chunked(new TextEncoder().encode(text), size), "a.jsonl", { maxBytes: MiB });
    expect(decoded).toEqual({ text, encoding: "utf-8" });
  });

  it("decodes CP932 and UTF-16 with a BOM as they stream", async () => {
    const text = lines(150_000);
    expect(await decodeStream(chunked(iconv.encode(text, "cp932"), 5000), "a.csv", { maxBytes: MiB })).toEqual({ text, encoding: "cp932" });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf-16le")]);
    expect(await decodeStream(chunked(utf16, 4099), "a.txt", { maxBytes: MiB })).toEqual({ text, encoding: "utf-16le" });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(await decodeStream(chunked(bom, 70_000), "a.txt", { maxBytes: MiB })).toEqual({ text, encoding: "utf-8-bom" });
  });

  it("decodes a small input in one piece by the same rules as decodeInput", async () => {
    const bytes = iconv.encode("山本,こんにちは\n", "cp932");
    expect(await decodeStream(chunked(bytes, 3), "a.csv", { maxBytes: MiB })).toEqual({ text: "山本,こんにちは\n", encoding: "cp932" });
  });

  it("refuses a file that turns into Shift_JIS after the first 64 KiB, with the exact byte offset", async () => {
    const head = Buffer.from(lines(100_000));
    const bytes = Buffer.concat([head, iconv.encode("山本,こんにちは\n", "cp932")]);
    const message = await failure(decodeStream(chunked(bytes, 3000), "mixed.jsonl", { maxBytes: MiB }));
    expect(message).toBe(`mixed.jsonl: not valid UTF-8 (first invalid byte at offset ${head.length}); the file changes encoding or is damaged there`);
  });

  it("refuses an input over the size limit while it streams, before holding it", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(MiB).fill(0x41);
      }
    }
    const message = await failure(decodeStream(endless(), "huge.jsonl", { maxBytes: 3 * MiB }));
    expect(message).toBe("huge.jsonl: input is larger than the 3 MiB limit (maxInputBytes); split it or raise the limit");
    expect(pulled).toBe(4);
  });
});
