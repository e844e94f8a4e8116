import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";

/**
 * kuromoji's IPADIC dictionary as tokumei loads it. kuromoji 0.1.2 ships it as 12 gzip files (17 MB) that
 * expand to 96 MB, most of it zero padding, and gunzipping them is most of kuromoji's start-up
 * (shared/reference/tokenizers.md). `unpackDictionary` writes the files once, uncompressed and without the padding
 * (62 MB), into a folder that `readDictionaryFile` then reads without any decompression. Tokens come out the same.
 */

const require = createRequire(import.meta.url);

/** The files kuromoji's DictionaryLoader asks for, without their `.gz`. */
export const DICTIONARY_FILES = [
  "base.dat", "check.dat", "tid.dat", "tid_pos.dat", "tid_map.dat", "cc.dat",
  "unk.dat", "unk_pos.dat", "unk_map.dat", "unk_char.dat", "unk_compat.dat", "unk_invoke.dat",
] as const;

/**
 * Files kuromoji reads byte by byte through its ByteBuffer, which answers 0 for a read past the end: their
 * trailing zeros can go. The others become Int32/Int16/Uint32 arrays and keep their length.
 */
const TRIMMABLE: ReadonlySet<string> = new Set(["tid.dat", "tid_pos.dat", "tid_map.dat", "unk.dat", "unk_pos.dat", "unk_map.dat", "unk_invoke.dat"]);
/** Zeros kept after the last non-zero byte: the last int of a map may end in zero bytes (0x00001234). */
const KEPT_ZEROS = 8;

/** What `unpackDictionary` writes last, so that a folder holds either a complete unpacked dictionary or none. */
export const MANIFEST = "tokumei-dictionary.json";
const ManifestSchema = z.object({
  format: z.literal(1),
  kuromoji: z.string(),
  /** SHA-256 of the packaged .gz files, in DICTIONARY_FILES order: the source the folder was made from. */
  source: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type DictionaryManifest = z.infer<typeof ManifestSchema>;

/**
 * The folder of kuromoji's packaged .gz files.
 *
 * @example
 * packagedDictionaryDir() // "/…/node_modules/kuromoji/dict"
 */
export function packagedDictionaryDir(): string {
  return join(dirname(require.resolve("kuromoji/package.json")), "dict");
}

/**
 * `bytes` without the zero padding of a ByteBuffer-read file, keeping a few zeros and a length that is a multiple of 4.
 *
 * @example
 * trimPadding("unk_map.dat", new Uint8Array([1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).length // 12
 */
export function trimPadding(file: string, bytes: Uint8Array): Uint8Array {
  if (!TRIMMABLE.has(file)) return bytes;
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, Math.min(bytes.length, Math.ceil((end + KEPT_ZEROS) / 4) * 4));
}

function sha256(data: Uint8Array | readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of data instanceof Uint8Array ? [data] : data) hash.update(part);
  return hash.digest("hex");
}

function sourceHash(packagedDir: string): string {
  return sha256(DICTIONARY_FILES.map((file) => readFileSync(join(packagedDir, `${file}.gz`))));
}

/** The manifest of an unpacked folder, or undefined when the folder is not one (no manifest). */
export function readManifest(dir: string): DictionaryManifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new Error(`${path} is not a tokumei dictionary manifest (${parsed.error.issues[0]?.message ?? "invalid"})`);
  return parsed.data;
}

/**
 * Writes the unpacked dictionary into `outDir` (created; files replaced), the manifest last. Does nothing when
 * `outDir` already holds the unpacked form of the same source. Returns the manifest.
 *
 * @example
 * unpackDictionary(packagedDictionaryDir(), "dist/kuromoji-dict").files["tid.dat"].bytes // ≈ 10 MB instead of 22
 */
export function unpackDictionary(packagedDir: string, outDir: string): { manifest: DictionaryManifest; written: boolean } {
  const source = sourceHash(packagedDir);
  const existing = readManifest(outDir);
  if (existing?.source === source && DICTIONARY_FILES.every((file) => existsSync(join(outDir, file)))) return { manifest: existing, written: false };
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, MANIFEST), { force: true });
  const files: DictionaryManifest["files"] = {};
  for (const file of DICTIONARY_FILES) {
    const bytes = trimPadding(file, gunzipSync(readFileSync(join(packagedDir, `${file}.gz`))));
    // Written under a temporary name and renamed: a reader never sees half a file.
    writeFileSync(join(outDir, `${file}.tmp`), bytes);
    renameSync(join(outDir, `${file}.tmp`), join(outDir, file));
    files[file] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  const version = (JSON.parse(readFileSync(join(packagedDir, "..", "package.json"), "utf8")) as { version: string }).version;
  const manifest: DictionaryManifest = { format: 1, kuromoji: version, source, files };
  writeFileSync(join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, written: true };
}

/**
 * A dictionary file as kuromoji asks for it (`<dir>/tid.dat.gz`): read as is from an unpacked folder (one with
 * a manifest), gunzipped otherwise. The ArrayBuffer is the file's own, not a copy.
 */
export function readDictionaryFile(requested: string): ArrayBuffer {
  const dir = dirname(requested);
  const file = basename(requested).replace(/\.gz$/, "");
  const unpacked = existsSync(join(dir, MANIFEST));
  const bytes = unpacked ? readFileSync(join(dir, file)) : gunzipSync(readFileSync(requested));
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Keys beyond this many holes past the end are stored sparsely (real trie ids are dense, below 400,000). */
const MAX_GAP = 1 << 20;

/**
 * kuromoji's `TokenInfoDictionary.loadTargetMap`, faster: the stock loader fills a `{}` with 325,871 integer keys
 * (about 140 ms); this one fills a packed array in key order, holes as `undefined`. `target_map[id]` gives the
 * same arrays (or undefined) for every id: it reads the same records in the same order.
 */
export function loadTargetMap(this: { target_map: unknown }, bytes: Uint8Array): unknown {
  const n = bytes.length;
  const intAt = (at: number) => (at + 4 > n ? 0 : (bytes[at + 3]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 1]! << 8) | bytes[at]!);
  const map: Array<number[] | undefined> = [];
  let at = 4; // map_keys_size, unused
  while (n >= at + 1) {
    const key = intAt(at);
    const size = intAt(at + 4);
    at += 8;
    if (size <= 0) continue;
    let values = map[key];
    if (values === undefined) {
      values = [];
      if (key >= map.length && key - map.length <= MAX_GAP) {
        while (map.length < key) map.push(undefined);
        map.push(values);
      } else {
        map[key] = values;
      }
    }
    for (let i = 0; i < size; i++, at += 4) values.push(intAt(at));
  }
  this.target_map = map;
  return this;
}
