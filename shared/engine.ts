import { Analyzer } from "./detect/analyze.js";
import { analyzeConversation } from "./detect/sequence.js";
import type { EntityType } from "./detect/entity-types.js";
import { Anonymizer, type AppliedOperator } from "./anonymize/anonymizer.js";
import type { OperatorSecrets } from "./anonymize/operator.js";
import { PolicySchema, policyHash, type Policy } from "./anonymize/policy.js";
import type { AnalyzerConfigInput } from "./schema/analyzer-config.js";
import type { Conversation } from "./schema/conversation.js";
import { DetectionError, TokumeiError } from "./errors.js";
import { ENGINE_VERSION } from "./version.js";

export interface EngineOptions {
  readonly analyzer?: AnalyzerConfigInput;
  readonly policy?: Policy;
  readonly secrets?: OperatorSecrets;
}

/** An utterance after anonymization: its text masked, and where each entity went (no values). */
export interface AnonymizedUtterance {
  readonly index: number;
  readonly text: string;
  readonly entities: readonly AppliedOperator[];
}

export interface AnonymizedConversation {
  readonly conversation: Conversation;
  readonly utterances: readonly AnonymizedUtterance[];
  readonly counts: Readonly<Partial<Record<EntityType, number>>>;
}

/**
 * Detector and anonymizer built once (recognizers compiled, policy validated) and reused for every
 * conversation: in Lambda, once per container.
 *
 * @example
 * const engine = createEngine();
 * engine.anonymizeConversation(conversation).conversation.utterances[0]?.text // "<PHONE_1>に…"
 */
export function createEngine(options: EngineOptions = {}) {
  const analyzer = new Analyzer(options.analyzer ?? {});
  const policy = options.policy ?? PolicySchema.parse({});
  const anonymizer = new Anonymizer(policy, options.secrets ?? {});
  return {
    version: ENGINE_VERSION,
    analyzer,
    anonymizer,
    policy,
    policyHash: policyHash(policy),

    /**
     * Detects and masks every utterance with one placeholder scope for the conversation; the previous
     * utterance lends its words as context (an answer typed by the question before it) and repeated values
     * are found wherever they recur.
     * Throws DetectionError (fail closed) if anything goes wrong: nothing partial comes back.
     */
    anonymizeConversation(conversation: Conversation): AnonymizedConversation {
      const scope = anonymizer.newScope();
      const counts: Partial<Record<EntityType, number>> = {};
      const utterances: AnonymizedUtterance[] = [];
      try {
        const found = analyzeConversation(analyzer, conversation.utterances.map((u) => u.text));
        conversation.utterances.forEach((utterance, i) => {
          const findings = found[i] ?? [];
          const result = anonymizer.anonymize(utterance.text, findings, scope);
          for (const f of findings) counts[f.entity] = (counts[f.entity] ?? 0) + 1;
          utterances.push({ index: utterance.index, text: result.text, entities: result.applied });
        });
      } catch (error) {
        if (error instanceof TokumeiError) throw error;
        // Unexpected errors may carry input in their message; replace it with a safe one.
        throw new DetectionError(`detection failed in conversation ${conversation.conversationId} (${(error as Error).name})`);
      }
      const masked = new Map(utterances.map((u) => [u.index, u.text]));
      return {
        conversation: {
          ...conversation,
          utterances: conversation.utterances.map((u) => ({ ...u, text: masked.get(u.index) ?? "" })),
        },
        utterances,
        counts,
      };
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
