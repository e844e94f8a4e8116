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
import { baseName, ownValue } from "./chat.js";

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

  const utterances = turns
    .filter((turn) => turn.text !== "")
    .map((turn, index): Utterance => {
      const utterance: Utterance = { index, speaker: turn.speaker, text: turn.text };
      const role = ownValue(options.roleMap, turn.speaker);
      if (role !== undefined) utterance.role = role;
      if (turn.startMs !== undefined) utterance.startMs = turn.startMs;
      if (turn.endMs !== undefined) utterance.endMs = turn.endMs;
      return utterance;
    });

  const metadata: Conversation["metadata"] = { format: "transcribe", file, jobName: output.jobName, segmentation };
  if (results.language_code !== undefined) metadata["languageCode"] = results.language_code;
  return {
    conversationId: options.conversationId ?? (output.jobName || baseName(file) || "call"),
    source: "call",
    utterances,
    metadata,
  };
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
  startMs?: number;
  endMs?: number;
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
  const byId = new Map<number, TranscribeItem>();
  items.forEach((item, position) => byId.set(item.id ?? position, item));
  return segments.map((segment, segmentPosition) => {
    const segmentItems = segment.items.map((id) => {
      const item = byId.get(id);
      if (item === undefined) {
        throw new InputFormatError(
          `results.audio_segments[${segmentPosition}] refers to item id ${id}, which results.items lacks`,
          { file },
        );
      }
      return item;
    });
    const first = segmentItems[0];
    const speaker =
      segment.speaker_label ?? segment.channel_label ?? first?.speaker_label ?? first?.channel_label ?? "unknown";
    return {
      speaker,
      text: segmentItems.map(contentOf).join(""),
      startMs: secondsToMs(segment.start_time),
      endMs: secondsToMs(segment.end_time),
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

  return segments.map((segment, segmentPosition) => {
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
    for (const position of positions) {
      const item = items[position];
      if (item !== undefined) text += contentOf(item);
      // Punctuation has no times: it belongs to the word before it.
      for (let next = position + 1; items[next]?.type === "punctuation"; next++) {
        const punctuation = items[next];
        if (punctuation !== undefined) text += contentOf(punctuation);
      }
    }
    return {
      speaker: segment.speaker_label,
      text,
      startMs: secondsToMs(segment.start_time),
      endMs: secondsToMs(segment.end_time),
    };
  });
}

interface Token {
  channel: string;
  text: string;
  startMs: number;
  endMs: number;
}

function fromChannels(channels: readonly { channel_label: string; items: TranscribeItem[] }[], file: string): Turn[] {
  const tokens: Token[] = [];
  channels.forEach((channel, channelPosition) => {
    let pendingPunctuation = "";
    let last: Token | undefined;
    channel.items.forEach((item, itemPosition) => {
      if (item.type === "punctuation") {
        if (last) last.text += contentOf(item);
        else pendingPunctuation += contentOf(item);
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
      last = { channel: channel.channel_label, text: pendingPunctuation + contentOf(item), startMs, endMs };
      pendingPunctuation = "";
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
      current = { speaker: token.channel, text: token.text, startMs: token.startMs, endMs: token.endMs };
      turns.push(current);
    } else {
      current.text += token.text;
      current.endMs = Math.max(current.endMs, token.endMs);
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
  const turn: Turn = { speaker: first?.speaker_label ?? first?.channel_label ?? "unknown", text };
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
