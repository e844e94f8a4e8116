import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { InputFormatError } from "../errors.js";

/**
 * A small ZIP reader and writer for archives that arrive as one unit (a Slack export): stored and deflated
 * entries, UTF-8 or CP932 names, CRC-checked. ZIP64, encryption, multi-disk archives and other compression
 * methods are refused with an error naming the archive and the entry number, never an entry's content.
 */

/** One file (or directory) of an archive, decompressed. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated; directories end with `/`. */
  readonly name: string;
  readonly data: Uint8Array;
  /** MS-DOS time and date fields as stored, so a rewritten archive keeps them. */
  readonly dosTime: number;
  readonly dosDate: number;
}

export interface ReadZipOptions {
  /** Refuse archives that inflate to more than this many bytes (a zip bomb guard). Default 1 GiB. */
  readonly maxTotalBytes?: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const UNICODE_PATH_EXTRA = 0x7075;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * True when the bytes start like a ZIP archive (a local file header, or the end record of an empty archive).
 *
 * @example
 * looksLikeZip(new Uint8Array([0x50, 0x4b, 0x03, 0x04])); // true
 */
export function looksLikeZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const signature = view(bytes).getUint32(0, true);
  return signature === LOCAL_HEADER || (signature === END_OF_CENTRAL_DIRECTORY && bytes.length === 22);
}

/**
 * Reads every entry of an archive through its central directory, in directory order.
 * Throws InputFormatError naming the archive and the entry number for anything it cannot read safely.
 *
 * @example
 * const entries = readZip(bytes, "export.zip");
 * entries.map((entry) => entry.name); // ["users.json", "general/2024-06-03.json"]
 */
export function readZip(bytes: Uint8Array, file: string, options: ReadZipOptions = {}): ZipEntry[] {
  const data = view(bytes);
  const fail = (problem: string): never => {
    throw new InputFormatError(problem, { file });
  };
  const end = findEndOfCentralDirectory(bytes);
  if (end === undefined) fail("not a ZIP archive (no end of central directory record)");
  const eocd = end as number;
  if (eocd >= 20 && data.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    fail("ZIP64 archives are not supported; re-create the archive without ZIP64 (under 4 GiB and 65,535 files)");
  }
  const disk = data.getUint16(eocd + 4, true);
  const directoryDisk = data.getUint16(eocd + 6, true);
  const entriesOnDisk = data.getUint16(eocd + 8, true);
  const entryCount = data.getUint16(eocd + 10, true);
  const directorySize = data.getUint32(eocd + 12, true);
  const directoryOffset = data.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    fail("ZIP64 archives are not supported; re-create the archive without ZIP64 (under 4 GiB and 65,535 files)");
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) {
    fail("multi-part (spanned) ZIP archives are not supported");
  }
  if (directoryOffset + directorySize > eocd) fail("the central directory lies outside the archive (truncated file?)");

  const maxTotal = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  let total = 0;
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let at = directoryOffset;
  for (let number = 1; number <= entryCount; number++) {
    const where = `entry ${number} of ${entryCount}`;
    if (at + 46 > eocd || data.getUint32(at, true) !== CENTRAL_HEADER) {
      fail(`${where}: central directory record is damaged`);
    }
    const flags = data.getUint16(at + 8, true);
    const method = data.getUint16(at + 10, true);
    const dosTime = data.getUint16(at + 12, true);
    const dosDate = data.getUint16(at + 14, true);
    const expectedCrc = data.getUint32(at + 16, true);
    const compressedSize = data.getUint32(at + 20, true);
    const size = data.getUint32(at + 24, true);
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    const localOffset = data.getUint32(at + 42, true);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const extra = bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (at > eocd) fail(`${where}: central directory record is damaged`);

    if (flags & FLAG_ENCRYPTED) fail(`${where} is encrypted; export the archive without a password`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      fail(`${where} uses ZIP64 sizes, which are not supported`);
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATED) {
      fail(`${where} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    const name = decodeEntryName(nameBytes, extra, (flags & FLAG_UTF8) !== 0);
    checkEntryName(name, where, fail);
    if (seen.has(name)) fail(`${where} repeats the path of an earlier entry`);
    seen.add(name);

    if (localOffset + 30 > bytes.length || data.getUint32(localOffset, true) !== LOCAL_HEADER) {
      fail(`${where}: local file header is missing (truncated or damaged archive)`);
    }
    const start = localOffset + 30 + data.getUint16(localOffset + 26, true) + data.getUint16(localOffset + 28, true);
    if (start + compressedSize > bytes.length) fail(`${where}: data runs past the end of the archive (truncated?)`);
    total += size;
    if (total > maxTotal) fail(`the archive inflates to more than ${maxTotal} bytes; split it or raise the limit`);
    const stored = bytes.subarray(start, start + compressedSize);
    let content: Uint8Array;
    if (method === METHOD_STORED) {
      if (compressedSize !== size) fail(`${where}: stored entry sizes disagree`);
      content = stored;
    } else {
      try {
        const inflated = inflateRawSync(stored, { maxOutputLength: Math.max(size, 1) });
        content = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
      } catch {
        fail(`${where}: deflate data is damaged or larger than its recorded size`);
        content = new Uint8Array();
      }
    }
    if (content.length !== size) fail(`${where}: inflated to ${content.length} bytes, the directory says ${size}`);
    if (crc32(content) >>> 0 !== expectedCrc) fail(`${where}: CRC-32 check failed (damaged archive)`);
    entries.push({ name, data: content, dosTime, dosDate });
  }
  return entries;
}

/**
 * The entry names of an archive, read from its central directory only (nothing is inflated), for sniffing.
 * Undefined when the bytes are not a readable archive.
 *
 * @example
 * listZipNames(bytes); // ["users.json", "channels.json", "general/2024-06-03.json"]
 */
export function listZipNames(bytes: Uint8Array): string[] | undefined {
  if (!looksLikeZip(bytes)) return undefined;
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd === undefined) return undefined;
  const data = view(bytes);
  const count = data.getUint16(eocd + 10, true);
  const names: string[] = [];
  let at = data.getUint32(eocd + 16, true);
  for (let number = 0; number < count; number++) {
    if (at + 46 > eocd || data.getUint32(at, true) !== CENTRAL_HEADER) return undefined;
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const flags = data.getUint16(at + 8, true);
    names.push(
      decodeEntryName(
        bytes.subarray(at + 46, at + 46 + nameLength),
        bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength),
        (flags & FLAG_UTF8) !== 0,
      ),
    );
    at += 46 + nameLength + extraLength + data.getUint16(at + 32, true);
  }
  return names;
}

/** What {@link writeZip} takes: a path, its bytes and, optionally, the DOS time/date to record. */
export interface ZipEntryInput {
  readonly name: string;
  readonly data: Uint8Array;
  readonly dosTime?: number;
  readonly dosDate?: number;
}

/**
 * Writes an archive: entries deflated (or stored when that is smaller, and always for directories), names
 * flagged UTF-8, in the order given. Refuses what would need ZIP64.
 *
 * @example
 * const bytes = writeZip([{ name: "users.json", data: new TextEncoder().encode("[]") }]);
 * readZip(bytes, "out.zip")[0]?.name; // "users.json"
 */
export function writeZip(entries: readonly ZipEntryInput[]): Uint8Array {
  if (entries.length > 0xfffe) throw new InputFormatError("too many entries for a ZIP archive without ZIP64");
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  const encoder = new TextEncoder();
  const { time: defaultTime, date: defaultDate } = dosDateTime(new Date(Date.UTC(1980, 0, 1)));
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const isDirectory = entry.name.endsWith("/");
    const deflated = isDirectory ? undefined : deflateRawSync(entry.data);
    const useDeflate = deflated !== undefined && deflated.length < entry.data.length;
    const body = useDeflate ? deflated : entry.data;
    if (body.length >= 0xffffffff || entry.data.length >= 0xffffffff || offset >= 0xffffffff) {
      throw new InputFormatError("an entry is too large for a ZIP archive without ZIP64");
    }
    const crc = crc32(entry.data) >>> 0;
    const method = useDeflate ? METHOD_DEFLATED : METHOD_STORED;
    const time = entry.dosTime ?? defaultTime;
    const date = entry.dosDate ?? defaultDate;

    const local = new Uint8Array(30 + name.length);
    const l = view(local);
    l.setUint32(0, LOCAL_HEADER, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, FLAG_UTF8, true);
    l.setUint16(8, method, true);
    l.setUint16(10, time, true);
    l.setUint16(12, date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, body.length, true);
    l.setUint32(22, entry.data.length, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const c = view(central);
    c.setUint32(0, CENTRAL_HEADER, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, FLAG_UTF8, true);
    c.setUint16(10, method, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, body.length, true);
    c.setUint32(24, entry.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(38, isDirectory ? 0x10 : 0, true);
    c.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const directorySize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new Uint8Array(22);
  const e = view(end);
  e.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, directorySize, true);
  e.setUint32(16, offset, true);
  const out = new Uint8Array(offset + directorySize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * MS-DOS time and date fields of a moment (UTC; two-second resolution).
 *
 * @example
 * dosDateTime(new Date(Date.UTC(2024, 5, 3, 9, 12, 30))); // { time: 0x4990 | 15, date: 0x58c3 }
 */
export function dosDateTime(moment: Date): { time: number; date: number } {
  const year = Math.min(Math.max(moment.getUTCFullYear(), 1980), 2107);
  return {
    time: (moment.getUTCHours() << 11) | (moment.getUTCMinutes() << 5) | Math.floor(moment.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((moment.getUTCMonth() + 1) << 5) | moment.getUTCDate(),
  };
}

// ---------------------------------------------------------------------------------------------------------

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The end record sits in the last 22 + 65,535 (comment) bytes; search backwards for its signature. */
function findEndOfCentralDirectory(bytes: Uint8Array): number | undefined {
  if (bytes.length < 22) return undefined;
  const data = view(bytes);
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (data.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY && at + 22 + data.getUint16(at + 20, true) <= bytes.length) {
      return at;
    }
  }
  return undefined;
}

/**
 * Names are UTF-8 when flagged or when an Info-ZIP Unicode Path field gives them; otherwise they are decoded
 * as UTF-8 when they are valid UTF-8 (macOS and Linux tools), else as CP932 (Windows in Japan).
 */
function decodeEntryName(name: Uint8Array, extra: Uint8Array, utf8Flag: boolean): string {
  const strict = new TextDecoder("utf-8", { fatal: true });
  if (utf8Flag) return new TextDecoder("utf-8").decode(name);
  const unicodePath = findUnicodePath(extra);
  if (unicodePath !== undefined) return unicodePath;
  try {
    return strict.decode(name);
  } catch {
    return new TextDecoder("shift_jis").decode(name);
  }
}

function findUnicodePath(extra: Uint8Array): string | undefined {
  const data = view(extra);
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = data.getUint16(at, true);
    const length = data.getUint16(at + 2, true);
    if (id === UNICODE_PATH_EXTRA && length >= 5 && at + 4 + length <= extra.length) {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(extra.subarray(at + 9, at + 4 + length));
      } catch {
        return undefined;
      }
    }
    at += 4 + length;
  }
  return undefined;
}

/** Paths that could escape a folder when extracted are refused, so no reader of ours ever has to. */
function checkEntryName(name: string, where: string, fail: (problem: string) => never): void {
  if (name === "" || name.includes("\0")) fail(`${where} has an empty or invalid path`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.includes("\\")) {
    fail(`${where} has an absolute or backslash path`);
  }
  if (name.split("/").some((segment) => segment === "..")) fail(`${where} has a path with '..'`);
}
