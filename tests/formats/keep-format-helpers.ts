import { readFileSync } from "node:fs";
import { createEngine, type AnonymizedConversation, type Engine } from "../../shared/engine.js";
import type { FormatModule, KeepFormatBytesInput, KeepFormatInput } from "../../shared/formats/format-module.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { eventPath } from "../helpers/fixtures.js";

/**
 * Builds what `--keep-format` hands a renderer, for tests of one format module: the module parses, the
 * engine anonymizes, and `maskField` is a stand-in for the pipeline's (participant names → their speaker_N,
 * then the engine on the value as a one-line conversation).
 */

let sharedEngine: Engine | undefined;

/** One engine for a test file: building the analyzer (and kuromoji) once keeps the suite fast. */
export function testEngine(): Engine {
  sharedEngine ??= createEngine();
  return sharedEngine;
}

/**
 * A stand-in for the pipeline's maskField: names of conversation `index`'s speakers become their pseudonym
 * (as `<SPEAKER_N>`), then the value is anonymized on its own.
 */
export function maskFieldStandIn(
  engine: Engine,
  conversations: readonly Conversation[],
  anonymized: readonly AnonymizedConversation[],
): (value: string, index: number) => string {
  return (value, index) => {
    const pseudonyms = new Map<string, string>();
    const original = conversations[index]?.utterances ?? [];
    anonymized[index]?.conversation.utterances.forEach((utterance, position) => {
      const speaker = original[position]?.speaker;
      // As the engine: names of two or more characters that are not ids.
      if (speaker !== undefined && [...speaker].length >= 2 && !/^[\dA-Za-z_-]*\d[\dA-Za-z_-]*$/.test(speaker)) {
        pseudonyms.set(speaker, utterance.speaker);
      }
    });
    let text = value;
    // In the placeholder shape (<SPEAKER_2>), so that detection does not read "speaker_2" as a name.
    for (const [name, pseudonym] of [...pseudonyms].sort((a, b) => b[0].length - a[0].length)) {
      text = text.split(name).join(`<${pseudonym.toUpperCase()}>`);
    }
    const result = engine.anonymizeConversation({
      conversationId: "field",
      source: "chat",
      metadata: {},
      utterances: [{ index: 0, speaker: "field", text }],
    });
    return result.utterances[0]?.text ?? "";
  };
}

/** The engine's own maskField and maskName, as the pipeline's keep-format output uses them. */
function maskers(engine: Engine, anonymized: readonly AnonymizedConversation[]) {
  const at = (index: number) => {
    const result = anonymized[index];
    if (!result) throw new Error(`no conversation ${index}`);
    return result;
  };
  return {
    maskField: (value: string, index: number) => engine.maskField(at(index), value),
    maskName: (value: string, index: number) => engine.maskName(at(index), value),
  };
}

/** Parses text with a module, anonymizes every conversation and returns the renderer's input. */
export function keepFormatInput(module: FormatModule, file: string, text: string, engine = testEngine()) {
  const conversations = module.parse(text, { file });
  const anonymized = conversations.map((conversation) => engine.anonymizeConversation(conversation));
  const input: KeepFormatInput = { file, text, anonymized, ...maskers(engine, anonymized) };
  return { conversations, anonymized, input };
}

/** As keepFormatInput, for a binary unit (a Slack export .zip). */
export function keepFormatBytesInput(module: FormatModule, file: string, bytes: Uint8Array, engine = testEngine()) {
  if (!module.parseBytes) throw new Error(`${module.format} reads no bytes`);
  const conversations = module.parseBytes(bytes, { file });
  const anonymized = conversations.map((conversation) => engine.anonymizeConversation(conversation));
  const input: KeepFormatBytesInput = { file, bytes, anonymized, ...maskers(engine, anonymized) };
  return { conversations, anonymized, input };
}

/** Bytes of a fixture under events/. */
export function readEventBytes(relPath: string): Uint8Array {
  return new Uint8Array(readFileSync(eventPath(relPath)));
}

/**
 * The structure a round trip must keep: per conversation its id and per utterance the role, timestamp and
 * the speaker's pseudonym (the original after anonymization, the rendered file's own after parsing it again).
 */
export function structureOf(conversations: readonly Conversation[], pseudonymous: readonly AnonymizedConversation[] | undefined) {
  return conversations.map((conversation, index) => ({
    conversationId: conversation.conversationId,
    utterances: conversation.utterances.map((utterance, position) => ({
      role: utterance.role,
      timestamp: utterance.timestamp,
      speaker: pseudonymous ? pseudonymous[index]?.conversation.utterances[position]?.speaker : utterance.speaker,
    })),
  }));
}
