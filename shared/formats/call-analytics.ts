import type { z } from "zod";
import { InputFormatError } from "../errors.js";
import {
  type CallAnalyticsOutput,
  CallAnalyticsOutputSchema,
  DETECTED_SPAN_KINDS,
} from "../schema/call-analytics.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { baseName, ownValue, parseJsonText } from "./chat.js";
import type { FormatModule, FormatParseOptions, KeepFormatInput } from "./format-module.js";
import { isJsonObject, writeJsonLike } from "./json-layout.js";
import { findRanges, maskedOffset, maskedPieces } from "./masked-text.js";

/**
 * Amazon Transcribe Call Analytics (post-call) output → one call conversation; and back, masked, in the same
 * JSON. See reference/input-formats.md section 2. One utterance per `Transcript[]` turn: speaker is the
 * ParticipantRole (AGENT → agent, CUSTOMER → customer unless a roleMap says otherwise), times are
 * Begin/EndOffsetMillis.
 *
 * Detected issues, outcomes and action items point into a turn's Content with CharacterOffsets. When the
 * file is written again their offsets are recomputed through the masking (an offset inside a masked value
 * moves to the edge of its placeholder, so a span keeps covering what became of its text).
 */

export const CALL_ANALYTICS_FORMAT = "transcribe-call-analytics";

const DEFAULT_ROLES: Readonly<Record<string, Role>> = { AGENT: "agent", CUSTOMER: "customer" };

export interface CallAnalyticsReading {
  readonly conversation: Conversation;
  /** Per turn of `Transcript`, the utterance it became (undefined for an empty turn). */
  readonly utteranceOf: readonly (number | undefined)[];
}

/**
 * Reads Call Analytics output. Throws InputFormatError naming the file (and JSON path) when the job did not
 * complete, the document is Amazon Connect Contact Lens output, a field has the wrong type, or a detected
 * span's CharacterOffsets fall outside its turn's Content.
 *
 * @example
 * const { conversation } = readCallAnalytics(JSON.parse(text), { file: "ca.json" });
 * conversation.utterances[0]; // { index: 0, speaker: "AGENT", role: "agent", startMs: 120, endMs: 3400, text: "…" }
 */
export function readCallAnalytics(json: unknown, options: FormatParseOptions): CallAnalyticsReading {
  const { file } = options;
  if (isJsonObject(json)) {
    const status = json["JobStatus"];
    if (typeof status === "string" && status !== "COMPLETED") {
      const shown = /^[A-Z_]{1,32}$/.test(status) ? status : "not COMPLETED";
      throw new InputFormatError(`Call Analytics job status is ${shown}, expected COMPLETED`, { file });
    }
    const first = Array.isArray(json["Transcript"]) ? (json["Transcript"][0] as unknown) : undefined;
    if (isJsonObject(first) && "ParticipantId" in first && !("ParticipantRole" in first)) {
      throw new InputFormatError("this is Amazon Connect Contact Lens output (ParticipantId), not Transcribe Call Analytics", { file });
    }
  }
  const parsed = CallAnalyticsOutputSchema.safeParse(json);
  if (!parsed.success) throw new InputFormatError(`not Call Analytics output: ${describeIssues(parsed.error)}`, { file });
  const output: CallAnalyticsOutput = parsed.data;

  const utterances: Utterance[] = [];
  const counts = { issues: 0, outcomes: 0, actionItems: 0 };
  const utteranceOf = output.Transcript.map((turn, position) => {
    for (const kind of DETECTED_SPAN_KINDS) {
      (turn[kind] ?? []).forEach((span, k) => {
        const { Begin, End } = span.CharacterOffsets;
        if (Begin > End || End > turn.Content.length) {
          throw new InputFormatError(`Transcript[${position}].${kind}[${k}].CharacterOffsets fall outside its Content`, { file });
        }
      });
    }
    counts.issues += turn.IssuesDetected?.length ?? 0;
    counts.outcomes += turn.OutcomesDetected?.length ?? 0;
    counts.actionItems += turn.ActionItemsDetected?.length ?? 0;
    if (turn.Content.trim() === "") return undefined;
    const speaker = turn.ParticipantRole;
    const utterance: Utterance = {
      index: utterances.length,
      speaker,
      startMs: turn.BeginOffsetMillis,
      endMs: turn.EndOffsetMillis,
      text: turn.Content,
    };
    const role = ownValue(options.roleMap, speaker) ?? ownValue(DEFAULT_ROLES, speaker);
    if (role !== undefined) utterance.role = role;
    utterances.push(utterance);
    return utterance.index;
  });

  const metadata: Conversation["metadata"] = { format: CALL_ANALYTICS_FORMAT, file, ...counts };
  if (output.JobName !== undefined) metadata["jobName"] = output.JobName;
  if (output.LanguageCode !== undefined) metadata["languageCode"] = output.LanguageCode;
  const conversation: Conversation = {
    conversationId: options.conversationId ?? (output.JobName || baseName(file) || "call"),
    source: "call",
    utterances,
    metadata,
  };
  return { conversation, utteranceOf };
}

/**
 * The Call Analytics format: a JSON object with a `Transcript` array of turns with ParticipantRole. Written
 * back with each turn's Content masked, its Items carrying the masked text (a placeholder in the item where
 * its value starts), and CharacterOffsets recomputed.
 *
 * @example
 * callAnalyticsModule.sniff("ca.json", '{"JobStatus":"COMPLETED","Transcript":[{"ParticipantRole":"AGENT"}]}'); // true
 */
export const callAnalyticsModule: FormatModule = {
  format: CALL_ANALYTICS_FORMAT,
  sniff(_file, content) {
    // A cheap look before parsing: most inputs are not JSON with turns.
    if (!content.includes('"Transcript"')) return false;
    let value: unknown;
    try {
      value = JSON.parse(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
    } catch {
      return false;
    }
    if (!isJsonObject(value) || !Array.isArray(value["Transcript"])) return false;
    const first = value["Transcript"][0] as unknown;
    if (first === undefined) return "JobStatus" in value || "ConversationCharacteristics" in value;
    return isJsonObject(first) && ("ParticipantRole" in first || "ParticipantId" in first);
  },
  parse(text, options) {
    return [readCallAnalytics(parseJsonText(text, options.file), options).conversation];
  },
  render(input: KeepFormatInput) {
    const { file } = input;
    const root = parseJsonText(input.text, file);
    const { conversation, utteranceOf } = readCallAnalytics(root, input.options ?? { file });
    const result = input.anonymized[0];
    if (result === undefined) throw new InputFormatError("nothing anonymized to write", { file });
    const masked = new Map(result.utterances.map((u) => [u.index, u]));
    const turns = (root as Record<string, unknown>)["Transcript"] as Record<string, unknown>[];
    turns.forEach((turn, position) => {
      const index = utteranceOf[position];
      if (index === undefined) return;
      const original = conversation.utterances[index]!.text;
      const anonymized = masked.get(index);
      if (anonymized === undefined) throw new InputFormatError("an utterance has no anonymized counterpart", { file });
      const spans = anonymized.entities;
      turn["Content"] = anonymized.text;
      const items = Array.isArray(turn["Items"]) ? (turn["Items"] as Record<string, unknown>[]) : [];
      const ranges = findRanges(original, items.map((item) => String(item["Content"])));
      if (ranges === undefined) {
        throw new InputFormatError(`Transcript[${position}].Items do not follow its Content; cannot mask them`, { file });
      }
      const pieces = maskedPieces(original, anonymized.text, spans, ranges);
      items.forEach((item, k) => (item["Content"] = pieces[k] ?? ""));
      for (const kind of DETECTED_SPAN_KINDS) {
        const detected = Array.isArray(turn[kind]) ? (turn[kind] as Record<string, unknown>[]) : [];
        for (const span of detected) {
          const offsets = span["CharacterOffsets"] as { Begin: number; End: number };
          span["CharacterOffsets"] = {
            ...offsets,
            Begin: maskedOffset(spans, offsets.Begin, "start"),
            End: maskedOffset(spans, offsets.End, "end"),
          };
        }
      }
    });
    return writeJsonLike(input.text, root);
  },
};

/** Paths and zod's messages (which name expected types, not input values); at most three issues. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
    return `${path.replace(/^\./, "") || "(root)"}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "";
  return shown.join("; ") + more;
}
