import type fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import type { Identifier } from "./arbitraries.js";
import { caseLeaks, identifierCase, type IdentifierCase } from "./conversations.js";
import { regressions, report, runProperty, type PropertyRun } from "./run-property.js";

/** One leak property per identifier kind: its generated cases, then the cases kept from earlier failures. */
export interface LeakProperty {
  /** What the values are, for the test names ("phone numbers"). */
  readonly what: string;
  /** The property's name in the output and in regressions.json. */
  readonly property: string;
  readonly value: fc.Arbitrary<Identifier>;
  readonly cases: number;
}

/**
 * The leak tests of one file (split in two files so that vitest runs them on both cores), with a summary of
 * cases run and leaks found printed after them.
 *
 * @example
 * describeLeaks([{ what: "phone numbers", property: "phones never leak", value: phone, cases: 2500 }]);
 */
export function describeLeaks(properties: readonly LeakProperty[]): void {
  const engine = createEngine();
  const runs: PropertyRun[] = [];

  afterAll(() => {
    console.log(report(runs));
  });

  describe.each(properties.map((p) => [p.what, p] as const))("%s in generated conversations", (_what, { property, value, cases }) => {
    it("are masked in every written form and context: no digit group, no digit sequence, no local part is left", () => {
      runs.push(runProperty(property, identifierCase(value), (c) => caseLeaks(engine, c), cases));
    });

    it.each(regressions(property).map((r) => [r.note, r.input] as const))("stay masked in the kept case: %s", (_note, input) => {
      expect(caseLeaks(engine, input as IdentifierCase)).toEqual([]);
    });
  });
}
