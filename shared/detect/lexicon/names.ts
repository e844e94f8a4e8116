import { z } from "zod";
import data from "./names.json" with { type: "json" };

/**
 * Japanese person-name lexicon: surnames (姓) and given names (名) from IPADIC (NAIST, see NOTICE.md), with their
 * katakana readings and Hepburn romaji, built by `scripts/build-name-lexicon.ts` into `names.json` (do not edit by
 * hand). Validated with zod on first use, then served from Maps.
 *
 * Costs are IPADIC word costs: lower = more common (渡辺 1650, 佐藤 4579, 田中 4912; rare names 9000+). Given-name
 * costs are flatter than surname costs (most 7000–8500). `kanaOnly` readings come only from kana-written entries
 * (mostly foreign names such as ジョン, ホーキング), whose IPADIC costs are not comparable with the kanji ones.
 */

/** A kanji surface: its lowest cost and katakana readings, best first. */
export interface NameEntry {
  readonly cost: number;
  readonly readings: readonly string[];
}

/** A katakana reading of a surname or a given name. */
export interface ReadingInfo {
  /** Lowest cost of the kanji names read this way (of the kana entries when `kanaOnly`). */
  readonly cost: number;
  /**
   * The reading, as hiragana or katakana text, is also an ordinary word for kuromoji (なか, あい, さくら, とおる):
   * do not take it as a name without context (さん, 様, と申します…).
   */
  readonly ambiguous: boolean;
  /** Only kana-written entries have this reading (ジョン, ホーキング): no kanji name is read this way. */
  readonly kanaOnly: boolean;
}

/** A romaji spelling: the readings it stands for, best first, and the best of their costs. */
export interface RomajiInfo {
  readonly cost: number;
  readonly readings: readonly string[];
}

const KATAKANA = /^[\u30A1-\u30FA\u30FC]+$/;
const Katakana = z.string().regex(KATAKANA, "katakana reading");
const Cost = z.number().int();
const NameEntrySchema = z.strictObject({ cost: Cost, readings: z.array(Katakana).min(1) });
const ReadingSchema = z.strictObject({ cost: Cost, ambiguous: z.literal(true).optional(), kanaOnly: z.literal(true).optional() });
const RomajiSchema = z.array(Katakana).min(1);
const Romaji = z.string().regex(/^[a-z]+$/, "lower-case romaji");

/** The shape of `names.json` (format version 1). */
export const NameLexiconSchema = z
  .strictObject({
    header: z.object({
      generator: z.string(),
      formatVersion: z.literal(1),
      source: z.object({ package: z.string().nullable(), version: z.string().nullable(), files: z.array(z.string()), encoding: z.string() }),
      ambiguity: z.string(),
      supplement: z.object({ given: z.number().int(), cost: Cost }),
      counts: z.record(z.string(), z.number().int()),
    }),
    surnames: z.record(z.string().min(1), NameEntrySchema),
    given: z.record(z.string().min(1), NameEntrySchema),
    surnameReadings: z.record(Katakana, ReadingSchema),
    givenReadings: z.record(Katakana, ReadingSchema),
    surnameRomaji: z.record(Romaji, RomajiSchema),
    givenRomaji: z.record(Romaji, RomajiSchema),
  })
  .superRefine((lex, ctx) => {
    // Every reading that a surface or a romaji spelling points to is in the reading table of its side.
    const check = (from: "surnames" | "given" | "surnameRomaji" | "givenRomaji", table: Record<string, unknown>): void => {
      for (const [key, value] of Object.entries(lex[from])) {
        const readings: readonly string[] = Array.isArray(value) ? value : value.readings;
        const missing = readings.find((r) => !Object.hasOwn(table, r));
        if (missing !== undefined) ctx.addIssue({ code: "custom", path: [from, key], message: `reading ${missing} missing from the reading table` });
      }
    };
    check("surnames", lex.surnameReadings);
    check("surnameRomaji", lex.surnameReadings);
    check("given", lex.givenReadings);
    check("givenRomaji", lex.givenReadings);
  });

export type NameLexiconData = z.infer<typeof NameLexiconSchema>;
export type NameLexiconHeader = NameLexiconData["header"];

interface Side {
  readonly surfaces: ReadonlyMap<string, NameEntry>;
  readonly readings: ReadonlyMap<string, ReadingInfo>;
  readonly romaji: ReadonlyMap<string, RomajiInfo>;
}

/** The validated lexicon, as Maps. */
export interface NameLexicon {
  readonly header: NameLexiconHeader;
  readonly surname: Side;
  readonly given: Side;
}

function side(
  surfaces: Record<string, NameEntry>,
  readings: Record<string, { cost: number; ambiguous?: true | undefined; kanaOnly?: true | undefined }>,
  romaji: Record<string, string[]>,
): Side {
  const readingMap = new Map<string, ReadingInfo>();
  for (const [k, v] of Object.entries(readings)) readingMap.set(k, Object.freeze({ cost: v.cost, ambiguous: v.ambiguous === true, kanaOnly: v.kanaOnly === true }));
  const romajiMap = new Map<string, RomajiInfo>();
  for (const [k, v] of Object.entries(romaji)) {
    const cost = Math.min(...v.map((r) => readingMap.get(r)?.cost ?? Number.POSITIVE_INFINITY));
    romajiMap.set(k, Object.freeze({ cost, readings: Object.freeze([...v]) }));
  }
  const surfaceMap = new Map<string, NameEntry>();
  for (const [k, v] of Object.entries(surfaces)) surfaceMap.set(k, Object.freeze({ cost: v.cost, readings: Object.freeze([...v.readings]) }));
  return { surfaces: surfaceMap, readings: readingMap, romaji: romajiMap };
}

/**
 * Validates data of the `names.json` shape and indexes it. Throws a ZodError naming the first bad entries.
 *
 * @example
 * const lex = parseNameLexicon(JSON.parse(text));
 * lex.surname.readings.get("サトウ") // { cost: 4579, ambiguous: false, kanaOnly: false }
 */
export function parseNameLexicon(json: unknown): NameLexicon {
  const lex = NameLexiconSchema.parse(json);
  return {
    header: lex.header,
    surname: side(lex.surnames, lex.surnameReadings, lex.surnameRomaji),
    given: side(lex.given, lex.givenReadings, lex.givenRomaji),
  };
}

let loaded: NameLexicon | undefined;

/**
 * The bundled lexicon, validated and indexed on first call (about 0.2 s), then cached for the process.
 *
 * @example
 * loadNameLexicon().header.counts["surnames"] // 10975
 */
export function loadNameLexicon(): NameLexicon {
  loaded ??= parseNameLexicon(data);
  return loaded;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalising what the detector passes in

/** Variant kanji that IPADIC (JIS X 0208) lacks, tried when the exact spelling is not found (髙橋 → 高橋). */
const KANJI_VARIANTS: ReadonlyMap<string, string> = new Map([
  ["髙", "高"],
  ["﨑", "崎"],
  ["𠮷", "吉"],
  ["德", "徳"],
  ["濵", "浜"],
]);

function kanjiKeys(surface: string): string[] {
  const exact = surface.normalize("NFKC").trim();
  let variant = "";
  for (const ch of exact) variant += KANJI_VARIANTS.get(ch) ?? ch;
  return variant === exact ? [exact] : [exact, variant];
}

/**
 * Katakana key of kana text: NFKC (half-width ｻﾄｳ → サトウ), hiragana → katakana, spaces and ・ removed.
 *
 * @example
 * toKatakanaKey("さとう") // "サトウ"
 */
export function toKatakanaKey(kana: string): string {
  return kana
    .normalize("NFKC")
    .replace(/[\s\u30FB]/g, "")
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/**
 * Romaji key: NFKC (ＳＡＴＯ), accents and macrons dropped (satō → sato, ô → o), lower case, letters only
 * (Jun'ichi → junichi). Pass one word (a surname or a given name), not "Sato Kenji".
 *
 * @example
 * toRomajiKey("Satō") // "sato"
 */
export function toRomajiKey(romaji: string): string {
  return romaji
    .normalize("NFKC")
    .normalize("NFD")
    .replace(/[\u0300-\u036F]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function lookupSurface(map: ReadonlyMap<string, NameEntry>, surface: string): NameEntry | undefined {
  for (const key of kanjiKeys(surface)) {
    const hit = map.get(key);
    if (hit) return hit;
  }
  return undefined;
}

/** Words remembered per lookup: enough for the vocabulary of a long run, small enough to stay a few MB. */
const MEMO_LIMIT = 20_000;

/**
 * A lookup that remembers its answers by word. The detectors ask about the same words over and over (every
 * utterance with 田中 asks for 田中, most words are asked as surname and given name, kana and kanji), and each
 * lookup normalises its key first. The memo is cleared when full, so memory stays bounded on any input.
 */
function memoized<T>(lookup: (word: string) => T | undefined): (word: string) => T | undefined {
  const memo = new Map<string, T | null>();
  return (word) => {
    const hit = memo.get(word);
    if (hit !== undefined) return hit ?? undefined;
    const value = lookup(word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, value ?? null);
    return value;
  };
}

const surnameEntryOf = memoized((kanji: string) => lookupSurface(loadNameLexicon().surname.surfaces, kanji));
const givenNameEntryOf = memoized((kanji: string) => lookupSurface(loadNameLexicon().given.surfaces, kanji));
const surnameReadingOf = memoized((kana: string) => loadNameLexicon().surname.readings.get(toKatakanaKey(kana)));
const givenReadingOf = memoized((kana: string) => loadNameLexicon().given.readings.get(toKatakanaKey(kana)));

// ---------------------------------------------------------------------------------------------------------------
// Lookups

/**
 * The surname entry of a kanji spelling (kana-only surnames are in the reading table, not here).
 *
 * @example
 * surnameEntry("佐藤") // { cost: 4579, readings: ["サトウ"] }
 */
export function surnameEntry(kanji: string): NameEntry | undefined {
  return surnameEntryOf(kanji);
}

/**
 * Whether IPADIC knows this kanji spelling as a surname.
 *
 * @example
 * isSurname("鈴木") // true
 * isSurname("会議") // false
 */
export function isSurname(kanji: string): boolean {
  return surnameEntry(kanji) !== undefined;
}

/**
 * The lowest cost of a kanji surname (lower = more common), undefined when it is not one.
 *
 * @example
 * surnameCost("渡辺") // 1650
 */
export function surnameCost(kanji: string): number | undefined {
  return surnameEntry(kanji)?.cost;
}

/**
 * The given-name entry of a kanji spelling.
 *
 * @example
 * givenNameEntry("翔太") // { cost: 8461, readings: ["ショウタ"] }
 */
export function givenNameEntry(kanji: string): NameEntry | undefined {
  return givenNameEntryOf(kanji);
}

/**
 * Whether this kanji spelling is a known given name.
 *
 * @example
 * isGivenName("花子") // true
 */
export function isGivenName(kanji: string): boolean {
  return givenNameEntry(kanji) !== undefined;
}

/**
 * The lowest cost of a kanji given name, undefined when it is not one.
 *
 * @example
 * givenNameCost("健二") // 7859
 */
export function givenNameCost(kanji: string): number | undefined {
  return givenNameEntry(kanji)?.cost;
}

/**
 * A surname reading, for names written in kana (ASR output): katakana, hiragana or half-width katakana.
 *
 * @example
 * surnameReading("タナカ") // { cost: 4912, ambiguous: false, kanaOnly: false }
 * surnameReading("なか")   // { cost: 8020, ambiguous: true, kanaOnly: false }
 */
export function surnameReading(kana: string): ReadingInfo | undefined {
  return surnameReadingOf(kana);
}

/**
 * A given-name reading, for names written in kana.
 *
 * @example
 * givenReading("けんじ") // { cost: 7332, ambiguous: false, kanaOnly: false }
 */
export function givenReading(kana: string): ReadingInfo | undefined {
  return givenReadingOf(kana);
}

/**
 * A surname in romaji (SATO, Satō, Satoh, satou), any case, macrons allowed.
 *
 * @example
 * romajiSurname("SATO") // { cost: 4579, readings: ["サトウ", "サト"] }
 */
export function romajiSurname(romaji: string): RomajiInfo | undefined {
  return loadNameLexicon().surname.romaji.get(toRomajiKey(romaji));
}

/**
 * A given name in romaji (Kenji, Shōta, Shouta, Yuuki, Jun'ichi).
 *
 * @example
 * romajiGiven("Kenji") // { cost: 7332, readings: ["ケンジ"] }
 */
export function romajiGiven(romaji: string): RomajiInfo | undefined {
  return loadNameLexicon().given.romaji.get(toRomajiKey(romaji));
}
