import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { email, ipv4, ipv6, myNumber } from "./arbitraries.js";
import { caseLeaks, identifierCase, type IdentifierCase } from "./conversations.js";
import { regressions, report, runProperty, type PropertyRun } from "./run-property.js";

const engine = createEngine();
const runs: PropertyRun[] = [];

afterAll(() => {
  console.log(report(runs));
});

describe.each([
  ["My Numbers", "my numbers never leak", myNumber, 2000],
  ["e-mail addresses", "e-mails never leak", email, 1500],
  ["IPv4 addresses", "ipv4 never leaks", ipv4, 1000],
  ["IPv6 addresses", "ipv6 never leaks", ipv6, 1000],
] as const)("%s in generated conversations", (_what, property, value, cases) => {
  it("are masked in every written form and context: nothing of them is left", () => {
    runs.push(runProperty(property, identifierCase(value), (c) => caseLeaks(engine, c), cases));
  });

  it.each(regressions(property).map((r) => [r.note, r.input] as const))("stay masked in the kept case: %s", (_note, input) => {
    expect(caseLeaks(engine, input as IdentifierCase)).toEqual([]);
  });
});
