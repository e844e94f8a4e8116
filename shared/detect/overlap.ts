import type { Finding } from "./finding.js";

/** How overlapping findings are settled (presidio's conflict resolution strategy, made explicit). */
export type OverlapStrategy = "outermost" | "highest-score";

/**
 * Makes findings non-overlapping and sorted by start.
 * - `outermost` (policy rule 1): a span inside another is dropped whatever its score; equal spans keep the
 *   higher score; spans that only partly overlap are merged into one span of the longer finding's type, so
 *   that no character found by either is left unmasked.
 * - `highest-score`: on any overlap the higher score wins and the other is dropped.
 *
 * @example
 * resolveOverlaps([email(0, 20), person(0, 5)], "outermost") // → [email(0, 20)]
 */
export function resolveOverlaps(findings: readonly Finding[], strategy: OverlapStrategy = "outermost"): Finding[] {
  const ordered = [...findings].sort((a, b) =>
    strategy === "outermost"
      ? b.end - b.start - (a.end - a.start) || b.score - a.score || a.start - b.start
      : b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  let kept: Finding[] = [];
  for (const f of ordered) {
    const clash = kept.findIndex((k) => f.start < k.end && k.start < f.end);
    if (clash === -1) {
      kept.push(f);
      continue;
    }
    const k = kept[clash]!;
    const contained = f.start >= k.start && f.end <= k.end;
    if (strategy === "outermost" && !contained) {
      kept[clash] = { ...k, start: Math.min(k.start, f.start), end: Math.max(k.end, f.end) };
      kept = mergeChains(kept);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** A merge can make a span reach a neighbour it did not touch before; settle until stable. */
function mergeChains(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  const out: Finding[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) {
      const keep = last.end - last.start >= f.end - f.start ? last : f;
      out[out.length - 1] = { ...keep, start: last.start, end: Math.max(last.end, f.end) };
    } else {
      out.push(f);
    }
  }
  return out;
}
