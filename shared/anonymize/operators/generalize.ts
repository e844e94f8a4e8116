import { z } from "zod";
import type { EntityType } from "../../detect/entity-types.js";
import { parseJapaneseInteger, westernYear } from "../../text/japanese-numerals.js";
import { prefectureOf } from "../../text/prefectures.js";
import type { Operator } from "../operator.js";

const params = z
  .object({
    /** Ages at or above this are written as "N歳以上" (top-coding of rare values). */
    ageTopCode: z.number().int().positive().default(90),
    /** Width of a birth-year band in years. */
    yearBand: z.number().int().positive().default(10),
  })
  .strict();

/** Types this operator knows how to coarsen; a policy asking for another type is rejected at load. */
export const GENERALIZABLE: ReadonlySet<EntityType> = new Set(["AGE", "DATE_OF_BIRTH", "ADDRESS", "LOCATION"]);

/** Reads an age: 42歳, 七十二歳, 30代, 30代後半, 36 years old, a bare 58. */
function ageOf(surface: string): number | undefined {
  const s = surface.normalize("NFKC");
  const m = /([0-9〇一二三四五六七八九十百]+)\s*(?:歳|才|代|years?\s*old|yo)?/i.exec(s);
  return m ? parseJapaneseInteger(m[1]!) : undefined;
}

/**
 * Coarsens a value instead of removing it, keeping it useful for analysis:
 * AGE → 年代 (42歳 → 40代), DATE_OF_BIRTH → birth-year band (昭和58年2月14日 → 1980年代),
 * ADDRESS and LOCATION → prefecture. A value it cannot read becomes the typed placeholder.
 *
 * @example
 * generalizeOperator.apply(ageInput("42歳"), { ageTopCode: 90, yearBand: 10 }) // "40代"
 */
export const generalizeOperator: Operator<typeof params> = {
  name: "generalize",
  params,
  apply({ finding, surface }, { ageTopCode, yearBand }) {
    const fallback = `<${finding.entity}>`;
    switch (finding.entity) {
      case "AGE": {
        const age = ageOf(surface);
        if (age === undefined) return fallback;
        if (age >= ageTopCode) return `${ageTopCode}歳以上`;
        if (age < 10) return "10歳未満";
        return `${Math.floor(age / 10) * 10}代`;
      }
      case "DATE_OF_BIRTH": {
        const year = westernYear(surface);
        if (year === undefined) return fallback;
        const band = Math.floor(year / yearBand) * yearBand;
        return yearBand === 10 ? `${band}年代` : `${band}-${band + yearBand - 1}年`;
      }
      case "ADDRESS":
      case "LOCATION":
        return prefectureOf(surface) ?? fallback;
      default:
        return fallback;
    }
  },
};
