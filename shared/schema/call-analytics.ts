import { z } from "zod";

/**
 * Amazon Transcribe Call Analytics post-call output, as read by `shared/formats/call-analytics.ts`.
 * See reference/input-formats.md section 2. Objects are loose: Call Analytics adds keys between versions,
 * and the writer keeps every key it does not change.
 */

/** Character offsets into a turn's Content (UTF-16 code units, End exclusive). */
export const CharacterOffsetsSchema = z.looseObject({
  Begin: z.number().int().nonnegative(),
  End: z.number().int().nonnegative(),
});
export type CharacterOffsets = z.infer<typeof CharacterOffsetsSchema>;

/** An issue, outcome or action item detected in a turn. */
export const DetectedSpanSchema = z.looseObject({ CharacterOffsets: CharacterOffsetsSchema });

/** A word or punctuation of a turn; Confidence is a number here (unlike batch Transcribe). */
export const CallAnalyticsItemSchema = z.looseObject({
  Content: z.string(),
  Type: z.string().optional(),
  Confidence: z.number().optional(),
  BeginOffsetMillis: z.number().nonnegative().optional(),
  EndOffsetMillis: z.number().nonnegative().optional(),
});
export type CallAnalyticsItem = z.infer<typeof CallAnalyticsItemSchema>;

/** Kinds of detected spans whose CharacterOffsets point into Content. */
export const DETECTED_SPAN_KINDS = ["IssuesDetected", "OutcomesDetected", "ActionItemsDetected"] as const;

export const CallAnalyticsTurnSchema = z.looseObject({
  Id: z.string().optional(),
  ParticipantRole: z.string().min(1),
  Content: z.string(),
  BeginOffsetMillis: z.number().nonnegative(),
  EndOffsetMillis: z.number().nonnegative(),
  Sentiment: z.string().optional(),
  Items: z.array(CallAnalyticsItemSchema).optional(),
  IssuesDetected: z.array(DetectedSpanSchema).optional(),
  OutcomesDetected: z.array(DetectedSpanSchema).optional(),
  ActionItemsDetected: z.array(DetectedSpanSchema).optional(),
});
export type CallAnalyticsTurn = z.infer<typeof CallAnalyticsTurnSchema>;

/**
 * The whole document; only `Transcript` is required.
 *
 * @example
 * CallAnalyticsOutputSchema.parse(JSON.parse(text)).Transcript[0]?.ParticipantRole; // "AGENT"
 */
export const CallAnalyticsOutputSchema = z.looseObject({
  JobStatus: z.string().optional(),
  JobName: z.string().optional(),
  LanguageCode: z.string().optional(),
  Transcript: z.array(CallAnalyticsTurnSchema),
});
export type CallAnalyticsOutput = z.infer<typeof CallAnalyticsOutputSchema>;
