import { Analyzer } from "./detect/analyze.js";
import type { ExternalEntity } from "./detect/external-source.js";
import type { Finding } from "./detect/finding.js";
import { resolveOverlaps } from "./detect/overlap.js";
import type { KnownValue } from "./detect/repeats.js";
import { analyzeConversation } from "./detect/sequence.js";
import type { EntityType } from "./detect/entity-types.js";
import { Anonymizer, type AppliedOperator } from "./anonymize/anonymizer.js";
import type { ConversationScope, OperatorSecrets } from "./anonymize/operator.js";
import { quasiIdentifiersOf, type QuasiIdentifiers } from "./anonymize/quasi-identifiers.js";
import { PolicySchema, policyHash, policyNeedsKey, type Policy } from "./anonymize/policy.js";
import type { AnalyzerConfigInput } from "./schema/analyzer-config.js";
import type { Conversation } from "./schema/conversation.js";
import { ConfigError, DetectionError, TokumeiError } from "./errors.js";
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
  /** The customer's age band, prefecture and birth-year band, generalised (never the raw value). */
  readonly quasiIdentifiers: QuasiIdentifiers;
}

/**
 * Detector and anonymizer built once (recognizers compiled, policy validated) and reused for every
 * conversation: in Lambda, once per container.
 *
 * An external entity source (Comprehend), when configured, is asked by the pipeline first and its results are
 * passed to `anonymizeConversation`.
 *
 * @example
 * const engine = createEngine();
 * engine.anonymizeConversation(conversation).conversation.utterances[0]?.text // "<PHONE_1>に…"
 */
export function createEngine(options: EngineOptions = {}) {
  const analyzer = new Analyzer(options.analyzer ?? {});
  // What maskField/maskName need of a conversation already anonymized: its placeholder scope and names.
  const fieldContexts = new WeakMap<AnonymizedConversation, FieldContext>();
  const guard = <T>(conversationId: string, act: () => T): T => {
    try {
      return act();
    } catch (error) {
      if (error instanceof TokumeiError) throw error;
      // Unexpected errors may carry input in their message; replace it with a safe one.
      throw new DetectionError(`detection failed in conversation ${conversationId} (${(error as Error).name})`);
    }
  };
  const policy = options.policy ?? PolicySchema.parse({});
  // Refuse at start-up, not halfway through a dataset, when the policy needs a key nobody gave.
  if (policyNeedsKey(policy) && !options.secrets?.hmacKey) {
    throw new ConfigError("this policy pseudonymizes with HMAC but no key was provided (TOKUMEI_HMAC_KEY)");
  }
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
    anonymizeConversation(conversation: Conversation, external: readonly (readonly ExternalEntity[])[] = [], externalId = "external"): AnonymizedConversation {
      const scope = anonymizer.newScope();
      const counts: Partial<Record<EntityType, number>> = {};
      const utterances: AnonymizedUtterance[] = [];
      let quasiIdentifiers: QuasiIdentifiers;
      try {
        const local = analyzeConversation(
          analyzer,
          conversation.utterances.map((u) => u.text),
          undefined,
          participantNames(conversation),
        );
        // An external signal (Comprehend) joins by the same overlap rules; it never removes a local finding.
        const found = local.map((findings, i) => {
          const extra = (external[i] ?? []).filter((e) => e.score >= analyzer.config.threshold).map((e) => externalFinding(e, conversation.utterances[i]!.text, externalId));
          return extra.length === 0 ? findings : resolveOverlaps([...findings, ...extra], analyzer.config.overlapStrategy);
        });
        conversation.utterances.forEach((utterance, i) => {
          const findings = found[i] ?? [];
          const result = anonymizer.anonymize(utterance.text, findings, scope);
          for (const f of findings) counts[f.entity] = (counts[f.entity] ?? 0) + 1;
          utterances.push({ index: utterance.index, text: result.text, entities: result.applied });
        });
        quasiIdentifiers = quasiIdentifiersOf(conversation.utterances, found);
      } catch (error) {
        if (error instanceof TokumeiError) throw error;
        // Unexpected errors may carry input in their message; replace it with a safe one.
        throw new DetectionError(`detection failed in conversation ${conversation.conversationId} (${(error as Error).name})`);
      }
      const masked = new Map(utterances.map((u) => [u.index, u.text]));
      const speakers = speakerPseudonyms(conversation);
      const result: AnonymizedConversation = {
        conversation: {
          ...conversation,
          utterances: conversation.utterances.map((u) => ({ ...u, speaker: speakers.get(u.speaker) ?? u.speaker, text: masked.get(u.index) ?? "" })),
        },
        utterances,
        counts,
        quasiIdentifiers,
      };
      fieldContexts.set(result, { conversationId: conversation.conversationId, scope, speakers, known: participantNames(conversation) });
      return result;
    },

    /**
     * Masks a string that is not an utterance (a header, a profile field, a ticket's metadata) like the
     * utterances of `result`, which this engine returned: a participant's name becomes their speaker_N,
     * detected PII the placeholder the conversation already uses for it (or the next number).
     * Throws DetectionError (fail closed) if anything goes wrong.
     *
     * @example
     * const result = engine.anonymizeConversation(conversation); // a speaker 山本 花子 → speaker_1
     * engine.maskField(result, "山本 花子"); // "speaker_1"
     * engine.maskField(result, "連絡先 090-1234-5678"); // "連絡先 <PHONE_1>"
     */
    maskField(result: AnonymizedConversation, value: string): string {
      const context = contextOf(fieldContexts, result);
      const name = value.trim();
      if (name === "") return value;
      const pseudonym = context.known.some((k) => k.surface === name) ? context.speakers.get(name) : undefined;
      if (pseudonym !== undefined) return value.replace(name, pseudonym);
      return guard(context.conversationId, () => {
        const [findings = []] = analyzeConversation(analyzer, [value], undefined, context.known);
        return anonymizer.anonymize(value, findings, context.scope).text;
      });
    },

    /**
     * Masks a value that is a person's name by where it stands (a LINE header, a user profile's real name),
     * whatever the detector would say: a participant's name becomes their speaker_N, any other name the
     * PERSON operator's output in the conversation's scope (`<PERSON_2>` by default).
     *
     * @example
     * engine.maskName(result, "佐藤商事 鈴木"); // "<PERSON_1>"
     */
    maskName(result: AnonymizedConversation, value: string): string {
      const context = contextOf(fieldContexts, result);
      const name = value.trim();
      if (name === "") return value;
      const pseudonym = context.speakers.get(name);
      if (pseudonym !== undefined) return value.replace(name, pseudonym);
      return guard(context.conversationId, () => {
        const start = value.indexOf(name);
        const finding: Finding = {
          entity: "PERSON",
          start,
          end: start + name.length,
          score: 1,
          recognizerId: "name-field",
          patternName: "name-field",
          validated: false,
          canonical: name.normalize("NFKC").replace(/\s/g, ""),
        };
        return anonymizer.anonymize(value, [finding], context.scope).text;
      });
    },
  };
}

interface FieldContext {
  readonly conversationId: string;
  readonly scope: ConversationScope;
  /** Source speaker → speaker_N. */
  readonly speakers: ReadonlyMap<string, string>;
  readonly known: readonly KnownValue[];
}

function contextOf(contexts: WeakMap<AnonymizedConversation, FieldContext>, result: AnonymizedConversation): FieldContext {
  const context = contexts.get(result);
  // Only this engine's own results carry the scope their placeholders were numbered in.
  if (context === undefined) throw new DetectionError("fields can only be masked with a conversation this engine anonymized");
  return context;
}

export type Engine = ReturnType<typeof createEngine>;

function externalFinding(e: ExternalEntity, text: string, source: string): Finding {
  if (e.start < 0 || e.end > text.length || e.end <= e.start) throw new DetectionError(`${source} returned an entity outside its text`);
  return {
    entity: e.entity,
    start: e.start,
    end: e.end,
    score: e.score,
    recognizerId: source,
    patternName: e.entity.toLowerCase(),
    validated: false,
    canonical: text.slice(e.start, e.end).normalize("NFKC"),
  };
}

/** Speaker labels Transcribe assigns (spk_0, ch_1) say nothing about who spoke. */
const MACHINE_SPEAKER = /^(?:spk|ch)_\d+$/;
/** Sender values that name a role, not a person. */
const ROLE_SENDERS = /^(?:bot|agent|operator|user|customer|assistant|system|teacher|student|unknown|admin|support|オペレーター|お客様|ユーザー|ボット|講師|先生|生徒|担当|担当者|サポート|応答メッセージ|自動応答|システム)$/i;

/**
 * Chat exports name their participants (sender columns, LINE headers): those names are PII in the speaker
 * field and wherever they recur in the text, so the rows get speaker_1, speaker_2 … per conversation.
 */
function speakerPseudonyms(conversation: Conversation): Map<string, string> {
  const map = new Map<string, string>();
  for (const { speaker } of conversation.utterances) {
    if (map.has(speaker) || MACHINE_SPEAKER.test(speaker)) continue;
    map.set(speaker, `speaker_${map.size + 1}`);
  }
  return map;
}

/** Participants' names and their space-separated parts (山本 花子 → 山本, 花子), as known PERSON values. */
function participantNames(conversation: Conversation): KnownValue[] {
  const names = new Set<string>();
  for (const { speaker } of conversation.utterances) {
    const name = speaker.trim();
    if (MACHINE_SPEAKER.test(name) || ROLE_SENDERS.test(name) || /^[\dA-Za-z_\-]*\d[\dA-Za-z_\-]*$/.test(name)) continue;
    for (const part of [name, ...name.split(/[\s\u3000・]+/)]) {
      if ([...part].length >= 2 && !ROLE_SENDERS.test(part)) names.add(part);
    }
  }
  return [...names].map((surface) => ({ surface, entity: "PERSON" as const, canonical: surface, source: "participant-name" }));
}
