/**
 * Pure metric functions for the detector evaluation. No I/O here: run-eval.ts feeds in labelled
 * items plus detector output and prints what {@link evaluate} and {@link checkTargets} return.
 *
 * Exact definitions (also in tests/eval/README.md):
 * - recall: share of gold entities whose every UTF-16 unit is covered by the union of all predicted spans.
 * - typed recall: same, but only predicted spans of the gold entity's type count.
 * - span precision: share of predicted spans overlapping (≥ 1 unit) some gold entity of any type.
 * - strict precision: share of predicted spans with ≥ 50 % of their characters inside gold spans.
 * - over-masked share: characters in predicted spans but in no gold span / characters in no gold span.
 * - verbatim leaks: distinct (id, type, surface) whose surface (≥ 2 characters) occurs in `masked`.
 * "Characters" are code points (𠮷 counts once), so surrogate pairs do not skew the shares.
 * Targets: see {@link checkTargets} (and the README's target list).
 *
 * Records returned here carry ids, types and offsets, never surfaces: callers can print them safely.
 */
import { PII_TYPES } from "./devset.js";

/** A typed character range, UTF-16 offsets, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

/** A gold span with its surface (only used for leak checks). */
export interface GoldSpan extends Span {
  readonly surface: string;
}

/** One utterance with its gold labels and the detector's answer for it. */
export interface ScoredItem {
  readonly id: string;
  readonly domain: string;
  readonly text: string;
  readonly gold: readonly GoldSpan[];
  readonly predicted: readonly Span[];
  readonly masked: string;
}

/** A share kept as numerator and denominator; `value` is null when the denominator is 0. */
export interface Ratio {
  readonly num: number;
  readonly den: number;
  readonly value: number | null;
}

/** Builds a {@link Ratio}. */
export function ratio(num: number, den: number): Ratio {
  return { num, den, value: den === 0 ? null : num / den };
}

/** Per-unit coverage of `text` by `spans` (optionally only those of `type`): 1 = covered. */
export function coverageMask(length: number, spans: readonly Span[], type?: string): Uint8Array {
  const mask = new Uint8Array(length);
  for (const span of spans) {
    if (type !== undefined && span.type !== type) continue;
    mask.fill(1, Math.max(0, span.start), Math.min(length, span.end));
  }
  return mask;
}

/** True when every unit of [start, end) is set in `mask`. */
export function fullyCovered(mask: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (mask[i] !== 1) return false;
  return true;
}

/** True when unit `i` of `text` is the second half of a surrogate pair (not a character of its own). */
function isTrailingUnit(text: string, i: number): boolean {
  if (i <= 0) return false;
  const cur = text.charCodeAt(i);
  const prev = text.charCodeAt(i - 1);
  return cur >= 0xdc00 && cur <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff;
}

/** Counts characters (code points) in [start, end) of `text` for which `keep(unitIndex)` holds. */
export function countChars(text: string, start: number, end: number, keep: (unit: number) => boolean): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    if (!isTrailingUnit(text, i) && keep(i)) n++;
  }
  return n;
}

/** Length of `s` in characters (code points). */
export function charLength(s: string): number {
  return countChars(s, 0, s.length, () => true);
}

/** How one gold entity fared. */
export interface GoldJudgement {
  readonly id: string;
  readonly domain: string;
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Every character covered by some predicted span. */
  readonly covered: boolean;
  /** Every character covered by predicted spans of the same type. */
  readonly typedCovered: boolean;
  /** Characters covered by any predicted span (to tell partial from fully missed). */
  readonly coveredChars: number;
  readonly chars: number;
  /** Types of the predicted spans overlapping this entity, sorted, distinct. */
  readonly predictedTypes: readonly string[];
}

/** How one predicted span fared. */
export interface PredictedJudgement {
  readonly id: string;
  readonly domain: string;
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Overlaps at least one gold entity (any type). */
  readonly overlapsGold: boolean;
  /** Share of the span's characters inside gold spans. */
  readonly insideShare: number;
  /** insideShare ≥ 0.5. */
  readonly strictHit: boolean;
  /** The utterance has no gold entity at all. */
  readonly inPiiFreeUtterance: boolean;
}

/** A gold surface still present verbatim in `masked` (surface deliberately omitted). */
export interface LeakRecord {
  readonly id: string;
  readonly domain: string;
  readonly type: string;
  /** Offsets of the first gold entity with that surface, for --show-errors context. */
  readonly start: number;
  readonly end: number;
}

/** Scores one utterance's gold entities against its predictions. */
export function judgeGold(item: ScoredItem): GoldJudgement[] {
  const any = coverageMask(item.text.length, item.predicted);
  return item.gold.map((g) => {
    const typed = coverageMask(item.text.length, item.predicted, g.type);
    const overlapping = item.predicted.filter((p) => p.start < g.end && g.start < p.end).map((p) => p.type);
    return {
      id: item.id,
      domain: item.domain,
      type: g.type,
      start: g.start,
      end: g.end,
      covered: fullyCovered(any, g.start, g.end),
      typedCovered: fullyCovered(typed, g.start, g.end),
      coveredChars: countChars(item.text, g.start, g.end, (i) => any[i] === 1),
      chars: countChars(item.text, g.start, g.end, () => true),
      predictedTypes: [...new Set(overlapping)].sort(),
    };
  });
}

/** Scores one utterance's predicted spans against its gold entities. */
export function judgePredicted(item: ScoredItem): PredictedJudgement[] {
  const gold = coverageMask(item.text.length, item.gold);
  return item.predicted.map((p) => {
    const chars = countChars(item.text, p.start, p.end, () => true);
    const inside = countChars(item.text, p.start, p.end, (i) => gold[i] === 1);
    const insideShare = chars === 0 ? 0 : inside / chars;
    return {
      id: item.id,
      domain: item.domain,
      type: p.type,
      start: p.start,
      end: p.end,
      overlapsGold: item.gold.some((g) => p.start < g.end && g.start < p.end),
      insideShare,
      // Integer comparison so that exactly half counts without float doubt.
      strictHit: chars > 0 && inside * 2 >= chars,
      inPiiFreeUtterance: item.gold.length === 0,
    };
  });
}

/** Over-masking of one utterance: characters masked outside gold, and all characters outside gold. */
export function overMaskCounts(item: ScoredItem): { overMasked: number; nonGold: number } {
  const gold = coverageMask(item.text.length, item.gold);
  const pred = coverageMask(item.text.length, item.predicted);
  return {
    overMasked: countChars(item.text, 0, item.text.length, (i) => gold[i] === 0 && pred[i] === 1),
    nonGold: countChars(item.text, 0, item.text.length, (i) => gold[i] === 0),
  };
}

/** Minimum surface length (characters) for a verbatim leak check: one character matches too much. */
export const MIN_LEAK_CHARS = 2;

/**
 * Gold surfaces of ≥ {@link MIN_LEAK_CHARS} characters found verbatim in `masked`, one record per
 * distinct (type, surface) of the utterance (a name said twice and left twice is one leak).
 */
export function findLeaks(item: ScoredItem): LeakRecord[] {
  const seen = new Set<string>();
  const leaks: LeakRecord[] = [];
  for (const g of item.gold) {
    const key = `${g.type}\u0000${g.surface}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (charLength(g.surface) >= MIN_LEAK_CHARS && item.masked.includes(g.surface)) {
      leaks.push({ id: item.id, domain: item.domain, type: g.type, start: g.start, end: g.end });
    }
  }
  return leaks;
}

/** Figures of one PII type: recall side grouped by gold type, precision side by predicted type. */
export interface TypeFigures {
  readonly type: string;
  readonly gold: number;
  readonly predicted: number;
  readonly recall: Ratio;
  readonly typedRecall: Ratio;
  readonly spanPrecision: Ratio;
  readonly strictPrecision: Ratio;
  readonly leaks: number;
}

/** Figures of a group of utterances (the whole set or one domain). */
export interface GroupFigures {
  readonly utterances: number;
  readonly utterancesWithoutPii: number;
  readonly gold: number;
  readonly predicted: number;
  readonly recall: Ratio;
  readonly typedRecall: Ratio;
  readonly spanPrecision: Ratio;
  readonly strictPrecision: Ratio;
  readonly overMasked: Ratio;
  /** Predicted spans in utterances that have no gold entity. */
  readonly falsePositivesOnPiiFree: number;
  readonly leaks: number;
}

/** Everything the harness reports. */
export interface EvalReport {
  readonly overall: GroupFigures;
  /** All policy types in policy order, then any other predicted type. */
  readonly perType: readonly TypeFigures[];
  readonly perDomain: readonly { readonly domain: string; readonly figures: GroupFigures }[];
  readonly leaks: readonly LeakRecord[];
  /** Gold entities not fully covered by any prediction (partial or entirely missed). */
  readonly missed: readonly GoldJudgement[];
  /** Gold entities fully covered, but not by spans of their own type. */
  readonly wrongType: readonly GoldJudgement[];
  /** Predicted spans overlapping no gold entity. */
  readonly falsePositives: readonly PredictedJudgement[];
  /** Predicted spans overlapping gold but with < 50 % of their characters inside it. */
  readonly overreaching: readonly PredictedJudgement[];
}

function groupFigures(
  items: readonly ScoredItem[],
  gold: readonly GoldJudgement[],
  pred: readonly PredictedJudgement[],
  leaks: number,
): GroupFigures {
  let overMasked = 0;
  let nonGold = 0;
  for (const item of items) {
    const c = overMaskCounts(item);
    overMasked += c.overMasked;
    nonGold += c.nonGold;
  }
  return {
    utterances: items.length,
    utterancesWithoutPii: items.filter((i) => i.gold.length === 0).length,
    gold: gold.length,
    predicted: pred.length,
    recall: ratio(gold.filter((g) => g.covered).length, gold.length),
    typedRecall: ratio(gold.filter((g) => g.typedCovered).length, gold.length),
    spanPrecision: ratio(pred.filter((p) => p.overlapsGold).length, pred.length),
    strictPrecision: ratio(pred.filter((p) => p.strictHit).length, pred.length),
    overMasked: ratio(overMasked, nonGold),
    falsePositivesOnPiiFree: pred.filter((p) => p.inPiiFreeUtterance).length,
    leaks,
  };
}

function typeFigures(
  type: string,
  gold: readonly GoldJudgement[],
  pred: readonly PredictedJudgement[],
  leaks: readonly LeakRecord[],
): TypeFigures {
  const g = gold.filter((x) => x.type === type);
  const p = pred.filter((x) => x.type === type);
  return {
    type,
    gold: g.length,
    predicted: p.length,
    recall: ratio(g.filter((x) => x.covered).length, g.length),
    typedRecall: ratio(g.filter((x) => x.typedCovered).length, g.length),
    spanPrecision: ratio(p.filter((x) => x.overlapsGold).length, p.length),
    strictPrecision: ratio(p.filter((x) => x.strictHit).length, p.length),
    leaks: leaks.filter((x) => x.type === type).length,
  };
}

/** Computes every figure of the report from scored utterances. */
export function evaluate(items: readonly ScoredItem[]): EvalReport {
  const gold = items.flatMap(judgeGold);
  const pred = items.flatMap(judgePredicted);
  const leaks = items.flatMap(findLeaks);

  const known: ReadonlySet<string> = new Set(PII_TYPES);
  const extraTypes = [...new Set([...gold, ...pred].map((x) => x.type).filter((t) => !known.has(t)))].sort();
  const perType = [...PII_TYPES, ...extraTypes].map((t) => typeFigures(t, gold, pred, leaks));

  // Domains in first-seen order, which follows the set files.
  const domains = [...new Set(items.map((i) => i.domain))];
  const perDomain = domains.map((domain) => ({
    domain,
    figures: groupFigures(
      items.filter((i) => i.domain === domain),
      gold.filter((g) => g.domain === domain),
      pred.filter((p) => p.domain === domain),
      leaks.filter((l) => l.domain === domain).length,
    ),
  }));

  return {
    overall: groupFigures(items, gold, pred, leaks.length),
    perType,
    perDomain,
    leaks,
    missed: gold.filter((g) => !g.covered),
    wrongType: gold.filter((g) => g.covered && !g.typedCovered),
    falsePositives: pred.filter((p) => !p.overlapsGold),
    overreaching: pred.filter((p) => p.overlapsGold && !p.strictHit),
  };
}

/** Recall targets of the 12 shaped types (1 = every entity must be covered). */
export const RECALL_TARGETS: Readonly<Record<string, number>> = {
  PHONE: 1,
  EMAIL: 1,
  CREDIT_CARD: 1,
  MY_NUMBER: 1,
  IP_ADDRESS: 1,
  POSTAL_CODE: 0.95,
  BANK_ACCOUNT: 0.95,
  DRIVERS_LICENSE: 0.95,
  PASSPORT: 0.95,
  URL: 0.95,
  ACCOUNT_ID: 0.95,
  PASSWORD: 0.95,
};

/**
 * Recall targets of the NER types (no per-type precision target). LOCATION is deliberately absent:
 * its recall is reported with status "no target".
 */
export const NER_RECALL_TARGETS: Readonly<Record<string, number>> = {
  PERSON: 0.97,
  ORGANIZATION: 0.9,
  ADDRESS: 0.95,
  DATE_OF_BIRTH: 0.95,
  AGE: 0.95,
};

/** True when `type` is one of the 12 shaped types (own keys only, not Object.prototype's). */
export function hasTarget(type: string): boolean {
  return Object.hasOwn(RECALL_TARGETS, type);
}

/** True when `type` is an NER type with a recall target (own keys only). */
export function hasNerTarget(type: string): boolean {
  return Object.hasOwn(NER_RECALL_TARGETS, type);
}

/** Span-precision target for each of the 12 shaped types (and for them pooled). */
export const PRECISION_TARGET = 0.95;

/** Span-precision target over all predicted spans, every type. */
export const OVERALL_PRECISION_TARGET = 0.92;

/** Upper bound of the over-masked share in the chit-chat domain. */
export const CHITCHAT_OVERMASK_TARGET = 0.005;

/** Domain name (the `domain` of labelled items) whose over-masking is targeted. */
export const CHITCHAT_DOMAIN = "chitchat";

/** The 12 shaped types with recall and precision targets, in policy order. */
export const TARGET_TYPES: readonly string[] = PII_TYPES.filter(hasTarget);

/** Label of the pooled precision row of the targets table. */
export const POOLED_ROW = "12 types pooled";

/** Label of the span-precision row over all predicted spans. */
export const OVERALL_ROW = "all types";

/** Label of the chit-chat over-masking row. */
export const CHITCHAT_ROW = "chitchat domain";

/**
 * Result of one target. NO DATA (denominator 0) is not a pass: a target nobody measured is unproven.
 * "no target": the figure is reported only (LOCATION recall).
 */
export type TargetStatus = "PASS" | "FAIL" | "NO DATA" | "no target";

/** Metrics that have targets; "over-masked share" is an upper bound, the others lower bounds. */
export type TargetMetric = "recall" | "span precision" | "over-masked share";

/** One row of the targets table. */
export interface TargetRow {
  /** A type, or a scope label ({@link POOLED_ROW}, {@link OVERALL_ROW}, {@link CHITCHAT_ROW}). */
  readonly type: string;
  readonly metric: TargetMetric;
  /** null for figures without a target. */
  readonly target: number | null;
  readonly actual: Ratio;
  readonly status: TargetStatus;
}

/** How a row's actual value is compared with its target: "=" (recall 1.00), "≥", or "≤". */
export function targetComparison(row: Pick<TargetRow, "metric" | "target">): "=" | "≥" | "≤" {
  if (row.metric === "over-masked share") return "≤";
  return row.metric === "recall" && row.target === 1 ? "=" : "≥";
}

/** True when num/den ≥ target, compared in integers (per mille) so 19/20 ≥ 0.95 holds exactly. */
export function meets(r: Ratio, target: number): boolean {
  return r.num * 1000 >= Math.round(target * 1000) * r.den;
}

/** True when num/den ≤ target, compared in integers (per mille) so 5/1000 ≤ 0.005 holds exactly. */
export function staysWithin(r: Ratio, target: number): boolean {
  return r.num * 1000 <= Math.round(target * 1000) * r.den;
}

function judge(actual: Ratio, target: number, compare: (r: Ratio, target: number) => boolean = meets): TargetStatus {
  if (actual.den === 0) return "NO DATA";
  return compare(actual, target) ? "PASS" : "FAIL";
}

/**
 * The targets table, in this order: recall and span precision for each of the 12 shaped types,
 * span precision of the 12 pooled, recall of each NER type (LOCATION as "no target"), span
 * precision over all predicted spans, and the over-masked share of the chit-chat domain.
 */
export function checkTargets(report: EvalReport): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const t of report.perType) {
    const recallTarget = hasTarget(t.type) ? RECALL_TARGETS[t.type] : undefined;
    if (recallTarget === undefined) continue;
    rows.push({ type: t.type, metric: "recall", target: recallTarget, actual: t.recall, status: judge(t.recall, recallTarget) });
    rows.push({
      type: t.type,
      metric: "span precision",
      target: PRECISION_TARGET,
      actual: t.spanPrecision,
      status: judge(t.spanPrecision, PRECISION_TARGET),
    });
  }
  const targeted = report.perType.filter((t) => hasTarget(t.type));
  const pooled = ratio(
    targeted.reduce((n, t) => n + t.spanPrecision.num, 0),
    targeted.reduce((n, t) => n + t.spanPrecision.den, 0),
  );
  rows.push({ type: POOLED_ROW, metric: "span precision", target: PRECISION_TARGET, actual: pooled, status: judge(pooled, PRECISION_TARGET) });
  for (const t of report.perType) {
    // Every other type: the NER types (and, were any reported, types outside the policy).
    if (hasTarget(t.type)) continue;
    const recallTarget = hasNerTarget(t.type) ? NER_RECALL_TARGETS[t.type] : undefined;
    // One row is enough: the per-type table already shows all of this type's figures.
    rows.push(
      recallTarget === undefined
        ? { type: t.type, metric: "recall", target: null, actual: t.recall, status: "no target" }
        : { type: t.type, metric: "recall", target: recallTarget, actual: t.recall, status: judge(t.recall, recallTarget) },
    );
  }
  const overall = report.overall.spanPrecision;
  rows.push({
    type: OVERALL_ROW,
    metric: "span precision",
    target: OVERALL_PRECISION_TARGET,
    actual: overall,
    status: judge(overall, OVERALL_PRECISION_TARGET),
  });
  const chitchat = report.perDomain.find((d) => d.domain === CHITCHAT_DOMAIN)?.figures.overMasked ?? ratio(0, 0);
  rows.push({
    type: CHITCHAT_ROW,
    metric: "over-masked share",
    target: CHITCHAT_OVERMASK_TARGET,
    actual: chitchat,
    status: judge(chitchat, CHITCHAT_OVERMASK_TARGET, staysWithin),
  });
  return rows;
}

/** True when every row with a target passed (NO DATA and FAIL both count as not passed). */
export function allTargetsPass(rows: readonly TargetRow[]): boolean {
  return rows.every((r) => r.target === null || r.status === "PASS");
}
