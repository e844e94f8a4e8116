import { PREFECTURES } from "../text/prefectures.js";
import type { QuasiIdentifier } from "./config.js";

/**
 * Generalisation hierarchies of the quasi-identifier columns: level 0 is the value as the dataset holds it
 * (already generalised at detection time), each next level is coarser, the last one blanks the column (null).
 * Every level maps null to null: "unknown" stays unknown.
 */

export interface GeneralisationLevel {
  /** What the level keeps, for the manifest ("prefecture", "region", "suppressed" …). */
  readonly name: string;
  apply(value: string | null): string | null;
}

export interface Hierarchy {
  readonly levels: readonly GeneralisationLevel[];
}

const keep = (name: string): GeneralisationLevel => ({ name, apply: (value) => value });
/** Level 0 of a customer_* column: the labels the engine writes pass, anything else is blanked (fail closed). */
const known = (name: string, label: (value: string) => boolean): GeneralisationLevel => ({ name, apply: (value) => (value !== null && label(value) ? value : null) });
const AGE_LABEL = (value: string) => /^(?:\d+代|\d+歳以上|10歳未満)$/.test(value);
const PREFECTURE_LABEL = (value: string) => REGION_OF.has(value);
const SUPPRESSED: GeneralisationLevel = { name: "suppressed", apply: () => null };

/** The eight regions (地方区分) of the prefectures. */
const REGIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["北海道地方", ["北海道"]],
  ["東北地方", ["青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"]],
  ["関東地方", ["茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"]],
  ["中部地方", ["新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県"]],
  ["近畿地方", ["三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"]],
  ["中国地方", ["鳥取県", "島根県", "岡山県", "広島県", "山口県"]],
  ["四国地方", ["徳島県", "香川県", "愛媛県", "高知県"]],
  ["九州・沖縄地方", ["福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]],
];
const REGION_OF: ReadonlyMap<string, string> = new Map(REGIONS.flatMap(([region, prefectures]) => prefectures.map((p) => [p, region] as const)));
if (REGION_OF.size !== PREFECTURES.length) throw new Error("every prefecture needs a region");

/**
 * 年代 → 20-year band: 10歳未満/10代 → 20歳未満, 20代/30代 → 20〜39歳 … 80代 and the top-coded 90歳以上 → 80歳以上.
 * A label it does not know is blanked rather than kept (fail closed).
 *
 * @example
 * widerAgeBand("40代") // "40〜59歳"
 */
export function widerAgeBand(value: string | null): string | null {
  if (value === null) return null;
  if (value === "10歳未満") return "20歳未満";
  const decade = /^(\d+)代$/.exec(value);
  const top = /^(\d+)歳以上$/.exec(value);
  const age = decade ? Number(decade[1]) : top ? Number(top[1]) : undefined;
  if (age === undefined) return null;
  if (age < 20) return "20歳未満";
  if (age >= 80) return "80歳以上";
  const low = age - (age % 20);
  return top ? `${low}歳以上` : `${low}〜${low + 19}歳`;
}

/**
 * Prefecture → region (関東地方 …). A value that is not a prefecture is blanked (fail closed).
 *
 * @example
 * regionOf("神奈川県") // "関東地方"
 */
export function regionOf(value: string | null): string | null {
  return value === null ? null : (REGION_OF.get(value) ?? null);
}

/**
 * Top-codes birth decades whose people are all 90 or older in the release year (the same 特異な記述 rule as
 * ages ≥ 90): with `releaseYear` 2026, 1920年代 and before become "1929年以前". A label that is not a birth decade
 * is blanked (fail closed).
 *
 * @example
 * topCodedBirthDecade("1920年代", 2026) // "1929年以前"
 */
export function topCodedBirthDecade(value: string | null, releaseYear: number): string | null {
  if (value === null) return null;
  const decade = /^(\d{4})年代$/.exec(value);
  if (!decade) return null;
  // The last decade whose youngest (born in its year 9) is at least 90 in the release year.
  const lastOld = Math.floor((releaseYear - 90 - 9) / 10) * 10;
  return Number(decade[1]) <= lastOld ? `${lastOld + 9}年以前` : value;
}

/**
 * Birth decade → 20-year band: 1980年代/1990年代 → 1980〜1999年; a top-coded "YYYY年以前" stays. Unknown labels
 * are blanked.
 *
 * @example
 * widerBirthYearBand("1990年代") // "1980〜1999年"
 */
export function widerBirthYearBand(value: string | null): string | null {
  if (value === null) return null;
  if (/^\d{4}年以前$/.test(value)) return value;
  const decade = /^(\d{4})年代$/.exec(value);
  if (!decade) return null;
  const low = Number(decade[1]) - (Number(decade[1]) % 20);
  return `${low}〜${low + 19}年`;
}

/**
 * The hierarchy of each quasi-identifier column. `releaseYear` anchors the top-coding of birth decades.
 *
 * @example
 * hierarchies(2026).customer_prefecture.levels.map((l) => l.name) // ["prefecture", "region", "suppressed"]
 */
export function hierarchies(releaseYear: number): Readonly<Record<QuasiIdentifier, Hierarchy>> {
  return {
    customer_age_band: { levels: [known("年代 (90歳以上 top-coded)", AGE_LABEL), { name: "20-year band", apply: widerAgeBand }, SUPPRESSED] },
    customer_prefecture: { levels: [known("prefecture", PREFECTURE_LABEL), { name: "region", apply: regionOf }, SUPPRESSED] },
    customer_birth_year_band: {
      levels: [
        { name: "birth decade (top-coded at 90 years)", apply: (v) => topCodedBirthDecade(v, releaseYear) },
        { name: "20-year band", apply: (v) => widerBirthYearBand(topCodedBirthDecade(v, releaseYear)) },
        SUPPRESSED,
      ],
    },
    source: { levels: [keep("exact"), SUPPRESSED] },
    format: { levels: [keep("exact"), SUPPRESSED] },
  };
}
