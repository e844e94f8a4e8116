import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeConversation } from "../../shared/detect/sequence.js";
import { createEngine } from "../../shared/engine.js";
import { anyIdentifier, CONTEXT_PIECES, LEADS, PLACEHOLDERS, TRAILERS } from "./arbitraries.js";
import { maskedTexts } from "./conversations.js";
import { regressions, report, runProperty, type PropertyRun } from "./run-property.js";

const engine = createEngine();
const runs: PropertyRun[] = [];

afterAll(() => {
  console.log(report(runs, "failures"));
});

/** A sentence: context, an identifier with its lead and trailer, or a placeholder left by earlier masking. */
const sentence = fc.oneof(
  fc.array(fc.constantFrom(...CONTEXT_PIECES), { minLength: 1, maxLength: 4 }).map((p) => p.join("")),
  anyIdentifier.chain((v) => fc.tuple(fc.constantFrom(...LEADS[v.kind]), fc.constantFrom(...TRAILERS)).map(([lead, trailer]) => `${lead}${v.written}${trailer}`)),
  fc.tuple(fc.constantFrom(...PLACEHOLDERS), fc.constantFrom("担当は", "お名前は", "番号", "", "電話は")).map(([p, lead]) => `${lead}${p}です`),
);
/** An utterance of one to four sentences; a conversation of one to four utterances. */
const utterance = fc.array(sentence, { minLength: 1, maxLength: 4 }).chain((s) => fc.constantFrom("。", "\n", "！").map((end) => s.join(end)));
const conversation = fc.record({ texts: fc.array(utterance, { minLength: 1, maxLength: 4 }) });
type ConversationCase = { readonly texts: readonly string[] };

/** Every occurrence of each placeholder in `text`: [start, end) ranges. */
function placeholderSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const p of PLACEHOLDERS) for (let at = text.indexOf(p); at !== -1; at = text.indexOf(p, at + 1)) spans.push([at, at + p.length]);
  return spans;
}

function offsetProblems({ texts }: ConversationCase): string[] {
  const problems: string[] = [];
  analyzeConversation(engine.analyzer, texts).forEach((findings, u) => {
    findings.forEach((f, i) => {
      if (f.start < 0 || f.end > texts[u]!.length || f.end <= f.start) problems.push(`utterance ${u}: span ${f.start}-${f.end} outside its ${texts[u]!.length} characters`);
      const previous = findings[i - 1];
      if (previous && f.start < previous.end) problems.push(`utterance ${u}: span ${f.start}-${f.end} overlaps or precedes ${previous.start}-${previous.end}`);
    });
  });
  return problems;
}

function secondPassProblems({ texts }: ConversationCase): string[] {
  const once = maskedTexts(engine, texts);
  const twice = maskedTexts(engine, once);
  return twice.flatMap((t, u) => (t === once[u] ? [] : [`utterance ${u} changed on the second pass: ${JSON.stringify(once[u])} → ${JSON.stringify(t)}`]));
}

function placeholderProblems({ texts }: ConversationCase): string[] {
  const problems: string[] = [];
  const masked = maskedTexts(engine, texts);
  analyzeConversation(engine.analyzer, texts).forEach((findings, u) => {
    for (const [start, end] of placeholderSpans(texts[u]!)) {
      const hit = findings.find((f) => f.start < end && start < f.end);
      if (hit) problems.push(`utterance ${u}: the placeholder at ${start}-${end} is inside a ${hit.entity} span`);
    }
    for (const p of PLACEHOLDERS) {
      const count = (s: string) => s.split(p).length - 1;
      if (count(masked[u]!) < count(texts[u]!)) problems.push(`utterance ${u}: ${p} lost in the output`);
    }
  });
  return problems;
}

describe.each([
  ["offsets are in bounds, sorted and non-overlapping", "offsets in bounds, sorted, non-overlapping", offsetProblems],
  ["anonymizing the output again changes nothing", "idempotent", secondPassProblems],
  ["placeholders from the input come out intact and unmasked", "placeholders survive", placeholderProblems],
] as const)("in generated conversations, %s", (_what, property, check) => {
  it("holds for every generated conversation", () => {
    runs.push(runProperty(property, conversation, check, 500));
  });

  it.each(regressions(property).map((r) => [r.note, r.input] as const))("holds in the kept case: %s", (_note, input) => {
    expect(check(input as ConversationCase)).toEqual([]);
  });
});
