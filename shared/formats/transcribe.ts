import type { z } from "zod";
import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import {
  type TranscribeAudioSegment,
  type TranscribeItem,
  type TranscribeOutput,
  TranscribeOutputSchema,
  type TranscribeSpeakerSegment,
} from "../schema/transcribe.js";
import { baseName, ownValue, parseJsonText } from "./chat.js";
import type { FormatModule, KeepFormatInput } from "./format-module.js";
import { isJsonObject, writeJsonLike } from "./json-layout.js";
import { findRanges, maskedPieces, rangesOf } from "./masked-text.js";

/**
 * Amazon Transcribe batch output → the conversation model (source "call").
 * See reference/input-formats.md section 1. No AWS SDK: the input is the output file's parsed JSON.
 */

/** A pause longer than this (ms) on one channel starts a new utterance in channel-identification output. */
export const CHANNEL_PAUSE_SPLIT_MS = 1500;

/** Which part of the output the utterances were built from (kept in the conversation metadata). */
export type TranscribeSegmentation = "audio_segments" | "speaker_labels" | "channel_labels" | "transcript";

/** Options of {@link parseTranscribe}. */
export interface TranscribeParseOptions {
  /** File name, for error messages and metadata. */
  file: string;
  /** Conversation id (default: the job name, else the file name without extension). */
  conversationId?: string;
  /** Speaker label → role, e.g. `{ ch_0: "agent", ch_1: "customer" }`. */
  roleMap?: Readonly<Record<string, Role>>;
}

/**
 * Builds a Conversation from a parsed Transcribe batch output document.
 *
 * Utterances come from `audio_segments` when present, else from `speaker_labels` segments (joined to
 * `results.items` by start/end time, with the punctuation that follows), else from `channel_labels` (both
 * channels merged by start time, split when the channel changes or after a pause over 1.5 s), else the single
 * transcript. Item contents are joined without spaces (Japanese has none). Silence (`items: []`) gives no
 * utterances. A status other than COMPLETED, or a document that is not Transcribe output, throws
 * InputFormatError.
 *
 * @example
 * const conversation = parseTranscribe(JSON.parse(text), {
 *   file: "call-0001.json",
 *   roleMap: { spk_0: "agent", spk_1: "customer" },
 * });
 * conversation.utterances[0];
 * // { index: 0, speaker: "spk_0", role: "agent", startMs: 520, endMs: 5830, text: "お電話ありがとうございます。…" }
 */
export function parseTranscribe(json: unknown, options: TranscribeParseOptions): Conversation {
  return readTranscribe(json, options).conversation;
}

/** Where an item sits in the output: `results.items[position]` or `results.channel_labels.channels[channel].items[position]`. */
export type TranscribeItemRef =
  | { readonly list: "items"; readonly position: number }
  | { readonly list: "channel"; readonly channel: number; readonly position: number };

/** What one turn of the output became, and which items and audio segment it was built from. */
export interface TranscribeTurnLayout {
  /** The utterance it became; undefined for a turn with no text. */
  readonly utterance: number | undefined;
  /** Items in text order; their contents joined are the turn's text (except in "transcript" segmentation). */
  readonly items: readonly TranscribeItemRef[];
  /** Position in `results.audio_segments`, when the turn is one. */
  readonly audioSegment: number | undefined;
}

export interface TranscribeReading {
  readonly conversation: Conversation;
  readonly segmentation: TranscribeSegmentation;
  readonly turns: readonly TranscribeTurnLayout[];
}

/**
 * {@link parseTranscribe} with, per turn, the items it was built from (for writing the output again with the
 * masked text carried into the items).
 *
 * @example
 * const { conversation, turns } = readTranscribe(JSON.parse(text), { file: "call.json" });
 */
export function readTranscribe(json: unknown, options: TranscribeParseOptions): TranscribeReading {
  const { file } = options;
  checkStatus(json, file);
  const parsed = TranscribeOutputSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputFormatError(`not a Transcribe batch output: ${describeIssues(parsed.error)}`, { file });
  }
  const output = parsed.data;
  const { results } = output;

  let segmentation: TranscribeSegmentation;
  let turns: Turn[];
  if (results.audio_segments !== undefined && results.audio_segments.length > 0) {
    segmentation = "audio_segments";
    turns = fromAudioSegments(results.audio_segments, results.items, file);
  } else if (results.speaker_labels !== undefined && results.speaker_labels.segments.length > 0) {
    segmentation = "speaker_labels";
    turns = fromSpeakerSegments(results.speaker_labels.segments, results.items, file);
  } else if (results.channel_labels !== undefined && results.channel_labels.channels.length > 0) {
    segmentation = "channel_labels";
    turns = fromChannels(results.channel_labels.channels, file);
  } else {
    segmentation = "transcript";
    turns = fromTranscript(output);
  }
  // Silence: Transcribe writes `items: []`; whatever else the file holds, there is nothing said.
  if (results.items.length === 0) turns = [];

  const utterances: Utterance[] = [];
  const layouts = turns.map((turn): TranscribeTurnLayout => {
    if (turn.text === "") return { utterance: undefined, items: turn.items, audioSegment: turn.audioSegment };
    const utterance: Utterance = { index: utterances.length, speaker: turn.speaker, text: turn.text };
    const role = ownValue(options.roleMap, turn.speaker);
    if (role !== undefined) utterance.role = role;
    if (turn.startMs !== undefined) utterance.startMs = turn.startMs;
    if (turn.endMs !== undefined) utterance.endMs = turn.endMs;
    utterances.push(utterance);
    return { utterance: utterance.index, items: turn.items, audioSegment: turn.audioSegment };
  });

  const metadata: Conversation["metadata"] = { format: "transcribe", file, jobName: output.jobName, segmentation };
  if (results.language_code !== undefined) metadata["languageCode"] = results.language_code;
  const conversation: Conversation = {
    conversationId: options.conversationId ?? (output.jobName || baseName(file) || "call"),
    source: "call",
    utterances,
    metadata,
  };
  return { conversation, segmentation, turns: layouts };
}

/**
 * Seconds as Transcribe writes them ("4.87") → integer milliseconds.
 *
 * @example
 * secondsToMs("4.87"); // 4870
 * secondsToMs(undefined); // undefined
 */
export function secondsToMs(seconds: string | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);
}

// ---------------------------------------------------------------------------------------------------------

interface Turn {
  speaker: string;
  text: string;
  startMs?: number | undefined;
  endMs?: number | undefined;
  items: TranscribeItemRef[];
  audioSegment?: number;
}

function checkStatus(json: unknown, file: string): void {
  if (typeof json !== "object" || json === null || !("status" in json)) return;
  const { status } = json;
  if (status === "COMPLETED" || typeof status !== "string") return;
  // The status is an enum value; anything else is not echoed.
  const shown = /^[A-Z_]{1,32}$/.test(status) ? status : "not COMPLETED";
  throw new InputFormatError(`Transcribe job status is ${shown}, expected COMPLETED`, { file });
}

function contentOf(item: TranscribeItem): string {
  return item.alternatives[0]?.content ?? "";
}

function fromAudioSegments(
  segments: readonly TranscribeAudioSegment[],
  items: readonly TranscribeItem[],
  file: string,
): Turn[] {
  const byId = new Map<number, number>();
  items.forEach((item, position) => byId.set(item.id ?? position, position));
  return segments.map((segment, segmentPosition): Turn => {
    const positions = segment.items.map((id) => {
      const position = byId.get(id);
      if (position === undefined) {
        throw new InputFormatError(
          `results.audio_segments[${segmentPosition}] refers to item id ${id}, which results.items lacks`,
          { file },
        );
      }
      return position;
    });
    const segmentItems = positions.map((position) => items[position]!);
    const first = segmentItems[0];
    const speaker =
      segment.speaker_label ?? segment.channel_label ?? first?.speaker_label ?? first?.channel_label ?? "unknown";
    return {
      speaker,
      text: segmentItems.map(contentOf).join(""),
      startMs: secondsToMs(segment.start_time),
      endMs: secondsToMs(segment.end_time),
      items: positions.map((position) => ({ list: "items", position })),
      audioSegment: segmentPosition,
    };
  });
}

function timeKey(start: string | undefined, end: string | undefined): string | undefined {
  return start === undefined || end === undefined ? undefined : `${secondsToMs(start)}-${secondsToMs(end)}`;
}

function fromSpeakerSegments(
  segments: readonly TranscribeSpeakerSegment[],
  items: readonly TranscribeItem[],
  file: string,
): Turn[] {
  // Pronunciation items by start/end time; equal times are taken in order.
  const positionsByTime = new Map<string, number[]>();
  items.forEach((item, position) => {
    const key = item.type === "pronunciation" ? timeKey(item.start_time, item.end_time) : undefined;
    if (key === undefined) return;
    const positions = positionsByTime.get(key);
    if (positions) positions.push(position);
    else positionsByTime.set(key, [position]);
  });

  return segments.map((segment, segmentPosition): Turn => {
    const positions = segment.items.map((reference, referencePosition) => {
      const position = positionsByTime.get(timeKey(reference.start_time, reference.end_time) ?? "")?.shift();
      if (position === undefined) {
        throw new InputFormatError(
          `speaker_labels.segments[${segmentPosition}].items[${referencePosition}] ` +
            "matches no item in results.items by time",
          { file },
        );
      }
      return position;
    });
    positions.sort((a, b) => a - b);
    let text = "";
    const refs: TranscribeItemRef[] = [];
    for (const position of positions) {
      const item = items[position];
      if (item !== undefined) {
        text += contentOf(item);
        refs.push({ list: "items", position });
      }
      // Punctuation has no times: it belongs to the word before it.
      for (let next = position + 1; items[next]?.type === "punctuation"; next++) {
        const punctuation = items[next];
        if (punctuation !== undefined) {
          text += contentOf(punctuation);
          refs.push({ list: "items", position: next });
        }
      }
    }
    return {
      speaker: segment.speaker_label,
      text,
      startMs: secondsToMs(segment.start_time),
      endMs: secondsToMs(segment.end_time),
      items: refs,
    };
  });
}

interface Token {
  channel: string;
  text: string;
  startMs: number;
  endMs: number;
  items: TranscribeItemRef[];
}

function fromChannels(channels: readonly { channel_label: string; items: TranscribeItem[] }[], file: string): Turn[] {
  const tokens: Token[] = [];
  channels.forEach((channel, channelPosition) => {
    let pendingPunctuation = "";
    let pendingItems: TranscribeItemRef[] = [];
    let last: Token | undefined;
    channel.items.forEach((item, itemPosition) => {
      const ref: TranscribeItemRef = { list: "channel", channel: channelPosition, position: itemPosition };
      if (item.type === "punctuation") {
        if (last) {
          last.text += contentOf(item);
          last.items.push(ref);
        } else {
          pendingPunctuation += contentOf(item);
          pendingItems.push(ref);
        }
        return;
      }
      const startMs = secondsToMs(item.start_time);
      const endMs = secondsToMs(item.end_time);
      if (startMs === undefined || endMs === undefined) {
        throw new InputFormatError(
          `channel_labels.channels[${channelPosition}].items[${itemPosition}] has no start_time/end_time`,
          { file },
        );
      }
      last = {
        channel: channel.channel_label,
        text: pendingPunctuation + contentOf(item),
        startMs,
        endMs,
        items: [...pendingItems, ref],
      };
      pendingPunctuation = "";
      pendingItems = [];
      tokens.push(last);
    });
  });
  // Array.prototype.sort is stable: equal start times keep channel order.
  tokens.sort((a, b) => a.startMs - b.startMs);

  const turns: Turn[] = [];
  let current: (Turn & { startMs: number; endMs: number }) | undefined;
  for (const token of tokens) {
    if (
      current === undefined ||
      current.speaker !== token.channel ||
      token.startMs - current.endMs > CHANNEL_PAUSE_SPLIT_MS
    ) {
      current = { speaker: token.channel, text: token.text, startMs: token.startMs, endMs: token.endMs, items: [...token.items] };
      turns.push(current);
    } else {
      current.text += token.text;
      current.endMs = Math.max(current.endMs, token.endMs);
      current.items.push(...token.items);
    }
  }
  return turns;
}

function fromTranscript(output: TranscribeOutput): Turn[] {
  const { results } = output;
  const text = results.transcripts.map((transcript) => transcript.transcript).join("");
  if (text.trim() === "") return [];
  const timed = results.items.filter((item) => item.start_time !== undefined && item.end_time !== undefined);
  const first = results.items[0];
  const turn: Turn = {
    speaker: first?.speaker_label ?? first?.channel_label ?? "unknown",
    text,
    items: results.items.map((_item, position) => ({ list: "items", position })),
  };
  const startMs = secondsToMs(timed[0]?.start_time);
  const endMs = secondsToMs(timed.at(-1)?.end_time);
  if (startMs !== undefined) turn.startMs = startMs;
  if (endMs !== undefined) turn.endMs = endMs;
  return [turn];
}

/** Paths and zod's messages (which name expected types, not input values); at most three issues. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
    return `${path.replace(/^\./, "") || "(root)"}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "";
  return shown.join("; ") + more;
}

// ---------------------------------------------------------------------------------------------------------
// Writing the output again (--keep-format)

/**
 * The Amazon Transcribe batch output format: a JSON object with `results.items` (or a job's `jobName` and
 * `status`). Written back with each utterance's masked text carried into the items it was joined from (a
 * placeholder goes to the item where its value starts, the other items of the value become empty), into
 * the audio segments' and the whole transcript, and into both item lists of channel identification.
 * Alternative hypotheses (`results.segments`, `alternatives[1…]`) are removed: nothing masks them.
 *
 * @example
 * transcribeModule.sniff("call.json", '{"jobName":"j","status":"COMPLETED","results":{"items":[]}}'); // true
 */
export const transcribeModule: FormatModule = {
  format: "transcribe",
  sniff(_file, content) {
    // A cheap look before parsing: most inputs are not Transcribe JSON.
    if (!content.includes('"results"') && !content.includes('"jobName"')) return false;
    const value = tryParseJson(content);
    if (!isJsonObject(value)) return false;
    const results = value["results"];
    if (isJsonObject(results) && Array.isArray(results["items"])) return true;
    return typeof value["jobName"] === "string" && typeof value["status"] === "string";
  },
  parse(text, options) {
    return [parseTranscribe(parseJsonText(text, options.file), options)];
  },
  render(input: KeepFormatInput) {
    const { file } = input;
    const raw = parseJsonText(input.text, file);
    const reading = readTranscribe(raw, input.options ?? { file });
    const result = input.anonymized[0];
    if (result === undefined) throw new InputFormatError("nothing anonymized to write", { file });
    const root = raw as Record<string, unknown>;
    const results = root["results"] as Record<string, unknown>;
    const topItems = results["items"] as RawItem[];
    const channels = (isJsonObject(results["channel_labels"]) ? (results["channel_labels"]["channels"] as RawChannel[]) : []) ?? [];
    const itemAt = (ref: TranscribeItemRef): RawItem =>
      ref.list === "items" ? topItems[ref.position]! : channels[ref.channel]!.items[ref.position]!;
    const maskedUtterances = new Map(result.utterances.map((u) => [u.index, u]));

    const masked = new Map<RawItem, string>();
    for (const turn of reading.turns) {
      const items = turn.items.map(itemAt);
      if (turn.utterance === undefined) {
        // A turn without text: its items and segment hold nothing to mask (empty contents).
        for (const item of items) masked.set(item, rawContent(item));
        if (turn.audioSegment !== undefined) {
          const segments = results["audio_segments"] as Record<string, unknown>[];
          segments[turn.audioSegment]!["transcript"] = items.map(rawContent).join("");
        }
        continue;
      }
      const original = reading.conversation.utterances[turn.utterance]!;
      const anonymized = maskedUtterances.get(turn.utterance);
      if (anonymized === undefined) throw new InputFormatError("an utterance has no anonymized counterpart", { file });
      const contents = items.map(rawContent);
      const ranges = reading.segmentation === "transcript" ? findRanges(original.text, contents) : rangesOf(contents);
      if (ranges === undefined) throw new InputFormatError("results.items do not follow the transcript; cannot mask them", { file });
      const pieces = maskedPieces(original.text, anonymized.text, anonymized.entities, ranges);
      items.forEach((item, k) => masked.set(item, pieces[k] ?? ""));
      if (turn.audioSegment !== undefined) {
        const segments = results["audio_segments"] as Record<string, unknown>[];
        segments[turn.audioSegment]!["transcript"] = anonymized.text;
      }
    }

    // Channel identification lists every item twice: carry the masking to the list the turns did not use.
    if (channels.length > 0) {
      const primary: Array<{ items: RawItem[]; label: (item: RawItem) => string | undefined }> =
        reading.segmentation === "channel_labels"
          ? channels.map((channel) => ({ items: channel.items, label: () => channel.channel_label }))
          : [{ items: topItems, label: (item) => (typeof item["channel_label"] === "string" ? item["channel_label"] : undefined) }];
      const secondary =
        reading.segmentation === "channel_labels"
          ? [{ items: topItems, label: (item: RawItem) => (typeof item["channel_label"] === "string" ? item["channel_label"] : undefined), where: "results.items" }]
          : channels.map((channel, c) => ({ items: channel.items, label: () => channel.channel_label, where: `results.channel_labels.channels[${c}].items` }));
      const queues = new Map<string, RawItem[]>();
      for (const list of primary) {
        for (const item of list.items) {
          const label = list.label(item) ?? "";
          const queue = queues.get(label) ?? [];
          queue.push(item);
          queues.set(label, queue);
        }
      }
      for (const list of secondary) {
        list.items.forEach((item, position) => {
          const queue = queues.get(list.label(item) ?? "") ?? [];
          const at = queue.findIndex((candidate) => rawContent(candidate) === rawContent(item) && candidate["type"] === item["type"]);
          const twin = at < 0 ? undefined : queue.splice(0, at + 1)[at];
          const value = twin === undefined ? undefined : masked.get(twin);
          if (value === undefined) {
            throw new InputFormatError(`${list.where}[${position}] matches no item of the other list; cannot mask it`, { file });
          }
          masked.set(item, value);
        });
      }
    }

    // Every item must have been masked (punctuation holds nothing personal).
    const check = (items: RawItem[], where: string): void =>
      items.forEach((item, position) => {
        if (!masked.has(item) && item["type"] !== "punctuation" && rawContent(item) !== "") {
          throw new InputFormatError(`${where}[${position}] belongs to no utterance; cannot mask it`, { file });
        }
      });
    check(topItems, "results.items");
    channels.forEach((channel, c) => check(channel.items, `results.channel_labels.channels[${c}].items`));
    for (const [item, content] of masked) {
      const alternatives = item["alternatives"] as Record<string, unknown>[];
      item["alternatives"] = [{ ...alternatives[0], content }];
    }
    results["transcripts"] = [
      { ...((results["transcripts"] as Record<string, unknown>[])[0] ?? {}), transcript: result.utterances.map((u) => u.text).join("") },
    ];
    delete results["segments"];
    return writeJsonLike(input.text, root);
  },
};

type RawItem = Record<string, unknown>;
interface RawChannel {
  channel_label: string;
  items: RawItem[];
}

function rawContent(item: RawItem): string {
  const alternatives = item["alternatives"];
  const first = Array.isArray(alternatives) ? (alternatives[0] as unknown) : undefined;
  return isJsonObject(first) && typeof first["content"] === "string" ? first["content"] : "";
}

function tryParseJson(content: string): unknown {
  try {
    return JSON.parse(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
  } catch {
    return undefined;
  }
}
