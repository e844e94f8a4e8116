import { readFileSync } from "node:fs";
import fc from "fast-check";
import { z } from "zod";

/**
 * How the property tests run: random seeds on a developer's machine (new inputs every run), a fixed seed in CI
 * (reproducible), `FC_SEED=…` to replay a reported failure. A failure names its seed, path and input, and the
 * line to add to regressions.json, where every failure found so far is replayed on each run.
 */

const FIXED_SEED = 20261123;

export const SEED: number | undefined = process.env["FC_SEED"] ? Number(process.env["FC_SEED"]) : process.env["CI"] ? FIXED_SEED : undefined;

const RegressionSchema = z.object({
  property: z.string(),
  /** Why the case failed and what was changed, for the next reader. */
  note: z.string(),
  seed: z.number().int(),
  path: z.string(),
  input: z.unknown(),
});
export type Regression = z.infer<typeof RegressionSchema>;

const REGRESSIONS_FILE = new URL("./regressions.json", import.meta.url);

/** The cases kept from earlier failures of `property`. */
export function regressions(property: string): Regression[] {
  return z.array(RegressionSchema).parse(JSON.parse(readFileSync(REGRESSIONS_FILE, "utf8"))).filter((r) => r.property === property);
}

export interface PropertyRun {
  readonly property: string;
  readonly cases: number;
  readonly failures: number;
}

/**
 * Runs `check` (which lists what went wrong, nothing when the case holds) on `runs` generated inputs. Throws on
 * the first failing case, after fast-check has shrunk it, with everything needed to replay and keep it.
 *
 * @example
 * runProperty("phones never leak", phoneCase, (c) => leaks(…), 2000) // { cases: 2000, failures: 0 }
 */
export function runProperty<T>(property: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => readonly string[], runs: number): PropertyRun {
  const result = fc.check(
    fc.property(arbitrary, (input) => check(input).length === 0),
    { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  if (result.failed) {
    const input = result.counterexample?.[0];
    const problems = input === undefined ? [String(result.errorInstance)] : check(input);
    const keep: Regression = { property, note: "found by the property; say what was fixed", seed: result.seed, path: result.counterexamplePath ?? "", input };
    throw new Error(
      [
        `property "${property}" failed after ${result.numRuns} case(s) (seed ${result.seed}, path ${result.counterexamplePath}; replay with FC_SEED=${result.seed}):`,
        ...problems.map((p) => `  - ${p}`),
        `input: ${JSON.stringify(input)}`,
        `keep it as a regression case in tests/properties/regressions.json: ${JSON.stringify(keep)}`,
      ].join("\n"),
    );
  }
  return { property, cases: result.numRuns, failures: 0 };
}

/** One line per property for the test output: how many cases ran and how many failed (leaked). */
export function report(runs: readonly PropertyRun[], what = "leaks"): string {
  const total = runs.reduce((n, r) => n + r.cases, 0);
  return [
    ...runs.map((r) => `property ${r.property}: ${r.cases} cases, ${r.failures} ${what}`),
    `properties in this file: ${total} cases, ${runs.reduce((n, r) => n + r.failures, 0)} ${what} (seed ${SEED ?? "random"})`,
  ].join("\n");
}
