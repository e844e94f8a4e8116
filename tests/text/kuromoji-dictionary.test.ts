import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DICTIONARY_FILES,
  loadTargetMap,
  MANIFEST,
  packagedDictionaryDir,
  readManifest,
  trimPadding,
  unpackDictionary,
} from "../../shared/text/kuromoji-dictionary.js";
import { loadTokenizer } from "../../shared/text/tokenizer.js";
import { loadLabelledSets } from "../eval/devset.js";

const require = createRequire(import.meta.url);

/** kuromoji's own TokenInfoDictionary, loaded afresh: the tokenizer replaces loadTargetMap on the shared copy. */
function stockDictionary(): new () => { loadTargetMap(bytes: Uint8Array): unknown; target_map: Record<number, number[]> } {
  const path = require.resolve("kuromoji/src/dict/TokenInfoDictionary.js");
  const cached = require.cache[path];
  delete require.cache[path];
  try {
    return require(path);
  } finally {
    if (cached) require.cache[path] = cached;
  }
}

const packaged = packagedDictionaryDir();
let unpacked: string;

beforeAll(() => {
  unpacked = mkdtempSync(join(tmpdir(), "tokumei-dict-"));
  unpackDictionary(packaged, unpacked);
});

afterAll(() => {
  rmSync(unpacked, { recursive: true, force: true });
});

describe("unpackDictionary", () => {
  it("writes the 12 files uncompressed, the padded ones trimmed, and a manifest of their hashes", () => {
    // Act
    const manifest = readManifest(unpacked);

    // Assess
    expect(Object.keys(manifest?.files ?? {})).toEqual([...DICTIONARY_FILES]);
    for (const file of DICTIONARY_FILES) expect(statSync(join(unpacked, file)).size).toBe(manifest?.files[file]?.bytes);
    const full = gunzipSync(readFileSync(join(packaged, "tid_pos.dat.gz")));
    expect(statSync(join(unpacked, "tid_pos.dat")).size).toBeLessThan(full.length);
    // Read as Int32Array: never trimmed.
    expect(statSync(join(unpacked, "base.dat")).size).toBe(gunzipSync(readFileSync(join(packaged, "base.dat.gz"))).length);
    expect(manifest?.kuromoji).toBe("0.1.2");
  });

  it("leaves a folder unpacked from the same files alone", () => {
    // Act
    const again = unpackDictionary(packaged, unpacked);

    // Assess
    expect(again.written).toBe(false);
  });

  it("unpacks again over a folder whose manifest names another source", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "tokumei-dict-"));
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ ...readManifest(unpacked), source: "0".repeat(64) }));

    // Act
    const result = unpackDictionary(packaged, dir);

    // Assess
    expect(result.written).toBe(true);
    expect(readManifest(dir)?.source).toBe(readManifest(unpacked)?.source);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("trimPadding", () => {
  it("keeps eight zeros after the last byte, on a length that is a multiple of 4", () => {
    const padded = new Uint8Array(64);
    padded.set([0x34, 0x12, 0, 0, 0x05], 0);
    expect([...trimPadding("tid_map.dat", padded)]).toEqual([0x34, 0x12, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("leaves the files read as Int32, Int16 or Uint32 arrays whole", () => {
    expect(trimPadding("cc.dat", new Uint8Array(16)).length).toBe(16);
  });
});

describe("loadTargetMap", () => {
  it.each([["tid_map.dat"], ["unk_map.dat"]])("gives the same ids as kuromoji's own loader for every key of %s", (file) => {
    // Prepare
    const bytes = new Uint8Array(gunzipSync(readFileSync(join(packaged, `${file}.gz`))));
    const Stock = stockDictionary();
    const stock = new Stock();
    stock.loadTargetMap(bytes);
    const fast = { target_map: undefined as unknown };

    // Act
    loadTargetMap.call(fast, trimPadding(file, bytes));

    // Assess
    const map = fast.target_map as Array<number[] | undefined>;
    const keys = Object.keys(stock.target_map).map(Number);
    expect(keys.length).toBeGreaterThan(file === "tid_map.dat" ? 300_000 : 5);
    const listed = (ids: (key: number) => readonly number[] | undefined) => keys.map((key) => `${key}:${ids(key)?.join(",")}`).join(";");
    expect(listed((key) => map[key])).toBe(listed((key) => stock.target_map[key]));
    expect(map.filter((v) => v !== undefined).length).toBe(keys.length);
  });
});

describe("the unpacked dictionary", () => {
  it("tokenizes the whole dev set and mixed scripts exactly as kuromoji's .gz files do", () => {
    // Prepare
    const texts = loadLabelledSets([new URL("../devset/", import.meta.url).pathname]).map((item) => item.text);
    texts.push("ｱｲｳｴｵ ＡＢＣ１２３ 😀𠮷野家 \uD800 العربية 한국어 Ελληνικά ⅫⅣ ㍻ ㈱ ～〜・…‥");
    const fromGz = loadTokenizer(packaged);

    // Act
    const fromUnpacked = loadTokenizer(unpacked);

    // Assess
    for (const text of texts) expect(fromUnpacked.tokenize(text)).toEqual(fromGz.tokenize(text));
  });

  it("fails to load, naming the folder, when a file is missing", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "tokumei-dict-"));
    writeFileSync(join(dir, MANIFEST), readFileSync(join(unpacked, MANIFEST)));

    // Act
    const act = () => loadTokenizer(dir);

    // Assess
    expect(act).toThrow(`kuromoji dictionary could not be loaded from ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  });
});
