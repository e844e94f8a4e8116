import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { card, phone } from "./arbitraries.js";
import { caseLeaks, identifierCase, type IdentifierCase } from "./conversations.js";
import { regressions, report, runProperty, type PropertyRun } from "./run-property.js";

const engine = createEngine();
const runs: PropertyRun[] = [];

afterAll(() => {
  console.log(report(runs));
});

describe.each([
  ["phone numbers", "phones never leak", phone, 2500],
  ["card numbers", "cards never leak", card, 2000],
] as const)("%s in generated conversations", (_what, property, value, cases) => {
  it("are masked in every written form and context: no digit group, no digit sequence is left", () => {
    runs.push(runProperty(property, identifierCase(value), (c) => caseLeaks(engine, c), cases));
  });

  it.each(regressions(property).map((r) => [r.note, r.input] as const))("stay masked in the kept case: %s", (_note, input) => {
    expect(caseLeaks(engine, input as IdentifierCase)).toEqual([]);
  });
});
