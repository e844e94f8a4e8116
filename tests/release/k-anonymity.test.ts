import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { QuasiIdentifier } from "../../shared/release/config.js";
import { hierarchies, regionOf, topCodedBirthDecade, widerAgeBand, widerBirthYearBand } from "../../shared/release/hierarchies.js";
import { equivalenceClasses, kAnonymize, kOf, type QuasiRecord } from "../../shared/release/k-anonymity.js";
import { PREFECTURES } from "../../shared/text/prefectures.js";

const LADDERS = hierarchies(2026);
const QI: QuasiIdentifier[] = ["customer_age_band", "customer_prefecture", "customer_birth_year_band"];
const record = (age: string | null, prefecture: string | null, birth: string | null): QuasiRecord => ({
  customer_age_band: age,
  customer_prefecture: prefecture,
  customer_birth_year_band: birth,
});
const times = (n: number, r: QuasiRecord): QuasiRecord[] => Array.from({ length: n }, () => r);

describe("generalisation hierarchies", () => {
  it.each([
    ["10歳未満", "20歳未満"],
    ["10代", "20歳未満"],
    ["20代", "20〜39歳"],
    ["30代", "20〜39歳"],
    ["40代", "40〜59歳"],
    ["70代", "60〜79歳"],
    ["80代", "80歳以上"],
    ["90歳以上", "80歳以上"],
    ["四十代", null],
    [null, null],
  ])("widens the age band %s to %s", (band, wider) => {
    expect(widerAgeBand(band)).toBe(wider);
  });

  it("puts every prefecture in exactly one of the eight regions", () => {
    // Act
    const regions = PREFECTURES.map(regionOf);

    // Assess
    expect(regions.every((r) => r !== null)).toBe(true);
    expect(new Set(regions)).toEqual(new Set(["北海道地方", "東北地方", "関東地方", "中部地方", "近畿地方", "中国地方", "四国地方", "九州・沖縄地方"]));
    expect([regionOf("東京都"), regionOf("沖縄県"), regionOf("京都府"), regionOf("東京")]).toEqual(["関東地方", "九州・沖縄地方", "近畿地方", null]);
  });

  it.each([
    ["1920年代", 2026, "1929年以前"],
    ["1910年代", 2026, "1929年以前"],
    ["1930年代", 2026, "1930年代"],
    ["1930年代", 2030, "1939年以前"],
    ["1980年代", 2026, "1980年代"],
    ["昭和", 2026, null],
  ])("top-codes the birth decade %s in %i as %s", (band, year, coded) => {
    expect(topCodedBirthDecade(band, year)).toBe(coded);
  });

  it.each([
    ["1980年代", "1980〜1999年"],
    ["1990年代", "1980〜1999年"],
    ["2000年代", "2000〜2019年"],
    ["1929年以前", "1929年以前"],
  ])("widens the birth band %s to %s", (band, wider) => {
    expect(widerBirthYearBand(band)).toBe(wider);
  });

  it("blanks at level 0 any value that is not a label the engine writes (a raw value never passes)", () => {
    // Act
    const level0 = (column: QuasiIdentifier, value: string) => LADDERS[column].levels[0]!.apply(value);

    // Assess
    expect([level0("customer_age_band", "42歳"), level0("customer_age_band", "40代"), level0("customer_age_band", "90歳以上")]).toEqual([null, "40代", "90歳以上"]);
    expect([level0("customer_prefecture", "東京都港区芝公園4-2-8"), level0("customer_prefecture", "東京都")]).toEqual([null, "東京都"]);
    expect([level0("customer_birth_year_band", "1983年2月14日"), level0("customer_birth_year_band", "1980年代")]).toEqual([null, "1980年代"]);
  });
});

describe("kOf and equivalenceClasses", () => {
  it("is the size of the smallest class; null counts as a value; an empty table has no k", () => {
    // Prepare
    const records = [record("40代", "東京都", null), record("40代", "東京都", null), record("40代", null, null), record("40代", null, null), record("40代", null, null)];

    // Act
    const { sizes } = equivalenceClasses(records, QI);

    // Assess
    expect([...sizes.values()].sort()).toEqual([2, 3]);
    expect(kOf(records, QI)).toBe(2);
    expect(kOf([], QI)).toBeNull();
  });
});

describe("kAnonymize", () => {
  const options = (k: number, maxSuppression: number) => ({ k, quasiIdentifiers: QI, maxSuppression, hierarchies: LADDERS });

  it("leaves a table that is already k-anonymous as it is", () => {
    // Prepare
    const records = [...times(5, record("40代", "東京都", "1980年代")), ...times(5, record("30代", "大阪府", null))];

    // Act
    const result = kAnonymize(records, options(5, 0));

    // Assess
    expect(result.steps).toEqual([]);
    expect(result.suppressed).toBe(0);
    expect(result.kAchieved).toBe(5);
    expect(result.records).toEqual(records);
  });

  it("suppresses a record below k when the suppression budget allows it, rather than generalise everyone", () => {
    // Prepare: 19 alike and one 90歳以上 in 沖縄県: 1 of 20 is 5 %.
    const records = [...times(19, record("40代", "東京都", "1980年代")), record("90歳以上", "沖縄県", "1920年代")];

    // Act
    const result = kAnonymize(records, options(5, 0.05));

    // Assess
    expect(result.steps).toEqual([]);
    expect(result.records[19]).toBeNull();
    expect(result.suppressed).toBe(1);
    expect(result.kAchieved).toBe(19);
  });

  it("chooses the least generalisation that reaches k, whole columns at a time", () => {
    // Prepare: 関東 and 近畿 regions reach k = 4 (blanking the age would not).
    const records = [
      ...times(2, record("40代", "東京都", null)),
      ...times(2, record("40代", "千葉県", null)),
      ...times(2, record("50代", "大阪府", null)),
      ...times(2, record("50代", "兵庫県", null)),
    ];

    // Act
    const result = kAnonymize(records, options(4, 0));

    // Assess
    expect(result.steps).toEqual([{ column: "customer_prefecture", from: "prefecture", to: "region" }]);
    expect(result.belowKAtStart).toBe(8);
    expect(result.records.map((r) => r?.customer_prefecture)).toEqual([...Array(4).fill("関東地方"), ...Array(4).fill("近畿地方")]);
    expect(result.levels).toEqual({ customer_age_band: "年代 (90歳以上 top-coded)", customer_prefecture: "region", customer_birth_year_band: "birth decade (top-coded at 90 years)" });
    expect(result.kAchieved).toBe(4);
  });

  it("prefers blanking one column to widening two (loss: each column's levels count as a share of its height)", () => {
    // Prepare: a birth decade alone (1970年代) and a prefecture pair break k = 3; ages are alike.
    const records = [
      ...times(3, record("40代", "東京都", "1980年代")),
      record("40代", "東京都", "1970年代"),
      ...times(2, record("40代", "東京都", "1990年代")),
    ];

    // Act
    const result = kAnonymize(records, options(3, 0));

    // Assess: 1970年代 → 1960〜1979年 stays alone, so the birth band must go entirely.
    expect(result.steps.map((s) => `${s.column}: ${s.to}`)).toEqual(["customer_birth_year_band: 20-year band", "customer_birth_year_band: suppressed"]);
    expect(result.suppressed).toBe(0);
    expect(result.kAchieved).toBe(6);
  });

  it("on equal loss, keeps the columns listed first the most detailed", () => {
    // Prepare: widening either the age or the birth band one level reaches k = 2.
    const records = [record("40代", null, "1980年代"), record("50代", null, "1980年代"), record("40代", null, "1990年代"), record("40代", null, "1990年代"), record("50代", null, "1980年代")];

    // Act
    const result = kAnonymize(records, options(2, 0));

    // Assess
    expect(result.steps).toEqual([{ column: "customer_birth_year_band", from: "birth decade (top-coded at 90 years)", to: "20-year band" }]);
  });

  it("blanks a column entirely when its widest band still leaves classes below k", () => {
    // Prepare: ages spread over 40 years, one customer each.
    const records = ["20代", "40代", "60代", "80代"].flatMap((age) => times(1, record(age, null, null)));

    // Act
    const result = kAnonymize(records, options(4, 0));

    // Assess
    expect(result.steps.map((s) => `${s.column}: ${s.from} → ${s.to}`)).toEqual([
      "customer_age_band: 年代 (90歳以上 top-coded) → 20-year band",
      "customer_age_band: 20-year band → suppressed",
    ]);
    expect(result.records.every((r) => r?.customer_age_band === null)).toBe(true);
    expect(result.kAchieved).toBe(4);
  });

  it("suppresses everything when the table has fewer than k records", () => {
    // Act
    const result = kAnonymize(times(3, record(null, null, null)), options(5, 0));

    // Assess
    expect(result.records).toEqual([null, null, null]);
    expect(result.kAchieved).toBeNull();
    expect(result.equivalenceClasses).toBe(0);
  });

  it("always returns a k-anonymous table whose k it reports, suppressing within budget or only what generalisation could not fix", () => {
    const ages = fc.constantFrom("10歳未満", "10代", "20代", "30代", "40代", "50代", "60代", "70代", "80代", "90歳以上", null);
    const prefectures = fc.constantFrom(...PREFECTURES.slice(0, 15), null);
    const births = fc.constantFrom("1930年代", "1950年代", "1970年代", "1980年代", "1990年代", "2000年代", null);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ages, prefectures, births), { minLength: 0, maxLength: 80 }),
        fc.integer({ min: 2, max: 10 }),
        fc.constantFrom(0, 0.05, 0.2, 1),
        (tuples, k, maxSuppression) => {
          // Act
          const result = kAnonymize(tuples.map(([a, p, b]) => record(a, p, b)), options(k, maxSuppression));

          // Assess
          const kept = result.records.filter((r) => r !== null);
          expect(kept.length + result.suppressed).toBe(tuples.length);
          const k2 = kOf(kept, QI);
          expect(k2).toBe(result.kAchieved);
          if (k2 !== null) expect(k2).toBeGreaterThanOrEqual(k);
          // Suppression beyond the budget only once no column can be generalised any further: it is blanked,
          // or it holds no known value at its level.
          if (result.suppressed > Math.floor(maxSuppression * tuples.length)) {
            QI.forEach((column, c) => {
              const level = LADDERS[column].levels.find((l) => l.name === result.levels[column])!;
              const known = tuples.some((t) => level.apply(t[c] ?? null) !== null);
              expect(level.name === "suppressed" || !known, column).toBe(true);
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
