/**
 * Builds `shared/detect/lexicon/names.json`, the Japanese person-name lexicon of the PERSON detector, from the
 * person-name entries (名詞,固有名詞,人名,姓|名) of IPADIC's CSV sources, as Debian's `mecab-ipadic` package ships
 * them (EUC-JP; UTF-8 sources are read as well).
 *
 *     apt-get install mecab-ipadic        # the CSV sources, /usr/share/mecab/dic/ipadic/*.csv
 *     npx tsx scripts/build-name-lexicon.ts [--source DIR] [--out FILE] [--check]
 *
 * `--check` rebuilds in memory and exits 1 when the committed file differs (CI guard for hand edits).
 *
 * The output is deterministic: keys are sorted by code point, arrays have a defined order, no timestamps, so a rerun
 * on the same source gives a byte-identical file. Every entry is on its own line to keep diffs readable.
 *
 * What goes in (see the report of the build in the file header):
 * - `surnames` / `given`: kanji (or kanji+kana) surfaces → lowest cost and katakana readings, best first. Pure-kana
 *   surfaces (すずき, ジョン) are not kept here: text written in kana is looked up through the reading tables.
 * - `surnameReadings` / `givenReadings`: katakana reading → lowest cost, `ambiguous` (as kana text the reading is also an
 *   ordinary word: なか, うえ, あい, さくら, とおる; AMBIGUITY_RULE, computed with kuromoji), `kanaOnly` (only kana-written
 *   entries have this reading, mostly foreign names such as ホーキング, whose IPADIC costs are not comparable with the
 *   kanji entries'). Flags are written only when true.
 * - `surnameRomaji` / `givenRomaji`: lower-case Hepburn spellings (wanakana) → the katakana readings they stand for,
 *   best first (their costs are in the reading tables), with the long-vowel variants (satou, sato, satoh; yuuki, yuki;
 *   oono, ono, ohno) and m before b/m/p (homma). Long vowels are those IPADIC's pronunciation column marks with ー
 *   (サトウ/サトー), so イノウエ keeps its ou; entries without a pronunciation fall back to treating every ou/oo/uu as
 *   long. Built from the kanji readings only (`kanaOnly` readings are transliterations of foreign names).
 * - A short supplement of given names that became common after IPADIC (2007), e.g. 陽菜, 陽翔, 湊 (SUPPLEMENT_GIVEN).
 *
 * IPADIC cost: the word cost of the entry, lower = more likely (佐藤 4579, 渡辺 1650, rare surnames ~9000+).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toRomaji } from "wanakana";

export const GENERATOR = "scripts/build-name-lexicon.ts";
export const FORMAT_VERSION = 1;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_OUT = join(REPO_ROOT, "shared", "detect", "lexicon", "names.json");
const DEFAULT_SOURCE_CANDIDATES = ["/usr/share/mecab/dic/ipadic"];

/** Cost given to supplement entries: about the median cost of IPADIC's kanji given names (8,100–8,500). */
export const SUPPLEMENT_COST = 8000;

/**
 * Given names common since the 2000s that IPADIC (2007) lacks or lacks a reading for, with their usual readings.
 * Not from IPADIC: written for this project.
 */
export const SUPPLEMENT_GIVEN: Readonly<Record<string, readonly string[]>> = {
  // Boys
  陽翔: ["ハルト", "ヒナト"],
  大翔: ["ヒロト", "ハルト", "ヤマト"],
  湊: ["ミナト", "ソウ"],
  湊斗: ["ミナト"],
  湊人: ["ミナト"],
  湊太: ["ソウタ"],
  悠真: ["ユウマ", "ハルマ"],
  颯太: ["ソウタ"],
  颯真: ["ソウマ", "フウマ"],
  颯: ["ハヤテ", "ソウ"],
  陽向: ["ヒナタ"],
  陽太: ["ヨウタ", "ヒナタ", "ハルタ"],
  陽大: ["ハルト", "ヒナタ"],
  陽斗: ["ハルト", "ヒナト"],
  陽: ["ハル", "ヒナタ"],
  悠翔: ["ユウト", "ハルト"],
  悠斗: ["ユウト", "ハルト"],
  悠人: ["ユウト", "ハルト"],
  優斗: ["ユウト"],
  拓海: ["タクミ"],
  大和: ["ヤマト"],
  翔平: ["ショウヘイ"],
  蒼: ["アオイ", "ソウ", "アオ"],
  蒼空: ["ソラ"],
  蒼真: ["ソウマ"],
  碧: ["アオイ", "ミドリ", "アオ"],
  朝陽: ["アサヒ"],
  律: ["リツ"],
  結翔: ["ユイト"],
  奏太: ["ソウタ"],
  奏: ["カナデ", "ソウ"],
  暖: ["ハル", "ダン"],
  大雅: ["タイガ"],
  新: ["アラタ"],
  // Girls
  陽菜: ["ヒナ", "ハルナ"],
  陽葵: ["ヒマリ", "ヒナタ", "ヒナ"],
  陽咲: ["ヒナタ", "ヒサキ"],
  凛: ["リン"],
  結菜: ["ユイナ", "ユナ"],
  結愛: ["ユア", "ユイア"],
  結月: ["ユヅキ", "ユズキ"],
  心愛: ["ココア", "ココナ", "ミア"],
  心春: ["コハル"],
  心結: ["ミユ", "ミユウ"],
  芽依: ["メイ"],
  芽衣: ["メイ"],
  芽生: ["メイ", "メブキ"],
  紬: ["ツムギ"],
  澪: ["ミオ"],
  杏: ["アン", "アンズ"],
  詩: ["ウタ"],
  咲良: ["サクラ"],
  美桜: ["ミオ"],
  美結: ["ミユ"],
  翠: ["スイ", "ミドリ"],
  咲茉: ["エマ"],
  凪: ["ナギ"],
  柚希: ["ユズキ"],
  彩葉: ["イロハ"],
  琴音: ["コトネ"],
  愛莉: ["アイリ"],
  莉緒: ["リオ"],
  // More names common since 2007, seen in conversations (kept to everyday names, not tuned to one text)
  空: ["ソラ"],
  陸斗: ["リクト"],
  樹: ["イツキ"],
  葉月: ["ハヅキ"],
  朔: ["サク"],
  蓮: ["レン"],
};

// ---------------------------------------------------------------------------------------------------------------
// Reading the source

/** One person-name row of the IPADIC CSV. */
export interface NameRow {
  readonly surface: string;
  readonly kind: "姓" | "名" | "一般";
  readonly cost: number;
  /** Katakana (hiragana readings of the source are converted). */
  readonly reading: string;
  /** Katakana with ー for long vowels (サトー); empty when the source has none. */
  readonly pronunciation: string;
}

/** Decodes a CSV file: UTF-8 when it is valid UTF-8, EUC-JP otherwise (Debian's mecab-ipadic sources). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: "utf-8" | "euc-jp" } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("euc-jp", { fatal: true }).decode(bytes), encoding: "euc-jp" };
  }
}

/** Splits one CSV line; IPADIC quotes fields that contain a comma. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** Hiragana → katakana (code-point shift; ゔ → ヴ), everything else unchanged. */
export function hiraganaToKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/** Katakana → hiragana for the letters that have one (ヷ–ヺ and ー stay). */
export function katakanaToHiragana(s: string): string {
  return s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

const KATAKANA_READING = /^[\u30A1-\u30FA\u30FC]+$/;
const KANA_ONLY = /^[\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC\u30FD\u30FE]+$/;
/** Han, 々 〆 ヶ and kana: what a kept surface may contain (drops Ａ子, ＪＦＫ, 徐煕[女弟]). */
const NAME_SURFACE = /^[\p{Script=Han}\u3005\u3006\u30F5\u30F6\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC\u30FD\u30FE]+$/u;

/** Person-name rows (名詞,固有名詞,人名,*) of a CSV text; other rows are ignored. */
export function parseNameRows(text: string): NameRow[] {
  const rows: NameRow[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw === "") continue;
    const f = splitCsvLine(raw);
    if (f.length < 13 || f[4] !== "名詞" || f[5] !== "固有名詞" || f[6] !== "人名") continue;
    const kind = f[7];
    if (kind !== "姓" && kind !== "名" && kind !== "一般") continue;
    const cost = Number(f[3]);
    if (!Number.isInteger(cost)) throw new Error(`bad cost in row: ${raw}`);
    const pron = hiraganaToKatakana(f[12] ?? "");
    rows.push({
      surface: f[0] ?? "",
      kind,
      cost,
      reading: hiraganaToKatakana(f[11] ?? ""),
      pronunciation: KATAKANA_READING.test(pron) ? pron : "",
    });
  }
  return rows;
}

export interface SourceInfo {
  /** Debian package owning the files, when dpkg knows them. */
  package: string | null;
  version: string | null;
  files: string[];
  encoding: string;
}

/** Reads every *.csv of an IPADIC source directory (sorted by name) and keeps the person-name rows. */
export function readSource(dir: string): { rows: NameRow[]; source: SourceInfo } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort();
  const rows: NameRow[] = [];
  const used: string[] = [];
  const encodings = new Set<string>();
  for (const file of files) {
    const { text, encoding } = decodeCsv(readFileSync(join(dir, file)));
    if (!text.includes("人名")) continue;
    const found = parseNameRows(text);
    if (found.length === 0) continue;
    rows.push(...found);
    used.push(file);
    encodings.add(encoding);
  }
  if (rows.length === 0) throw new Error(`no person-name rows (名詞,固有名詞,人名) in ${dir}/*.csv`);
  const pkg = used[0] ? dpkgOwner(join(dir, used[0])) : { package: null, version: null };
  return { rows, source: { ...pkg, files: used, encoding: [...encodings].sort().join(",") } };
}

function dpkgOwner(file: string): { package: string | null; version: string | null } {
  try {
    const owner = execFileSync("dpkg-query", ["-S", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const name = owner.split(":")[0]?.trim();
    if (!name) return { package: null, version: null };
    const version = execFileSync("dpkg-query", ["-W", "-f", "${Version}", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return { package: name, version: version.trim() || null };
  } catch {
    return { package: null, version: null };
  }
}

/** The source directory: `--source`, else the one dpkg lists for mecab-ipadic, else the Debian default. */
export function findSourceDir(explicit?: string): string | undefined {
  if (explicit) return explicit;
  for (const pkg of ["mecab-ipadic", "mecab-ipadic-utf8"]) {
    try {
      const listed = execFileSync("dpkg", ["-L", pkg], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const csv = listed.split("\n").find((l) => l.endsWith("/Noun.name.csv"));
      if (csv && existsSync(csv)) return dirname(csv);
    } catch {
      // not installed
    }
  }
  return DEFAULT_SOURCE_CANDIDATES.find((d) => existsSync(join(d, "Noun.name.csv")));
}

// ---------------------------------------------------------------------------------------------------------------
// Romaji

/**
 * The katakana reading with the long o/u vowels that the pronunciation marks with ー removed (サトウ/サトー → サト),
 * and the positions (in the result) after which a removed o-vowel stood, for the passport "h" spelling (satoh).
 * Readings whose pronunciation does not align fall back to a romaji-level rule (see romajiVariants).
 */
function shortenLongVowels(reading: string, pronunciation: string): { parts: string[]; oLong: boolean[] } | undefined {
  if (pronunciation === "" || pronunciation.length !== reading.length) return undefined;
  const parts: string[] = [];
  const oLong: boolean[] = [];
  let current = "";
  for (let i = 0; i < reading.length; i++) {
    const r = reading[i] ?? "";
    const p = pronunciation[i] ?? "";
    if (p === "ー" && (r === "ウ" || r === "オ" || r === "ー") && i > 0) {
      const vowel = lastVowel(toRomaji(current === "" ? (parts.at(-1) ?? "") : current));
      if (vowel === "o" || vowel === "u") {
        parts.push(current);
        oLong.push(vowel === "o");
        current = "";
        continue;
      }
    } else if (p !== r && p !== "ー" && SAME_SOUND.get(r) !== p) {
      return undefined; // readings and pronunciations that differ otherwise: not aligned
    }
    current += r;
  }
  parts.push(current);
  return { parts, oLong };
}

/** Old or voiced kana of readings and the kana that the pronunciation column writes for them. */
const SAME_SOUND: ReadonlyMap<string, string> = new Map([
  ["ヅ", "ズ"],
  ["ヂ", "ジ"],
  ["ヱ", "エ"],
  ["ヰ", "イ"],
  ["ヲ", "オ"],
  ["ヴ", "ブ"],
]);

/** ヰ ヱ ヲ as modern Hepburn writes them (トキヱ → tokie, not tokiwe). */
function modernKana(katakana: string): string {
  return katakana.replace(/[ヰヱヲ]/g, (c) => (c === "ヰ" ? "イ" : c === "ヱ" ? "エ" : "オ"));
}

function lastVowel(romaji: string): string | undefined {
  const m = /([aeiou])[^aeiou]*$/.exec(romaji);
  return m?.[1];
}

/** Lower-case [a-z] only: wanakana's Hepburn with the apostrophe of ン before a vowel or y dropped (ken'ichi). */
function romanize(katakana: string): string {
  return toRomaji(modernKana(katakana)).toLowerCase().replace(/[^a-z]/g, "");
}

/**
 * Romaji spellings of a katakana reading: plain Hepburn (satou, yuuki, oono), long vowels dropped (sato, yuki, ono),
 * passport "oh" (satoh, ohno), and m for n before b/m/p (homma, sampei). Sorted, unique.
 *
 * @example
 * romajiVariants("サトウ", "サトー") // ["sato", "satoh", "satou"]
 */
export function romajiVariants(reading: string, pronunciation = ""): string[] {
  // ー in a reading (kana-written names) stands for the previous vowel.
  const plain = toRomaji(modernKana(reading))
    .toLowerCase()
    .replace(/([aeiou])-+/g, "$1$1")
    .replace(/[^a-z]/g, "");
  const out = new Set<string>([plain]);
  const split = shortenLongVowels(reading, pronunciation);
  if (split) {
    const romanParts = split.parts.map(romanize);
    out.add(romanParts.join(""));
    let withH = romanParts[0] ?? "";
    for (let i = 1; i < romanParts.length; i++) {
      const next = romanParts[i] ?? "";
      // "h" only for a long o followed by a consonant or the end (satoh, ohno; not oho + vowel)
      withH += (split.oLong[i - 1] && !/^[aeiouy]/.test(next) ? "h" : "") + next;
    }
    out.add(withH);
  } else {
    // No usable pronunciation: treat every ou / oo / uu as a long vowel.
    out.add(plain.replace(/oo|ou|uu/g, (m) => m[0] ?? ""));
    out.add(plain.replace(/o[ou](?![aeiouy])/g, "oh"));
  }
  for (const s of [...out]) out.add(s.replace(/n(?=[bmp])/g, "m"));
  out.delete("");
  return [...out].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Building

export interface SurfaceEntry {
  cost: number;
  readings: string[];
}
/** Flags are written only when true, to keep the file small. */
export interface ReadingEntry {
  cost: number;
  ambiguous?: true;
  kanaOnly?: true;
}
/** Katakana readings that a romaji spelling stands for, best (lowest cost) first; their costs are in the reading table. */
export type RomajiEntry = string[];
export interface LexiconHeader {
  generator: string;
  formatVersion: number;
  source: SourceInfo;
  ambiguity: string;
  supplement: { given: number; cost: number };
  counts: Record<string, number>;
}
export interface Lexicon {
  header: LexiconHeader;
  surnames: Record<string, SurfaceEntry>;
  given: Record<string, SurfaceEntry>;
  surnameReadings: Record<string, ReadingEntry>;
  givenReadings: Record<string, ReadingEntry>;
  surnameRomaji: Record<string, RomajiEntry>;
  givenRomaji: Record<string, RomajiEntry>;
}

/** Tells whether a katakana reading, as kana text, is an ordinary word (なか, あい, さくら) rather than a name. */
export type CommonWordTest = (katakana: string) => boolean;

export interface BuildOptions {
  source: SourceInfo;
  isCommonWord: CommonWordTest;
  /** Add SUPPLEMENT_GIVEN (default true). */
  supplement?: boolean;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Acc {
  /** surface → reading → best cost */
  surfaces: Map<string, Map<string, number>>;
  /** reading → best cost over kanji surfaces / over kana surfaces */
  kanjiReadings: Map<string, number>;
  kanaReadings: Map<string, number>;
  /** reading → pronunciations seen */
  pronunciations: Map<string, Set<string>>;
}

function newAcc(): Acc {
  return { surfaces: new Map(), kanjiReadings: new Map(), kanaReadings: new Map(), pronunciations: new Map() };
}

function keepMin(map: Map<string, number>, key: string, cost: number): void {
  const old = map.get(key);
  if (old === undefined || cost < old) map.set(key, cost);
}

function add(acc: Acc, surface: string, reading: string, pronunciation: string, cost: number): "kanji" | "kana" {
  if (pronunciation !== "") {
    let set = acc.pronunciations.get(reading);
    if (!set) acc.pronunciations.set(reading, (set = new Set()));
    set.add(pronunciation);
  }
  if (KANA_ONLY.test(surface)) {
    keepMin(acc.kanaReadings, reading, cost);
    return "kana";
  }
  let readings = acc.surfaces.get(surface);
  if (!readings) acc.surfaces.set(surface, (readings = new Map()));
  keepMin(readings, reading, cost);
  keepMin(acc.kanjiReadings, reading, cost);
  return "kanji";
}

function surfaceTable(acc: Acc): Record<string, SurfaceEntry> {
  const out: Record<string, SurfaceEntry> = {};
  for (const surface of [...acc.surfaces.keys()].sort(byCodePoint)) {
    const readings = [...(acc.surfaces.get(surface) ?? new Map<string, number>())].sort((a, b) => a[1] - b[1] || byCodePoint(a[0], b[0]));
    out[surface] = { cost: readings[0]?.[1] ?? 0, readings: readings.map(([r]) => r) };
  }
  return out;
}

function readingTable(acc: Acc, isCommonWord: CommonWordTest): Record<string, ReadingEntry> {
  const all = new Set([...acc.kanjiReadings.keys(), ...acc.kanaReadings.keys()]);
  const out: Record<string, ReadingEntry> = {};
  for (const reading of [...all].sort(byCodePoint)) {
    const kanjiCost = acc.kanjiReadings.get(reading);
    const cost = kanjiCost ?? acc.kanaReadings.get(reading) ?? 0;
    const entry: ReadingEntry = { cost };
    if (isCommonWord(reading)) entry.ambiguous = true;
    if (kanjiCost === undefined) entry.kanaOnly = true;
    out[reading] = entry;
  }
  return out;
}

function romajiTable(acc: Acc): Record<string, RomajiEntry> {
  const collected = new Map<string, Map<string, number>>();
  for (const [reading, cost] of acc.kanjiReadings) {
    const prons = [...(acc.pronunciations.get(reading) ?? new Set<string>())].sort(byCodePoint);
    const variants = new Set<string>();
    if (prons.length === 0) for (const v of romajiVariants(reading)) variants.add(v);
    for (const p of prons) for (const v of romajiVariants(reading, p)) variants.add(v);
    for (const v of variants) {
      let readings = collected.get(v);
      if (!readings) collected.set(v, (readings = new Map()));
      keepMin(readings, reading, cost);
    }
  }
  const out: Record<string, RomajiEntry> = {};
  for (const romaji of [...collected.keys()].sort(byCodePoint)) {
    const readings = [...(collected.get(romaji) ?? new Map<string, number>())].sort((a, b) => a[1] - b[1] || byCodePoint(a[0], b[0]));
    out[romaji] = readings.map(([r]) => r);
  }
  return out;
}

/** Builds the lexicon from parsed rows. Pure apart from `isCommonWord`; the row order does not matter. */
export function buildLexicon(rows: readonly NameRow[], options: BuildOptions): Lexicon {
  const surnames = newAcc();
  const given = newAcc();
  const counts = { rows: rows.length, general: 0, badReading: 0, badSurface: 0, kanaSurnames: 0, kanaGiven: 0 };
  for (const row of rows) {
    if (row.kind === "一般") {
      counts.general++; // full names of historical or public figures (金潤万, フランキー堺): not split into 姓/名
      continue;
    }
    if (!KATAKANA_READING.test(row.reading)) {
      counts.badReading++;
      continue;
    }
    if (!NAME_SURFACE.test(row.surface)) {
      counts.badSurface++;
      continue;
    }
    const where = add(row.kind === "姓" ? surnames : given, row.surface, row.reading, row.pronunciation, row.cost);
    if (where === "kana") counts[row.kind === "姓" ? "kanaSurnames" : "kanaGiven"]++;
  }
  let supplementCount = 0;
  if (options.supplement ?? true) {
    for (const surface of Object.keys(SUPPLEMENT_GIVEN).sort(byCodePoint)) {
      for (const reading of SUPPLEMENT_GIVEN[surface] ?? []) add(given, surface, reading, "", SUPPLEMENT_COST);
      supplementCount++;
    }
  }
  const lexicon: Omit<Lexicon, "header"> = {
    surnames: surfaceTable(surnames),
    given: surfaceTable(given),
    surnameReadings: readingTable(surnames, options.isCommonWord),
    givenReadings: readingTable(given, options.isCommonWord),
    surnameRomaji: romajiTable(surnames),
    givenRomaji: romajiTable(given),
  };
  const size = (o: object): number => Object.keys(o).length;
  const flagged = (t: Record<string, ReadingEntry>, k: keyof ReadingEntry): number => Object.values(t).filter((e) => e[k] === true).length;
  return {
    header: {
      generator: GENERATOR,
      formatVersion: FORMAT_VERSION,
      source: options.source,
      ambiguity: AMBIGUITY_RULE,
      supplement: { given: supplementCount, cost: SUPPLEMENT_COST },
      counts: {
        sourceRows: counts.rows,
        droppedFullNames: counts.general,
        droppedBadReading: counts.badReading,
        droppedBadSurface: counts.badSurface,
        kanaSurnameRows: counts.kanaSurnames,
        kanaGivenRows: counts.kanaGiven,
        surnames: size(lexicon.surnames),
        given: size(lexicon.given),
        surnameReadings: size(lexicon.surnameReadings),
        surnameReadingsAmbiguous: flagged(lexicon.surnameReadings, "ambiguous"),
        surnameReadingsKanaOnly: flagged(lexicon.surnameReadings, "kanaOnly"),
        givenReadings: size(lexicon.givenReadings),
        givenReadingsAmbiguous: flagged(lexicon.givenReadings, "ambiguous"),
        givenReadingsKanaOnly: flagged(lexicon.givenReadings, "kanaOnly"),
        surnameRomaji: size(lexicon.surnameRomaji),
        givenRomaji: size(lexicon.givenRomaji),
      },
    },
    ...lexicon,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Serialising

/** JSON with object keys sorted by code point at every level, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(byCodePoint);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

const TOP_LEVEL: readonly (keyof Lexicon)[] = ["header", "surnames", "given", "surnameReadings", "givenReadings", "surnameRomaji", "givenRomaji"];

/**
 * The file text: top-level keys in a fixed order, the header on one line, one table entry per line, keys sorted by
 * code point, a final newline. Equal lexicons give equal strings whatever order their entries were inserted in.
 */
export function serializeLexicon(lexicon: Lexicon): string {
  const blocks = TOP_LEVEL.map((key) => {
    if (key === "header") return `  ${JSON.stringify(key)}: ${canonicalJson(lexicon.header)}`;
    const table = lexicon[key] as Record<string, unknown>;
    const lines = Object.keys(table)
      .sort(byCodePoint)
      .map((k) => `    ${JSON.stringify(k)}: ${canonicalJson(table[k])}`);
    return lines.length === 0 ? `  ${JSON.stringify(key)}: {}` : `  ${JSON.stringify(key)}: {\n${lines.join(",\n")}\n  }`;
  });
  return `{\n${blocks.join(",\n")}\n}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Ambiguity with kuromoji

/** The parts of a kuromoji (IPADIC) token or dictionary entry that the common-word test reads. */
export interface WordToken {
  surface_form: string;
  word_type: string;
  pos: string;
  pos_detail_1: string;
  conjugated_type: string;
  conjugated_form: string;
}

/**
 * An ordinary word: a known word that is not a proper noun; verbs and adjectives only in their modern dictionary form
 * (ひかる, とおる, あおい), since a bare conjugated stem (けんじ 献じ, しんじ 信じ, もり 盛り, はら 払…) or a classical
 * form (たかし 高し, ひろし) is not how an ordinary word stands alone in text.
 */
export function isOrdinaryWord(t: WordToken): boolean {
  if (t.word_type !== "KNOWN") return false;
  if (t.pos === "名詞") return t.pos_detail_1 !== "固有名詞";
  if (t.pos === "動詞" || t.pos === "形容詞" || t.pos === "助動詞") return t.conjugated_form === "基本形" && !t.conjugated_type.startsWith("文語");
  return t.pos !== "記号" && t.pos !== "フィラー";
}

/** The best tokenization of `text` is `text` itself, as one ordinary word. */
export function singleOrdinaryWord(tokens: readonly WordToken[], text: string): boolean {
  const t = tokens[0];
  return tokens.length === 1 && t !== undefined && t.surface_form === text && isOrdinaryWord(t);
}

export const AMBIGUITY_RULE =
  "kuromoji 0.1.2 (IPADIC) reads the reading, in hiragana or in katakana, as one ordinary word (a known token that is " +
  "not a proper noun; verbs and adjectives only in the modern 基本形), or the hiragana is a common-noun entry of IPADIC";

interface KuromojiInternals {
  tokenize(text: string): WordToken[];
  token_info_dictionary: { target_map: Record<number, number[]>; getFeatures(id: string): string };
  viterbi_builder: { trie: { lookup(key: string): number } };
}

/** Every IPADIC entry spelled exactly `text`, from kuromoji's dictionary (kuromoji 0.1.2 internals). */
function dictionaryEntries(tokenizer: KuromojiInternals, text: string): WordToken[] {
  const id = tokenizer.viterbi_builder.trie.lookup(text);
  if (id < 0) return [];
  return (tokenizer.token_info_dictionary.target_map[id] ?? []).map((infoId) => {
    // surface,pos,pos1,pos2,pos3,conjugated_type,conjugated_form,basic_form,reading,pronunciation
    const f = tokenizer.token_info_dictionary.getFeatures(String(infoId)).split(",");
    return { surface_form: text, word_type: "KNOWN", pos: f[1] ?? "", pos_detail_1: f[2] ?? "", conjugated_type: f[5] ?? "", conjugated_form: f[6] ?? "" };
  });
}

/** The common-word test of AMBIGUITY_RULE with kuromoji's bundled IPADIC dictionary. */
export async function kuromojiCommonWordTest(): Promise<CommonWordTest> {
  const require = createRequire(import.meta.url);
  const kuromoji = require("kuromoji") as typeof import("kuromoji");
  const dicPath = join(dirname(require.resolve("kuromoji/package.json")), "dict");
  const tokenizer = await new Promise<KuromojiInternals>((ok, fail) => {
    kuromoji.builder({ dicPath }).build((error, built) => (error ? fail(error) : ok(built as unknown as KuromojiInternals)));
  });
  if (typeof tokenizer.viterbi_builder?.trie?.lookup !== "function" || typeof tokenizer.token_info_dictionary?.getFeatures !== "function") {
    throw new Error("kuromoji internals changed: the ambiguity test needs kuromoji 0.1.2");
  }
  return (katakana) => {
    // Hiragana: kuromoji's preferred reading, and also any common-noun entry (うえ 上, きた 北, たくみ 巧み) even where
    // kuromoji prefers a name; not every verb entry (いとう 厭う would flag イトウ).
    // Katakana: only kuromoji's preferred reading counts, since IPADIC lists many animals and plants in katakana
    // (スズキ 鱸, マツ) that are names far more often than words in conversation; サクラ, アオイ, ミラー still count.
    const hiragana = katakanaToHiragana(katakana);
    return (
      dictionaryEntries(tokenizer, hiragana).some((e) => e.pos === "名詞" && isOrdinaryWord(e)) ||
      singleOrdinaryWord(tokenizer.tokenize(hiragana), hiragana) ||
      singleOrdinaryWord(tokenizer.tokenize(katakana), katakana)
    );
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv: readonly string[]): { source?: string; out: string; check: boolean } {
  let source: string | undefined;
  let out = DEFAULT_OUT;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--source") source = argv[++i];
    else if (a?.startsWith("--source=")) source = a.slice("--source=".length);
    else if (a === "--out") out = resolve(argv[++i] ?? "");
    else if (a?.startsWith("--out=")) out = resolve(a.slice("--out=".length));
    else if (a === "--check") check = true;
    else throw new Error(`unknown argument ${a ?? ""} (usage: build-name-lexicon.ts [--source DIR] [--out FILE] [--check])`);
  }
  return source === undefined ? { out, check } : { source, out, check };
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const dir = findSourceDir(args.source);
  if (!dir) {
    console.error("IPADIC CSV sources not found: apt-get install mecab-ipadic, or pass --source DIR");
    return 2;
  }
  const { rows, source } = readSource(dir);
  const lexicon = buildLexicon(rows, { source, isCommonWord: await kuromojiCommonWordTest() });
  const text = serializeLexicon(lexicon);
  if (args.check) {
    const same = existsSync(args.out) && readFileSync(args.out, "utf8") === text;
    console.log(same ? `${args.out} is up to date` : `${args.out} differs from a rebuild from ${dir}`);
    return same ? 0 : 1;
  }
  writeFileSync(args.out, text);
  const c = lexicon.header.counts;
  console.log(
    `${args.out}: ${Buffer.byteLength(text)} bytes from ${dir} (${source.package ?? "?"} ${source.version ?? "?"}); ` +
      `surnames ${c["surnames"]}, given ${c["given"]}, readings ${c["surnameReadings"]}/${c["givenReadings"]}, romaji ${c["surnameRomaji"]}/${c["givenRomaji"]}`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
