import fc from "fast-check";
import type { Engine } from "../../shared/engine.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { context, type Identifier, LEADS, TRAILERS } from "./arbitraries.js";
import { leaks } from "./leaks.js";

/**
 * Generated conversations: a few utterances of context, one that gives an identifier (lead, value, trailer,
 * context around it), and sometimes the other side reading it back.
 */
export interface IdentifierCase {
  readonly value: Identifier;
  readonly before: readonly string[];
  readonly head: string;
  readonly lead: string;
  readonly trailer: string;
  readonly tail: string;
  readonly readBack: boolean;
  readonly after: readonly string[];
}

/**
 * Between the context and the value: a sentence boundary. A pause alone (、, えー、) would let a number of the
 * context (一二、〇九〇…) run into the value, a different number that no listener could tell apart either.
 */
const BOUNDARY = fc.constantFrom("。", "\n", "！", "。えっと、", "？はい、");

export function identifierCase(value: fc.Arbitrary<Identifier>): fc.Arbitrary<IdentifierCase> {
  return value.chain((v) =>
    fc.record({
      value: fc.constant(v),
      before: fc.array(context.filter((c) => c.length > 0), { maxLength: 2 }),
      head: fc.tuple(context, BOUNDARY).map(([c, b]) => (c.length > 0 ? `${c}${b}` : "")),
      lead: fc.constantFrom(...LEADS[v.kind]),
      trailer: fc.constantFrom(...TRAILERS),
      tail: context,
      readBack: fc.boolean(),
      after: fc.array(context.filter((c) => c.length > 0), { maxLength: 2 }),
    }),
  );
}

/** The utterances of a case; `withValue: false` gives its context alone (the value removed everywhere). */
export function caseTexts(c: IdentifierCase, withValue = true): string[] {
  const value = withValue ? c.value.written : "";
  return [
    ...c.before,
    `${c.head}${c.lead}${value}${c.trailer}${c.tail}`,
    ...(c.readBack ? [`${value}ですね。復唱いたしました。`] : []),
    ...c.after,
  ];
}

function conversationOf(texts: readonly string[]): Conversation {
  return {
    conversationId: "property",
    source: "call",
    metadata: {},
    utterances: texts.map((text, index) => ({ index, speaker: `spk_${index % 2}`, text })),
  };
}

/** The masked utterances of `texts`, through the engine as the pipeline calls it. */
export function maskedTexts(engine: Engine, texts: readonly string[]): string[] {
  return engine.anonymizeConversation(conversationOf(texts)).conversation.utterances.map((u) => u.text);
}

/** What of the case's identifier survives masking (nothing, when the engine does its job). */
export function caseLeaks(engine: Engine, c: IdentifierCase): string[] {
  const masked = maskedTexts(engine, caseTexts(c)).join("\n");
  return leaks(masked, c.value, caseTexts(c, false).join("\n")).map((l) => `${c.value.kind} (${c.value.form}) ${l}`);
}
