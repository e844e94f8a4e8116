import type { QuasiIdentifier } from "./config.js";
import type { Hierarchy } from "./hierarchies.js";

/** The quasi-identifier values of one record (a conversation); null is "unknown" and forms classes like any value. */
export type QuasiRecord = Readonly<Partial<Record<QuasiIdentifier, string | null>>>;

export interface KAnonymityOptions {
  readonly k: number;
  readonly quasiIdentifiers: readonly QuasiIdentifier[];
  /** Share of records that may be suppressed instead of generalising further (0–1). */
  readonly maxSuppression: number;
  readonly hierarchies: Readonly<Record<QuasiIdentifier, Hierarchy>>;
}

/** One generalisation applied to a whole column. */
export interface GeneralisationStep {
  readonly column: QuasiIdentifier;
  readonly from: string;
  readonly to: string;
}

export interface KAnonymityResult {
  /** Per input record: its generalised values, or null when the record is suppressed. */
  readonly records: ReadonlyArray<Readonly<Record<QuasiIdentifier, string | null>> | null>;
  readonly steps: readonly GeneralisationStep[];
  /** The level each column ended at, by name. */
  readonly levels: Readonly<Partial<Record<QuasiIdentifier, string>>>;
  readonly suppressed: number;
  /** Records in classes smaller than k before any generalisation. */
  readonly belowKAtStart: number;
  /** Size of the smallest equivalence class of the kept records; null when nothing is kept. */
  readonly kAchieved: number | null;
  readonly equivalenceClasses: number;
}

/**
 * Equivalence classes of records over the given columns: the class key of each record and the size of each class.
 *
 * @example
 * equivalenceClasses([{ customer_prefecture: "東京都" }, { customer_prefecture: "東京都" }], ["customer_prefecture"]).sizes
 * // Map { '["東京都"]' => 2 }
 */
export function equivalenceClasses(
  records: ReadonlyArray<QuasiRecord>,
  columns: readonly QuasiIdentifier[],
): { readonly keys: readonly string[]; readonly sizes: ReadonlyMap<string, number> } {
  const keys = records.map((record) => JSON.stringify(columns.map((column) => record[column] ?? null)));
  const sizes = new Map<string, number>();
  for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  return { keys, sizes };
}

/**
 * The k of a table: the size of its smallest equivalence class over the columns; null for an empty table.
 *
 * @example
 * kOf([{ customer_age_band: "40代" }, { customer_age_band: "40代" }, { customer_age_band: "50代" }], ["customer_age_band"]) // 1
 */
export function kOf(records: ReadonlyArray<QuasiRecord>, columns: readonly QuasiIdentifier[]): number | null {
  return smallest(equivalenceClasses(records, columns).sizes.values());
}

/** The smallest number, or null for none; a loop, as spreading a million class sizes would overflow the stack. */
function smallest(values: Iterable<number>): number | null {
  let min: number | null = null;
  for (const value of values) if (min === null || value < min) min = value;
  return min;
}

/**
 * Makes a table k-anonymous over its quasi-identifiers by full-domain generalisation and suppression, the
 * optimal way (Incognito / ARX style): every combination of hierarchy levels is tried (3 × 3 × 3 × 2 × 2 = 108
 * at most), the ones that leave no more records in classes smaller than k than `maxSuppression` allows are
 * kept, and the least generalised of them wins (sum of the levels' heights, each column's height normalised to
 * 1; ties: fewer suppressed records, then the columns listed first generalised least). The records still in
 * classes smaller than k are then suppressed. Whole-column levels keep a column's values comparable across the
 * release, and the manifest can say exactly what was done. With fewer than k records, everything is suppressed.
 *
 * @example
 * const result = kAnonymize(records, { k: 5, quasiIdentifiers: ["customer_prefecture"], maxSuppression: 0.05, hierarchies: hierarchies(2026) });
 * result.kAchieved // ≥ 5, or null when every record had to go
 */
export function kAnonymize(records: ReadonlyArray<QuasiRecord>, options: KAnonymityOptions): KAnonymityResult {
  const { k, quasiIdentifiers: columns, hierarchies } = options;
  const budget = Math.floor(options.maxSuppression * records.length);
  // Each column's values at each level, coded as small integers, computed once.
  const distinct: number[][] = [];
  const coded = columns.map((column, c) =>
    hierarchies[column].levels.map((level, l) => {
      const codes = new Map<string | null, number>();
      const codesOfRecords = records.map((record) => {
        const value = level.apply(record[column] ?? null);
        let code = codes.get(value);
        if (code === undefined) codes.set(value, (code = codes.size));
        return code;
      });
      (distinct[c] ??= [])[l] = codes.size;
      return codesOfRecords;
    }),
  );
  const heights = columns.map((column) => hierarchies[column].levels.length - 1);
  /** Class key of every record at the given levels: one mixed-radix number (a string if it would not fit). */
  const belowK = (levels: readonly number[]): { below: number; keys: (number | string)[]; sizes: Map<number | string, number> } => {
    let radix = 1;
    const factors = levels.map((level, c) => {
      const factor = radix;
      radix *= distinct[c]![level]!;
      return factor;
    });
    const numeric = radix <= Number.MAX_SAFE_INTEGER;
    const keys = records.map((_, r) =>
      numeric
        ? levels.reduce((key, level, c) => key + coded[c]![level]![r]! * factors[c]!, 0)
        : levels.map((level, c) => coded[c]![level]![r]).join(","),
    );
    const sizes = new Map<number | string, number>();
    for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    let below = 0;
    for (const size of sizes.values()) if (size < k) below += size;
    return { below, keys, sizes };
  };

  let best: { levels: number[]; loss: number; below: number } | undefined;
  for (const levels of lattice(heights)) {
    const { below } = belowK(levels);
    if (below > budget && !levels.every((level, c) => level === heights[c])) continue;
    const loss = levels.reduce((sum, level, c) => sum + level / heights[c]!, 0);
    const better =
      best === undefined ||
      (best.below > budget && below <= budget) ||
      ((below <= budget) === (best.below <= budget) && (loss < best.loss - 1e-9 || (Math.abs(loss - best.loss) <= 1e-9 && below < best.below)));
    if (better) best = { levels, loss, below };
  }
  const chosen = best!.levels;
  const { keys, sizes } = belowK(chosen);
  const kept = records.map((record, r) => {
    if (sizes.get(keys[r]!)! < k) return null;
    const out = {} as Record<QuasiIdentifier, string | null>;
    columns.forEach((column, c) => (out[column] = hierarchies[column].levels[chosen[c]!]!.apply(record[column] ?? null)));
    return out;
  });
  const steps: GeneralisationStep[] = columns.flatMap((column, c) =>
    Array.from({ length: chosen[c]! }, (_, level) => ({
      column,
      from: hierarchies[column].levels[level]!.name,
      to: hierarchies[column].levels[level + 1]!.name,
    })),
  );
  const keptSizes = [...sizes.values()].filter((size) => size >= k);
  return {
    records: kept,
    steps,
    levels: Object.fromEntries(columns.map((column, c) => [column, hierarchies[column].levels[chosen[c]!]!.name])),
    suppressed: kept.filter((r) => r === null).length,
    belowKAtStart: belowK(columns.map(() => 0)).below,
    kAchieved: smallest(keptSizes),
    equivalenceClasses: keptSizes.length,
  };
}

/**
 * Every combination of levels, lowest first, in an order that tries the columns listed first at their lowest
 * levels before the others (so that, on equal loss, those columns stay most detailed).
 */
function* lattice(heights: readonly number[]): Generator<number[]> {
  const levels = heights.map(() => 0);
  for (;;) {
    yield [...levels];
    let c = levels.length - 1;
    while (c >= 0 && levels[c] === heights[c]) levels[c--] = 0;
    if (c < 0) return;
    levels[c]!++;
  }
}
