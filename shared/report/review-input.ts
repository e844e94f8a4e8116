import type { ExternalEntitySource } from "../detect/external-source.js";
import type { AnonymizedConversation, Engine } from "../engine.js";
import { TokumeiError } from "../errors.js";
import { detectFormat, type InputFormat, parseConversations, type ParseOptions } from "../formats/index.js";
import type { Conversation } from "../schema/conversation.js";
import { decodeInput } from "../text/decode.js";

/** A conversation as the input holds it, next to what the engine made of it. */
export interface ReviewedConversation {
  readonly original: Conversation;
  readonly anonymized: AnonymizedConversation;
}

/**
 * One input of a review report: its conversations, or why it could not be read. The reason comes from
 * tokumei's own errors (file, line, field), never from the input's content.
 */
export type ReviewedInput =
  | {
      readonly status: "reviewed";
      readonly inputKey: string;
      readonly format: InputFormat;
      readonly conversations: readonly ReviewedConversation[];
    }
  | { readonly status: "failed"; readonly inputKey: string; readonly errorType: string; readonly reason: string };

export interface ReviewOptions {
  readonly parse?: ParseOptions;
  /** The extra entity signal the pipeline uses (Amazon Comprehend), so the report shows what the pipeline masks. */
  readonly externalSource?: ExternalEntitySource;
}

/**
 * Runs one input through the same steps as the pipeline (decode → detect the format → parse → detect and
 * anonymize each conversation) but keeps the original conversations beside the results, for a reviewer.
 * Nothing is written. A failure becomes a `failed` entry with a safe reason, like a quarantine record.
 *
 * @example
 * const reviewed = await reviewInput("chat/log.jsonl", bytes, createEngine());
 * if (reviewed.status === "reviewed") reviewed.conversations[0]?.anonymized.counts; // { PHONE: 1 }
 */
export async function reviewInput(inputKey: string, bytes: Uint8Array, engine: Engine, options: ReviewOptions = {}): Promise<ReviewedInput> {
  try {
    const text = decodeInput(bytes, inputKey).text;
    const format = options.parse?.format ?? detectFormat(inputKey, text);
    const conversations: ReviewedConversation[] = [];
    for (const original of parseConversations(inputKey, text, options.parse ?? {})) {
      const external = options.externalSource ? await options.externalSource.detect(original.utterances.map((u) => u.text)) : [];
      conversations.push({ original, anonymized: engine.anonymizeConversation(original, external, options.externalSource?.id) });
    }
    return { status: "reviewed", inputKey, format, conversations };
  } catch (error) {
    return {
      status: "failed",
      inputKey,
      errorType: error instanceof TokumeiError ? error.name : "InternalError",
      // Only our own errors have messages known to be free of input text.
      reason: error instanceof TokumeiError ? error.message : "unexpected failure while processing the input",
    };
  }
}
