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
  /** Records in classes smaller than k before this step. */
  readonly recordsBelowK: number;
}

export interface KAnonymityResult {
  /** Per input record: its generalised values, or null when the record is suppressed. */
  readonly records: ReadonlyArray<Readonly<Record<QuasiIdentifier, string | null>> | null>;
  readonly steps: readonly GeneralisationStep[];
  /** The level each column ended at, by name. */
  readonly levels: Readonly<Partial<Record<QuasiIdentifier, string>>>;
  readonly suppressed: number;
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
 * Makes a table k-anonymous over its quasi-identifiers by global recoding and suppression (Sweeney's Datafly):
 * while more records sit in classes smaller than k than `maxSuppression` allows, the column with the most
 * distinct values is generalised one level for every record (age band → 20-year band → blank, prefecture →
 * region → blank …); then the records still in classes smaller than k are suppressed. Whole-column steps keep
 * a column's values comparable across the release, and the manifest can say exactly what was done.
 *
 * @example
 * const result = kAnonymize(records, { k: 5, quasiIdentifiers: ["customer_prefecture"], maxSuppression: 0.05, hierarchies: hierarchies(2026) });
 * result.kAchieved // ≥ 5, or null when every record had to go
 */
export function kAnonymize(records: ReadonlyArray<QuasiRecord>, options: KAnonymityOptions): KAnonymityResult {
  const { k, quasiIdentifiers: columns, hierarchies } = options;
  const budget = Math.floor(options.maxSuppression * records.length);
  const level = new Map<QuasiIdentifier, number>(columns.map((c) => [c, 0]));
  const steps: GeneralisationStep[] = [];

  const generalised = (): Record<QuasiIdentifier, string | null>[] =>
    records.map((record) => {
      const out = {} as Record<QuasiIdentifier, string | null>;
      for (const column of columns) out[column] = hierarchies[column].levels[level.get(column)!]!.apply(record[column] ?? null);
      return out;
    });

  let current = generalised();
  for (;;) {
    const { keys, sizes } = equivalenceClasses(current, columns);
    const below = keys.filter((key) => sizes.get(key)! < k).length;
    if (below <= budget) break;
    // Datafly's choice: the column with the most distinct known values; ties go to the column listed first.
    let best: { column: QuasiIdentifier; distinct: number } | undefined;
    for (const column of columns) {
      if (level.get(column)! >= hierarchies[column].levels.length - 1) continue;
      const distinct = new Set(current.map((r) => r[column]).filter((v) => v !== null)).size;
      if (distinct > 0 && (best === undefined || distinct > best.distinct)) best = { column, distinct };
    }
    if (best === undefined) break;
    const from = level.get(best.column)!;
    const levels = hierarchies[best.column].levels;
    level.set(best.column, from + 1);
    steps.push({ column: best.column, from: levels[from]!.name, to: levels[from + 1]!.name, recordsBelowK: below });
    current = generalised();
  }

  const { keys, sizes } = equivalenceClasses(current, columns);
  const kept = current.map((record, i) => (sizes.get(keys[i]!)! >= k ? record : null));
  const keptSizes = [...sizes.values()].filter((size) => size >= k);

  return {
    records: kept,
    steps,
    levels: Object.fromEntries(columns.map((c) => [c, hierarchies[c].levels[level.get(c)!]!.name])),
    suppressed: kept.filter((r) => r === null).length,
    kAchieved: smallest(keptSizes),
    equivalenceClasses: keptSizes.length,
  };
}
