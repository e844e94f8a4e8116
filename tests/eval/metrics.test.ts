import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadLabelledSets } from "./devset.js";
import {
  POOLED_ROW,
  allTargetsPass,
  checkTargets,
  countChars,
  evaluate,
  findLeaks,
  judgeGold,
  judgePredicted,
  meets,
  overMaskCounts,
  ratio,
} from "./metrics.js";
import type { GoldSpan, ScoredItem, Span } from "./metrics.js";
import { DetectorContractError, validateDetectorOutput } from "./run-eval.js";

/** Builds an item; gold surfaces are taken from the text so they stay consistent. */
function item(text: string, gold: readonly Span[], predicted: readonly Span[], opts: { id?: string; domain?: string; masked?: string } = {}): ScoredItem {
  const goldSpans: GoldSpan[] = gold.map((g) => ({ ...g, surface: text.slice(g.start, g.end) }));
  return { id: opts.id ?? "u1", domain: opts.domain ?? "call", text, gold: goldSpans, predicted, masked: opts.masked ?? text };
}

// "TEL 0901234 ok": the phone number is [4, 11).
const TEL = "TEL 0901234 ok";
const PHONE_GOLD: Span = { start: 4, end: 11, type: "PHONE" };

describe("judgeGold (recall and typed recall)", () => {
  it("counts a fully covered entity of the right type as covered and typed-covered", () => {
    const [g] = judgeGold(item(TEL, [PHONE_GOLD], [{ start: 4, end: 11, type: "PHONE" }]));
    expect(g).toMatchObject({ covered: true, typedCovered: true, coveredChars: 7, chars: 7, predictedTypes: ["PHONE"] });
  });

  it("does not count a partially covered entity", () => {
    const [g] = judgeGold(item(TEL, [PHONE_GOLD], [{ start: 4, end: 8, type: "PHONE" }]));
    expect(g).toMatchObject({ covered: false, typedCovered: false, coveredChars: 4, chars: 7 });
  });

  it("counts a wrong-type cover for recall but not for typed recall", () => {
    const [g] = judgeGold(item(TEL, [PHONE_GOLD], [{ start: 3, end: 12, type: "ACCOUNT_ID" }]));
    expect(g).toMatchObject({ covered: true, typedCovered: false, predictedTypes: ["ACCOUNT_ID"] });
  });

  it("uses the union of predicted spans: adjacent pieces cover, mixed types only untyped", () => {
    const samePieces = judgeGold(
      item(TEL, [PHONE_GOLD], [
        { start: 4, end: 7, type: "PHONE" },
        { start: 7, end: 11, type: "PHONE" },
      ]),
    );
    expect(samePieces[0]).toMatchObject({ covered: true, typedCovered: true });
    const mixed = judgeGold(
      item(TEL, [PHONE_GOLD], [
        { start: 4, end: 7, type: "PHONE" },
        { start: 7, end: 11, type: "ACCOUNT_ID" },
      ]),
    );
    expect(mixed[0]).toMatchObject({ covered: true, typedCovered: false, predictedTypes: ["ACCOUNT_ID", "PHONE"] });
  });

  it("reports an entity with no prediction at all as missed", () => {
    const [g] = judgeGold(item(TEL, [PHONE_GOLD], []));
    expect(g).toMatchObject({ covered: false, typedCovered: false, coveredChars: 0, predictedTypes: [] });
  });
});

describe("judgePredicted (span and strict precision)", () => {
  it("marks a prediction overlapping no gold as a false positive", () => {
    const [p] = judgePredicted(item(TEL, [PHONE_GOLD], [{ start: 0, end: 3, type: "PHONE" }]));
    expect(p).toMatchObject({ overlapsGold: false, insideShare: 0, strictHit: false, inPiiFreeUtterance: false });
  });

  it("flags predictions in PII-free utterances", () => {
    const [p] = judgePredicted(item("3時に伺います", [], [{ start: 0, end: 1, type: "PHONE" }]));
    expect(p).toMatchObject({ overlapsGold: false, inPiiFreeUtterance: true });
  });

  it("counts any overlap for span precision, but ≥ 50 % inside for strict precision", () => {
    const [mostlyIn, exactlyHalf, mostlyOut] = judgePredicted(
      item(TEL, [PHONE_GOLD], [
        { start: 5, end: 13, type: "PHONE" }, // 6 of 8 inside
        { start: 2, end: 6, type: "PHONE" }, // 2 of 4 inside
        { start: 0, end: 5, type: "PHONE" }, // 1 of 5 inside
      ]),
    );
    expect(mostlyIn).toMatchObject({ overlapsGold: true, insideShare: 0.75, strictHit: true });
    expect(exactlyHalf).toMatchObject({ overlapsGold: true, insideShare: 0.5, strictHit: true });
    expect(mostlyOut).toMatchObject({ overlapsGold: true, insideShare: 0.2, strictHit: false });
  });

  it("counts a prediction over a gold entity of another type as precise", () => {
    const [p] = judgePredicted(item(TEL, [PHONE_GOLD], [{ start: 4, end: 11, type: "CREDIT_CARD" }]));
    expect(p).toMatchObject({ overlapsGold: true, strictHit: true });
  });
});

describe("overMaskCounts", () => {
  it("divides characters masked outside gold by all characters outside gold", () => {
    // 10 characters, gold [2,5) leaves 7 outside; predictions mask 0,1 (outside), 2 (gold), 8,9 (outside).
    const c = overMaskCounts(
      item("abcdefghij", [{ start: 2, end: 5, type: "PHONE" }], [
        { start: 0, end: 3, type: "PHONE" },
        { start: 8, end: 10, type: "PHONE" },
      ]),
    );
    expect(c).toEqual({ overMasked: 4, nonGold: 7 });
  });

  it("counts a surrogate pair (𠮷) as one character", () => {
    const text = "𠮷あいう"; // 5 UTF-16 units, 4 characters
    expect(text.length).toBe(5);
    expect(overMaskCounts(item(text, [], [{ start: 0, end: 2, type: "PERSON" }]))).toEqual({ overMasked: 1, nonGold: 4 });
    expect(countChars(text, 0, 5, () => true)).toBe(4);
  });

  it("is zero over zero for an utterance that is all PII", () => {
    expect(overMaskCounts(item("0901234", [{ start: 0, end: 7, type: "PHONE" }], [{ start: 0, end: 7, type: "PHONE" }]))).toEqual({
      overMasked: 0,
      nonGold: 0,
    });
  });
});

describe("findLeaks", () => {
  const text = "山田です。山田の番号は0901234、A型";
  const gold: Span[] = [
    { start: 0, end: 2, type: "PERSON" },
    { start: 5, end: 7, type: "PERSON" },
    { start: 11, end: 18, type: "PHONE" },
    { start: 19, end: 20, type: "PASSWORD" }, // one character: ignored
  ];

  it("reports each distinct leaked surface once, with id and type, ignoring 1-character surfaces", () => {
    const leaks = findLeaks(item(text, gold, [], { id: "x1", masked: "山田です。<PERSON_1>の番号は<PHONE_1>、A型" }));
    expect(leaks).toEqual([{ id: "x1", domain: "call", type: "PERSON", start: 0, end: 2 }]);
  });

  it("finds nothing when every surface is masked", () => {
    expect(findLeaks(item(text, gold, [], { masked: "<PERSON_1>です。<PERSON_1>の番号は<PHONE_1>、A型" }))).toEqual([]);
  });

  it("treats a 1-character surrogate pair surface as too short", () => {
    expect(findLeaks(item("𠮷です", [{ start: 0, end: 2, type: "PERSON" }], [], { masked: "𠮷です" }))).toEqual([]);
  });
});

describe("evaluate", () => {
  const items: ScoredItem[] = [
    // call: a phone fully found, a name missed and leaked.
    item(
      "山田です。0901234",
      [
        { start: 0, end: 2, type: "PERSON" },
        { start: 5, end: 12, type: "PHONE" },
      ],
      [{ start: 5, end: 12, type: "PHONE" }],
      { id: "c1", domain: "call", masked: "山田です。<PHONE>" },
    ),
    // call: PII-free, one false positive of 2 characters.
    item("10時です", [], [{ start: 0, end: 2, type: "PHONE" }], { id: "c2", domain: "call", masked: "<PHONE>時です" }),
    // chat: a postal code covered as PHONE (wrong type).
    item("〒1500001", [{ start: 1, end: 8, type: "POSTAL_CODE" }], [{ start: 1, end: 8, type: "PHONE" }], {
      id: "t1",
      domain: "chat",
      masked: "〒<PHONE>",
    }),
  ];
  const report = evaluate(items);

  it("computes the overall figures", () => {
    expect(report.overall).toEqual({
      utterances: 3,
      utterancesWithoutPii: 1,
      gold: 3,
      predicted: 3,
      recall: ratio(2, 3),
      typedRecall: ratio(1, 3),
      spanPrecision: ratio(2, 3),
      strictPrecision: ratio(2, 3),
      // outside gold: "です。" (3) + "10時です" (5) + "〒" (1) = 9; masked outside gold: "10" = 2
      overMasked: ratio(2, 9),
      falsePositivesOnPiiFree: 1,
      leaks: 1,
    });
  });

  it("groups recall by gold type and precision by predicted type", () => {
    const byType = new Map(report.perType.map((t) => [t.type, t]));
    expect(byType.get("PHONE")).toEqual({
      type: "PHONE",
      gold: 1,
      predicted: 3,
      recall: ratio(1, 1),
      typedRecall: ratio(1, 1),
      spanPrecision: ratio(2, 3),
      strictPrecision: ratio(2, 3),
      leaks: 0,
    });
    expect(byType.get("POSTAL_CODE")).toMatchObject({ gold: 1, predicted: 0, recall: ratio(1, 1), typedRecall: ratio(0, 1) });
    expect(byType.get("PERSON")).toMatchObject({ gold: 1, recall: ratio(0, 1), leaks: 1 });
    expect(report.perType.map((t) => t.type).slice(0, 3)).toEqual(["PERSON", "ORGANIZATION", "ADDRESS"]);
    expect(report.perType).toHaveLength(18);
  });

  it("computes per-domain figures in first-seen order", () => {
    expect(report.perDomain.map((d) => d.domain)).toEqual(["call", "chat"]);
    const call = report.perDomain[0]?.figures;
    expect(call).toMatchObject({
      utterances: 2,
      utterancesWithoutPii: 1,
      recall: ratio(1, 2),
      spanPrecision: ratio(1, 2),
      overMasked: ratio(2, 8),
      falsePositivesOnPiiFree: 1,
      leaks: 1,
    });
    expect(report.perDomain[1]?.figures).toMatchObject({ utterances: 1, recall: ratio(1, 1), typedRecall: ratio(0, 1), overMasked: ratio(0, 1) });
  });

  it("lists the errors by kind, without surfaces", () => {
    expect(report.missed.map((g) => [g.id, g.type])).toEqual([["c1", "PERSON"]]);
    expect(report.wrongType.map((g) => [g.id, g.type, g.predictedTypes])).toEqual([["t1", "POSTAL_CODE", ["PHONE"]]]);
    expect(report.falsePositives.map((p) => [p.id, p.type, p.start, p.end])).toEqual([["c2", "PHONE", 0, 2]]);
    expect(report.overreaching).toEqual([]);
    expect(report.leaks).toEqual([{ id: "c1", domain: "call", type: "PERSON", start: 0, end: 2 }]);
    expect(JSON.stringify(report)).not.toContain("山田");
  });
});

describe("targets", () => {
  it("compares shares exactly: 19/20 meets 0.95, 18/20 does not, 1.00 needs all", () => {
    expect(meets(ratio(19, 20), 0.95)).toBe(true);
    expect(meets(ratio(18, 20), 0.95)).toBe(false);
    expect(meets(ratio(99, 100), 1)).toBe(false);
    expect(meets(ratio(7, 7), 1)).toBe(true);
  });

  /** n PHONE entities, `found` of them predicted exactly, plus `fp` false-positive PHONE spans. */
  function phoneItems(n: number, found: number, fp: number): ScoredItem[] {
    const out: ScoredItem[] = [];
    for (let k = 0; k < n; k++) {
      out.push(item(TEL, [PHONE_GOLD], k < found ? [{ start: 4, end: 11, type: "PHONE" }] : [], { id: `p${k}` }));
    }
    for (let k = 0; k < fp; k++) out.push(item("10時", [], [{ start: 0, end: 2, type: "PHONE" }], { id: `f${k}` }));
    return out;
  }

  it("passes PHONE when every entity is covered and precision ≥ 0.95", () => {
    const rows = checkTargets(evaluate(phoneItems(19, 19, 1)));
    expect(rows.filter((r) => r.type === "PHONE")).toEqual([
      { type: "PHONE", metric: "recall", target: 1, actual: ratio(19, 19), status: "PASS" },
      { type: "PHONE", metric: "span precision", target: 0.95, actual: ratio(19, 20), status: "PASS" },
    ]);
    expect(rows.find((r) => r.type === POOLED_ROW)).toEqual({
      type: POOLED_ROW,
      metric: "span precision",
      target: 0.95,
      actual: ratio(19, 20),
      status: "PASS",
    });
  });

  it("fails PHONE recall at 19/20 and precision at 18/20; types without data are NO DATA", () => {
    const rows = checkTargets(evaluate([...phoneItems(20, 19, 0), ...phoneItems(0, 0, 2).map((i) => ({ ...i, id: `x${i.id}` }))]));
    expect(rows.find((r) => r.type === "PHONE" && r.metric === "recall")?.status).toBe("FAIL");
    expect(rows.find((r) => r.type === "PHONE" && r.metric === "span precision")).toMatchObject({ actual: ratio(19, 21), status: "FAIL" });
    expect(rows.find((r) => r.type === "EMAIL" && r.metric === "recall")?.status).toBe("NO DATA");
    expect(allTargetsPass(rows)).toBe(false);
  });

  it("has 12 targeted types × 2 rows, a pooled row, and an n/a row for each of the other 6 types", () => {
    const rows = checkTargets(evaluate([]));
    expect(rows).toHaveLength(12 * 2 + 1 + 6);
    const na = rows.filter((r) => r.status === "n/a (next issue)");
    expect(na.map((r) => r.type)).toEqual(["PERSON", "ORGANIZATION", "ADDRESS", "LOCATION", "DATE_OF_BIRTH", "AGE"]);
    expect(na.every((r) => r.target === null)).toBe(true);
    expect(rows.filter((r) => r.metric === "recall" && r.target === 1).map((r) => r.type)).toEqual([
      "PHONE",
      "EMAIL",
      "CREDIT_CARD",
      "MY_NUMBER",
      "IP_ADDRESS",
    ]);
  });

  it("passes overall only when every targeted row passes; n/a rows do not count", () => {
    expect(allTargetsPass([{ type: "PERSON", metric: "recall", target: null, actual: ratio(0, 1), status: "n/a (next issue)" }])).toBe(true);
    expect(allTargetsPass([{ type: "URL", metric: "recall", target: 0.95, actual: ratio(0, 0), status: "NO DATA" }])).toBe(false);
  });
});

// The detector contract checks and the CLI live in run-eval.ts; they are tested here, next to the
// metrics they feed, with the fake detector in fixtures/ standing in for `tokumei detect`.
describe("validateDetectorOutput (run-eval)", () => {
  const inputs = [
    { id: "a", text: "𠮷田 0901234" },
    { id: "b", text: "なし" },
  ];
  const line = (id: string, entities: unknown[]): string => JSON.stringify({ id, masked: "m", entities });

  it("accepts conforming output and sorts entities", () => {
    const out = validateDetectorOutput(
      `${line("a", [
        { start: 4, end: 11, type: "PHONE", score: 0.9 },
        { start: 0, end: 3, type: "PERSON", score: 1 },
      ])}\n${line("b", [])}\n`,
      inputs,
    );
    expect(out).toEqual([
      {
        id: "a",
        masked: "m",
        entities: [
          { start: 0, end: 3, type: "PERSON" },
          { start: 4, end: 11, type: "PHONE" },
        ],
      },
      { id: "b", masked: "m", entities: [] },
    ]);
  });

  const cases: [string, string, string][] = [
    ["a missing line", `${line("a", [])}\n`, "expected 2 output line(s), got 1"],
    ["a changed id", `${line("b", [])}\n${line("a", [])}\n`, `id is "b" (order or id changed)`],
    ["non-JSON", `progress...\n${line("b", [])}\n`, "output line 1 (expected id \"a\"): not valid JSON"],
    ["out of bounds", `${line("a", [{ start: 4, end: 12, type: "PHONE", score: 1 }])}\n${line("b", [])}`, "end 12 is past the text length 11"],
    ["empty span", `${line("a", [{ start: 4, end: 4, type: "PHONE", score: 1 }])}\n${line("b", [])}`, "start 4 is not before end 4"],
    ["unknown type", `${line("a", [{ start: 4, end: 11, type: "TEL", score: 1 }])}\n${line("b", [])}`, `unknown type "TEL"`],
    ["a cut surrogate pair", `${line("a", [{ start: 1, end: 3, type: "PERSON", score: 1 }])}\n${line("b", [])}`, "cuts a surrogate pair"],
    [
      "overlap",
      `${line("a", [
        { start: 4, end: 8, type: "PHONE", score: 1 },
        { start: 7, end: 11, type: "PHONE", score: 1 },
      ])}\n${line("b", [])}`,
      "entities overlap ([4,8) and [7,11))",
    ],
    ["a missing score", `${line("a", [{ start: 4, end: 11, type: "PHONE" }])}\n${line("b", [])}`, "entities.0.score"],
  ];
  for (const [what, stdout, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => validateDetectorOutput(stdout, inputs)).toThrow(DetectorContractError);
      expect(() => validateDetectorOutput(stdout, inputs)).toThrow(message);
    });
  }
});

describe("run-eval CLI with the fake detector", () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, "../..");
  const set = join(here, "fixtures", "set");
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(here, "run-eval.ts"), "--set", set, ...args], {
      cwd: root,
      encoding: "utf8",
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const fake = `node ${join(here, "fixtures", "fake-detector.mjs")}`;

  it("prints the report without any gold surface, exits 0 although targets fail", () => {
    const r = run("--detector", fake);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("utterances 6, without PII 1, gold entities 6, predicted spans 7");
    expect(r.stdout).toContain("targets: 3/25 PASS, 4 FAIL, 18 NO DATA");
    for (const row of loadLabelledSets([set])) {
      for (const e of row.entities) expect(r.stdout).not.toContain(e.surface);
    }
  });

  it("exits 1 with --strict when a target fails", () => {
    expect(run("--detector", fake, "--strict").status).toBe(1);
  });

  it("exits 2 and names the problem on a contract violation", () => {
    const r = run("--detector", `${fake} --break drop-last`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("expected 6 output line(s), got 5");
  });
});
