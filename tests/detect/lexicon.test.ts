import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  buildLexicon,
  decodeCsv,
  findSourceDir,
  kuromojiCommonWordTest,
  parseNameRows,
  romajiVariants,
  serializeLexicon,
  type SourceInfo,
} from "../../scripts/build-name-lexicon.js";
import {
  givenNameCost,
  givenNameEntry,
  givenReading,
  isGivenName,
  isSurname,
  loadNameLexicon,
  parseNameLexicon,
  romajiGiven,
  romajiSurname,
  surnameCost,
  surnameEntry,
  surnameReading,
  toKatakanaKey,
  toRomajiKey,
} from "../../shared/detect/lexicon/names.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARTEFACT = join(ROOT, "shared/detect/lexicon/names.json");
const SCRIPT = join(ROOT, "scripts/build-name-lexicon.ts");

describe("names.json artefact", () => {
  it("parses against the schema and its header matches its tables", () => {
    const raw: unknown = JSON.parse(readFileSync(ARTEFACT, "utf8"));
    const lex = parseNameLexicon(raw);
    expect(lex.header.generator).toBe("scripts/build-name-lexicon.ts");
    expect(lex.header.source.package).toBe("mecab-ipadic");
    expect(lex.header.source.version).toMatch(/^2\.7\.0/);
    expect(lex.header.counts["surnames"]).toBe(lex.surname.surfaces.size);
    expect(lex.header.counts["given"]).toBe(lex.given.surfaces.size);
    expect(lex.header.counts["surnameReadings"]).toBe(lex.surname.readings.size);
    expect(lex.header.counts["givenRomaji"]).toBe(lex.given.romaji.size);
    expect(lex.surname.surfaces.size).toBeGreaterThan(10_000);
    expect(lex.given.surfaces.size).toBeGreaterThan(15_000);
  });

  it("stays under 3 MB", () => {
    expect(statSync(ARTEFACT).size).toBeLessThan(3 * 1024 * 1024);
  });

  it("rejects data of the wrong shape", () => {
    const raw = JSON.parse(readFileSync(ARTEFACT, "utf8")) as { surnameReadings: Record<string, unknown> };
    raw.surnameReadings["サトウ"] = { cost: "4579" };
    expect(() => parseNameLexicon(raw)).toThrow();
    expect(() => parseNameLexicon({})).toThrow();
  });

  it("loads once", () => {
    expect(loadNameLexicon()).toBe(loadNameLexicon());
  });
});

describe("kanji surnames and given names", () => {
  const SURNAMES: Record<string, string> = {
    佐藤: "サトウ", 鈴木: "スズキ", 高橋: "タカハシ", 田中: "タナカ", 渡辺: "ワタナベ",
    伊藤: "イトウ", 山本: "ヤマモト", 中村: "ナカムラ", 小林: "コバヤシ", 加藤: "カトウ",
  };
  const GIVEN: Record<string, string> = { 太郎: "タロウ", 花子: "ハナコ", 翔太: "ショウタ", 陽菜: "ヒナ", 健二: "ケンジ" };

  it.each(Object.entries(SURNAMES))("surname %s reads %s", (kanji, reading) => {
    expect(isSurname(kanji)).toBe(true);
    expect(surnameEntry(kanji)?.readings[0]).toBe(reading);
    expect(surnameCost(kanji)).toBeTypeOf("number");
    expect(surnameReading(reading)).toBeDefined();
  });

  it.each(Object.entries(GIVEN))("given name %s reads %s", (kanji, reading) => {
    expect(isGivenName(kanji)).toBe(true);
    expect(givenNameEntry(kanji)?.readings).toContain(reading);
    expect(givenNameCost(kanji)).toBeTypeOf("number");
    expect(givenReading(reading)).toBeDefined();
  });

  it("ranks common surnames before rare readings", () => {
    expect(surnameCost("渡辺")).toBeLessThan(surnameCost("上田") ?? 0);
    expect(surnameEntry("上田")?.readings[0]).toBe("ウエダ"); // before カミダ, ウエタ, カミタ
  });

  it("does not take ordinary words or kana-only spellings as kanji names", () => {
    expect(isSurname("会議")).toBe(false);
    expect(isSurname("すずき")).toBe(false); // kana is looked up by reading
    expect(isGivenName("電話")).toBe(false);
  });

  it("finds variant kanji that IPADIC lacks", () => {
    expect(surnameEntry("髙橋")).toEqual(surnameEntry("高橋"));
  });
});

describe("readings for names written in kana (ASR)", () => {
  it("finds サトウ, スズキ, タナカ, also from hiragana and half-width katakana", () => {
    for (const r of ["サトウ", "スズキ", "タナカ"]) expect(surnameReading(r)).toMatchObject({ ambiguous: false, kanaOnly: false });
    expect(surnameReading("さとう")).toEqual(surnameReading("サトウ"));
    expect(surnameReading("ｽｽﾞｷ")).toEqual(surnameReading("スズキ"));
    expect(toKatakanaKey("たなか")).toBe("タナカ");
    expect(surnameReading("サトウ")?.cost).toBe(surnameCost("佐藤"));
  });

  it("flags readings that are ordinary words in kana", () => {
    // なか (中), うえ (上), きた (北), あい (愛), さくら, あおい (青い): words in a usual kana spelling.
    for (const r of ["ナカ", "ウエ", "キタ", "アイ", "サクラ", "アオイ"]) expect(surnameReading(r)?.ambiguous, r).toBe(true);
    expect(givenReading("ヒカル")?.ambiguous).toBe(true); // ひかる 光る
    expect(givenReading("トオル")?.ambiguous).toBe(true); // とおる 通る
  });

  it("does not flag names whose kana spelling is no word of its own", () => {
    // Decision: 森 モリ and 原 ハラ are not flagged. The words 森 and 腹/原 are written in kanji; bare もり/はら are
    // only verb stems (盛り, 払…) for kuromoji, which the rule does not count, like けんじ (献じ) and たかし (文語);
    // nor does a verb entry that kuromoji does not prefer (いとう 厭う), nor katakana animals (スズキ 鱸).
    for (const r of ["モリ", "ハラ", "サトウ", "スズキ", "タナカ", "イトウ", "ヤマダ"]) expect(surnameReading(r), r).toMatchObject({ ambiguous: false });
    for (const r of ["ケンジ", "タカシ", "ヒロシ", "ショウタ"]) expect(givenReading(r), r).toMatchObject({ ambiguous: false });
  });

  it("keeps everyday words out of the surname readings or flags them", () => {
    const words = ["なか", "やま", "にし", "みなみ", "うえ", "まえ", "いま", "ここ", "はい", "いいえ", "もしもし", "ほんとう", "すみません", "ありがとう", "でも", "また"];
    for (const w of words) {
      const hit = surnameReading(w);
      expect(hit === undefined || hit.ambiguous, w).toBe(true);
    }
  });

  it("marks foreign names that only kana entries have", () => {
    expect(givenReading("ジョン")).toMatchObject({ kanaOnly: true });
  });
});

describe("romaji", () => {
  it("finds Hepburn spellings with and without long vowels, any case, with macrons", () => {
    for (const r of ["sato", "satou", "satoh", "SATO", "Sato", "Satō", "tanaka", "TANAKA", "suzuki", "ito", "itoh", "ono", "ohno", "Ōno", "homma", "honma"]) {
      expect(romajiSurname(r), r).toBeDefined();
    }
    expect(romajiSurname("sato")?.readings[0]).toBe("サトウ");
    expect(romajiSurname("Satō")).toEqual(romajiSurname("sato"));
    for (const r of ["kenji", "Kenji", "shota", "Shōta", "shouta", "yuki", "yuuki", "Jun'ichi", "taro", "hanako", "hina"]) {
      expect(romajiGiven(r), r).toBeDefined();
    }
    expect(romajiGiven("kenji")?.readings).toEqual(["ケンジ"]);
    expect(toRomajiKey("ＳＡＴＯ")).toBe("sato");
  });

  it("drops only the long vowels that IPADIC pronounces long", () => {
    expect(romajiVariants("サトウ", "サトー")).toEqual(["sato", "satoh", "satou"]);
    expect(romajiVariants("オオキ", "オーキ")).toEqual(["ohki", "oki", "ooki"]);
    expect(romajiVariants("ユウキ", "ユーキ")).toEqual(["yuki", "yuuki"]);
    expect(romajiVariants("イノウエ", "イノウエ")).toEqual(["inoue"]);
    expect(romajiVariants("ケイコ", "ケイコ")).toEqual(["keiko"]);
    expect(romajiVariants("ホンマ", "ホンマ")).toEqual(["homma", "honma"]);
    expect(romajiVariants("ケンイチ", "ケンイチ")).toEqual(["kenichi"]);
    expect(romajiVariants("コウヅ", "コーズ")).toEqual(["kohzu", "kouzu", "kozu"]); // ヅ/ズ still aligned
    expect(romajiVariants("トキヱ", "トキエ")).toEqual(["tokie"]);
    // Without a pronunciation every ou/oo/uu counts as long.
    expect(romajiVariants("ショウタ")).toEqual(["shohta", "shota", "shouta"]);
    expect(romajiSurname("inoe")).toBeUndefined();
  });
});

// A small source in the IPADIC layout, for the build steps that do not need the installed dictionary.
const FIXTURE = [
  "佐藤,1290,1290,4579,名詞,固有名詞,人名,姓,*,*,佐藤,サトウ,サトー",
  "鈴木,1290,1290,5987,名詞,固有名詞,人名,姓,*,*,鈴木,スズキ,スズキ",
  "鈴木,1291,1291,8777,名詞,固有名詞,人名,名,*,*,鈴木,スズキ,スズキ",
  "上田,1290,1290,8472,名詞,固有名詞,人名,姓,*,*,上田,カミダ,カミダ",
  "上田,1290,1290,2964,名詞,固有名詞,人名,姓,*,*,上田,ウエダ,ウエダ",
  "中,1290,1290,12706,名詞,固有名詞,人名,姓,*,*,中,ナカ,ナカ",
  "翔太,1291,1291,8461,名詞,固有名詞,人名,名,*,*,翔太,ショウタ,ショータ",
  "かほる,1291,1291,9000,名詞,固有名詞,人名,名,*,*,かほる,かほる,かほる",
  "ジョン,1291,1291,4375,名詞,固有名詞,人名,名,*,*,ジョン,ジョン,ジョン",
  "フランキー堺,1289,1289,6042,名詞,固有名詞,人名,一般,*,*,フランキー堺,フランキーサカイ,フランキーサカイ",
  "東京,1293,1293,3000,名詞,固有名詞,地域,一般,*,*,東京,トウキョウ,トーキョー",
];
const SOURCE: SourceInfo = { package: null, version: null, files: ["fixture.csv"], encoding: "utf-8" };
const COMMON = new Set(["ナカ"]);
const fixtureLexicon = (lines: readonly string[], supplement = false) =>
  buildLexicon(parseNameRows(lines.join("\n")), { source: SOURCE, isCommonWord: (k) => COMMON.has(k), supplement });

describe("build script on a small source", () => {
  it("serialises deterministically, whatever the row order", () => {
    const a = serializeLexicon(fixtureLexicon(FIXTURE));
    const b = serializeLexicon(fixtureLexicon([...FIXTURE].reverse()));
    const c = serializeLexicon(fixtureLexicon([...FIXTURE.slice(5), ...FIXTURE.slice(0, 5)]));
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.endsWith("}\n")).toBe(true);
  });

  it("writes what the loader accepts", () => {
    const lex = parseNameLexicon(JSON.parse(serializeLexicon(fixtureLexicon(FIXTURE, true))));
    expect(lex.surname.surfaces.get("上田")).toEqual({ cost: 2964, readings: ["ウエダ", "カミダ"] });
    expect(lex.surname.readings.get("ナカ")).toEqual({ cost: 12706, ambiguous: true, kanaOnly: false });
    expect(lex.given.readings.get("カホル")).toEqual({ cost: 9000, ambiguous: false, kanaOnly: true }); // hiragana reading converted
    expect(lex.given.surfaces.has("かほる")).toBe(false); // kana surfaces only in the reading table
    expect(lex.given.romaji.get("john")).toBeUndefined(); // no romaji for kana-only (foreign) names
    expect(lex.given.romaji.get("shota")?.readings).toEqual(["ショウタ"]);
    expect(lex.given.surfaces.has("陽菜")).toBe(true); // supplement
    expect(lex.header.counts["droppedFullNames"]).toBe(1);
    expect(lex.header.counts["sourceRows"]).toBe(10); // the 地域 row is not a name row
  });

  it("decodes EUC-JP sources", () => {
    // "佐藤,1290,1290,4579,名詞,固有名詞,人名,姓,*,*,佐藤,サトウ,サトー\n" in EUC-JP
    const bytes = Buffer.from(
      "bab4c6a32c313239302c313239302c343537392cccbebbec2cb8c7cdadccbebbec2cbfcdccbe2cc0ab2c2a2c2a2cbab4c6a32ca5b5a5c8a5a62ca5b5a5c8a1bc0a",
      "hex",
    );
    const { text, encoding } = decodeCsv(bytes);
    expect(encoding).toBe("euc-jp");
    expect(parseNameRows(text)).toEqual([{ surface: "佐藤", kind: "姓", cost: 4579, reading: "サトウ", pronunciation: "サトー" }]);
  });

  it("uses kuromoji for the ambiguity rule", async () => {
    const isCommon = await kuromojiCommonWordTest();
    expect(isCommon("ナカ")).toBe(true);
    expect(isCommon("サクラ")).toBe(true);
    expect(isCommon("ウエ")).toBe(true); // うえ: a common-noun entry, though kuromoji splits the bare word
    expect(isCommon("イトウ")).toBe(false);
    expect(isCommon("タナカ")).toBe(false);
    expect(isCommon("ケンジ")).toBe(false);
  });
});

const SOURCE_DIR = findSourceDir();
const HAS_SOURCE = SOURCE_DIR !== undefined && existsSync(join(SOURCE_DIR, "Noun.name.csv"));

describe("rebuild from the installed IPADIC sources", () => {
  // Runs only where the CSV sources are installed; elsewhere it is reported as skipped, with the reason in its name.
  // The serializer's determinism is checked on the small source above in every case.
  const name = HAS_SOURCE
    ? `is byte-identical to the committed names.json (source ${SOURCE_DIR ?? ""})`
    : "is byte-identical to the committed names.json: SKIPPED, mecab-ipadic CSV sources not installed (apt-get install mecab-ipadic)";
  it.runIf(HAS_SOURCE)(
    name,
    () => {
      const dir = mkdtempSync(join(tmpdir(), "tokumei-lexicon-"));
      try {
        const out = join(dir, "names.json");
        execFileSync(process.execPath, ["--import", "tsx", SCRIPT, "--out", out], { cwd: ROOT, stdio: "pipe" });
        expect(readFileSync(out).equals(readFileSync(ARTEFACT))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
