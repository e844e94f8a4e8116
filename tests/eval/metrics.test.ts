import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadLabelledSets } from "./devset.js";
import {
  CHITCHAT_ROW,
  OVERALL_ROW,
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
  staysWithin,
  targetComparison,
} from "./metrics.js";
import type { GoldSpan, ScoredItem, Span, TargetRow } from "./metrics.js";
import { DetectorContractError, fmtTarget, validateDetectorOutput } from "./run-eval.js";

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

  it("has 12 shaped types × 2 rows, a pooled row, 6 NER recall rows, the overall and the chit-chat rows", () => {
    const rows = checkTargets(evaluate([]));
    expect(rows).toHaveLength(12 * 2 + 1 + 6 + 2);
    expect(rows.slice(25).map((r) => [r.type, r.metric, r.target, r.status])).toEqual([
      ["PERSON", "recall", 0.97, "NO DATA"],
      ["ORGANIZATION", "recall", 0.9, "NO DATA"],
      ["ADDRESS", "recall", 0.95, "NO DATA"],
      ["LOCATION", "recall", null, "no target"],
      ["DATE_OF_BIRTH", "recall", 0.95, "NO DATA"],
      ["AGE", "recall", 0.95, "NO DATA"],
      [OVERALL_ROW, "span precision", 0.92, "NO DATA"],
      [CHITCHAT_ROW, "over-masked share", 0.005, "NO DATA"],
    ]);
    expect(rows.filter((r) => r.target === null).map((r) => r.type)).toEqual(["LOCATION"]);
    expect(rows.filter((r) => r.metric === "recall" && r.target === 1).map((r) => r.type)).toEqual([
      "PHONE",
      "EMAIL",
      "CREDIT_CARD",
      "MY_NUMBER",
      "IP_ADDRESS",
    ]);
    // No per-type precision target for the NER types.
    const ner = ["PERSON", "ORGANIZATION", "ADDRESS", "LOCATION", "DATE_OF_BIRTH", "AGE"];
    expect(rows.filter((r) => ner.includes(r.type) && r.metric !== "recall")).toEqual([]);
    expect(rows.some((r) => (r.status as string) === "n/a (next issue)")).toBe(false);
  });

  /** n PERSON entities ("山田です", [0,2)), `found` of them predicted exactly. */
  function personItems(n: number, found: number): ScoredItem[] {
    const gold: Span = { start: 0, end: 2, type: "PERSON" };
    return Array.from({ length: n }, (_, k) => item("山田です", [gold], k < found ? [gold] : [], { id: `n${k}` }));
  }

  it("passes PERSON recall at 97/100 and fails it at 96/100", () => {
    expect(checkTargets(evaluate(personItems(100, 97))).find((r) => r.type === "PERSON")).toEqual({
      type: "PERSON",
      metric: "recall",
      target: 0.97,
      actual: ratio(97, 100),
      status: "PASS",
    });
    expect(checkTargets(evaluate(personItems(100, 96))).find((r) => r.type === "PERSON")).toEqual({
      type: "PERSON",
      metric: "recall",
      target: 0.97,
      actual: ratio(96, 100),
      status: "FAIL",
    });
  });

  it("reports LOCATION recall with status no target", () => {
    const loc: Span = { start: 0, end: 2, type: "LOCATION" };
    const rows = checkTargets(evaluate([item("京都です", [loc], [], { id: "l1" }), item("京都です", [loc], [loc], { id: "l2" })]));
    expect(rows.find((r) => r.type === "LOCATION")).toEqual({
      type: "LOCATION",
      metric: "recall",
      target: null,
      actual: ratio(1, 2),
      status: "no target",
    });
  });

  it("measures overall span precision over every predicted type: 23/25 passes ≥ 0.92, 23/26 fails", () => {
    // 20 PERSON and 3 PHONE spans on gold, 2 false-positive PHONE spans (NER spans count here too).
    const base = [...personItems(20, 20), ...phoneItems(3, 3, 2)];
    expect(checkTargets(evaluate(base)).find((r) => r.type === OVERALL_ROW)).toEqual({
      type: OVERALL_ROW,
      metric: "span precision",
      target: 0.92,
      actual: ratio(23, 25),
      status: "PASS",
    });
    const extraFp = item("京都です", [], [{ start: 0, end: 2, type: "LOCATION" }], { id: "fp-loc" });
    const rows = checkTargets(evaluate([...base, extraFp]));
    expect(rows.find((r) => r.type === OVERALL_ROW)).toEqual({
      type: OVERALL_ROW,
      metric: "span precision",
      target: 0.92,
      actual: ratio(23, 26),
      status: "FAIL",
    });
    // The pooled row of the 12 shaped types is unchanged: only PHONE spans count there.
    expect(rows.find((r) => r.type === POOLED_ROW)?.actual).toEqual(ratio(3, 5));
  });

  /** A chitchat item of 1000 PII-free characters with the first `masked` characters predicted. */
  function chitchat(masked: number, domain = "chitchat"): ScoredItem {
    const predicted: Span[] = masked === 0 ? [] : [{ start: 0, end: masked, type: "LOCATION" }];
    return item("あ".repeat(1000), [], predicted, { id: `cc-${domain}-${masked}`, domain });
  }
  const chitchatRow = (items: readonly ScoredItem[]): TargetRow | undefined =>
    checkTargets(evaluate(items)).find((r) => r.type === CHITCHAT_ROW);

  it("compares upper bounds exactly: 5/1000 stays within 0.005, 6/1000 does not", () => {
    expect(staysWithin(ratio(5, 1000), 0.005)).toBe(true);
    expect(staysWithin(ratio(6, 1000), 0.005)).toBe(false);
    expect(staysWithin(ratio(0, 7), 0.005)).toBe(true);
  });

  it("passes chit-chat over-masking at 5/1000 and fails it at 6/1000, ignoring other domains", () => {
    // A fully masked utterance in another domain must not count.
    const other = chitchat(1000, "call");
    expect(chitchatRow([other, chitchat(5)])).toEqual({
      type: CHITCHAT_ROW,
      metric: "over-masked share",
      target: 0.005,
      actual: ratio(5, 1000),
      status: "PASS",
    });
    expect(chitchatRow([other, chitchat(6)])).toEqual({
      type: CHITCHAT_ROW,
      metric: "over-masked share",
      target: 0.005,
      actual: ratio(6, 1000),
      status: "FAIL",
    });
  });

  it("counts only characters outside gold in the chit-chat share", () => {
    // 1002 characters, 2 of them gold PERSON, predicted [0, 7): 5 over-masked of 1000 outside gold.
    const withName = item(`山田${"あ".repeat(1000)}`, [{ start: 0, end: 2, type: "PERSON" }], [{ start: 0, end: 7, type: "PERSON" }], {
      id: "cc-name",
      domain: "chitchat",
    });
    expect(chitchatRow([withName])).toMatchObject({ actual: ratio(5, 1000), status: "PASS" });
  });

  it("is NO DATA without a chitchat domain, which is not a pass", () => {
    const row = chitchatRow([chitchat(0, "call"), chitchat(0, "chit-chat")]);
    expect(row).toEqual({ type: CHITCHAT_ROW, metric: "over-masked share", target: 0.005, actual: ratio(0, 0), status: "NO DATA" });
    expect(allTargetsPass(row === undefined ? [] : [row])).toBe(false);
  });

  it("formats targets with their comparison and enough decimals", () => {
    const row = (metric: TargetRow["metric"], target: number | null): TargetRow => ({
      type: "X",
      metric,
      target,
      actual: ratio(0, 0),
      status: target === null ? "no target" : "NO DATA",
    });
    expect(fmtTarget(row("recall", 1))).toBe("= 1.00");
    expect(fmtTarget(row("recall", 0.97))).toBe("≥ 0.97");
    expect(fmtTarget(row("recall", 0.9))).toBe("≥ 0.90");
    expect(fmtTarget(row("span precision", 0.92))).toBe("≥ 0.92");
    expect(fmtTarget(row("over-masked share", 0.005))).toBe("≤ 0.005");
    expect(fmtTarget(row("recall", null))).toBe("—");
    expect(targetComparison(row("over-masked share", 0.005))).toBe("≤");
  });

  it("passes overall only when every targeted row passes; no-target rows do not count", () => {
    expect(allTargetsPass([{ type: "LOCATION", metric: "recall", target: null, actual: ratio(0, 1), status: "no target" }])).toBe(true);
    expect(allTargetsPass([{ type: "URL", metric: "recall", target: 0.95, actual: ratio(0, 0), status: "NO DATA" }])).toBe(false);
    expect(allTargetsPass([{ type: CHITCHAT_ROW, metric: "over-masked share", target: 0.005, actual: ratio(6, 1000), status: "FAIL" }])).toBe(
      false,
    );
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
    expect(r.stdout).toContain("targets: 3/32 PASS, 6 FAIL, 23 NO DATA");
    expect(r.stdout).toMatch(/^PERSON +recall +≥ 0\.97 +0\.000 \(0\/1\) +FAIL$/m);
    expect(r.stdout).toMatch(/^LOCATION +recall +— +— +no target$/m);
    expect(r.stdout).toMatch(/^all types +span precision +≥ 0\.92 +0\.857 \(6\/7\) +FAIL$/m);
    expect(r.stdout).toMatch(/^chitchat domain +over-masked share +≤ 0\.005 +— +NO DATA$/m);
    expect(r.stdout).not.toContain("n/a");
    for (const row of loadLabelledSets([set])) {
      for (const e of row.entities) expect(r.stdout).not.toContain(e.surface);
    }
  });

  it("exits 1 with --strict when a target fails", () => {
    expect(run("--detector", fake, "--strict").status).toBe(1);
  });

  it("writes every target row, including the new ones, to --json", () => {
    const dir = mkdtempSync(join(tmpdir(), "tokumei-eval-json-"));
    try {
      const file = join(dir, "report.json");
      expect(run("--detector", fake, "--json", file).status).toBe(0);
      const json = JSON.parse(readFileSync(file, "utf8")) as {
        targets: (TargetRow & { comparison: string | null })[];
        targetsOverallRow: string;
        targetsChitchatRow: string;
        allTargetsPass: boolean;
      };
      expect(json.targets).toHaveLength(33);
      expect(json.targetsOverallRow).toBe(OVERALL_ROW);
      expect(json.targetsChitchatRow).toBe(CHITCHAT_ROW);
      expect(json.allTargetsPass).toBe(false);
      expect(json.targets.find((t) => t.type === "PERSON")).toEqual({
        type: "PERSON",
        metric: "recall",
        target: 0.97,
        actual: ratio(0, 1),
        status: "FAIL",
        comparison: "≥",
      });
      expect(json.targets.find((t) => t.type === "LOCATION")).toEqual({
        type: "LOCATION",
        metric: "recall",
        target: null,
        actual: { num: 0, den: 0, value: null },
        status: "no target",
        comparison: null,
      });
      expect(json.targets.find((t) => t.type === OVERALL_ROW)).toEqual({
        type: OVERALL_ROW,
        metric: "span precision",
        target: 0.92,
        actual: ratio(6, 7),
        status: "FAIL",
        comparison: "≥",
      });
      expect(json.targets.find((t) => t.type === CHITCHAT_ROW)).toEqual({
        type: CHITCHAT_ROW,
        metric: "over-masked share",
        target: 0.005,
        actual: { num: 0, den: 0, value: null },
        status: "NO DATA",
        comparison: "≤",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 and names the problem on a contract violation", () => {
    const r = run("--detector", `${fake} --break drop-last`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("expected 6 output line(s), got 5");
  });
});
