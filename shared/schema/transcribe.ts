import { z } from "zod";

/**
 * Amazon Transcribe batch output (`StartTranscriptionJob` result JSON), as read by
 * `shared/formats/transcribe.ts`. See reference/input-formats.md section 1.
 *
 * Objects are loose (unknown keys pass through) because Transcribe adds keys between versions; the fields
 * the parser depends on (item type, alternatives, times, segment item references) are checked strictly.
 */

/** Seconds as Transcribe writes them: a decimal string such as "4.87". */
export const SecondsSchema = z.string().regex(/^\d+(?:\.\d+)?$/, "expected seconds as a decimal string");

/** One recognition alternative. Redacted items carry `redactions` and no `confidence`. */
export const TranscribeAlternativeSchema = z.looseObject({
  confidence: z.string().optional(),
  content: z.string(),
});
export type TranscribeAlternative = z.infer<typeof TranscribeAlternativeSchema>;

/** A word/morpheme (`pronunciation`) or punctuation item. Punctuation usually has no times. */
export const TranscribeItemSchema = z.looseObject({
  id: z.number().int().nonnegative().optional(),
  type: z.enum(["pronunciation", "punctuation"]),
  alternatives: z.array(TranscribeAlternativeSchema).min(1),
  start_time: SecondsSchema.optional(),
  end_time: SecondsSchema.optional(),
  speaker_label: z.string().optional(),
  channel_label: z.string().optional(),
});
export type TranscribeItem = z.infer<typeof TranscribeItemSchema>;

/** A reference from a speaker segment to an item: times only, no content. */
export const TranscribeSegmentItemSchema = z.looseObject({
  start_time: SecondsSchema,
  end_time: SecondsSchema,
  speaker_label: z.string().optional(),
});
export type TranscribeSegmentItem = z.infer<typeof TranscribeSegmentItemSchema>;

export const TranscribeSpeakerSegmentSchema = z.looseObject({
  start_time: SecondsSchema,
  end_time: SecondsSchema,
  speaker_label: z.string(),
  items: z.array(TranscribeSegmentItemSchema),
});
export type TranscribeSpeakerSegment = z.infer<typeof TranscribeSpeakerSegmentSchema>;

/** Diarization result (`ShowSpeakerLabels`). Mutually exclusive with `channel_labels`. */
export const TranscribeSpeakerLabelsSchema = z.looseObject({
  channel_label: z.string().optional(),
  speakers: z.number().int().nonnegative().optional(),
  segments: z.array(TranscribeSpeakerSegmentSchema),
});
export type TranscribeSpeakerLabels = z.infer<typeof TranscribeSpeakerLabelsSchema>;

export const TranscribeChannelSchema = z.looseObject({
  channel_label: z.string(),
  items: z.array(TranscribeItemSchema),
});
export type TranscribeChannel = z.infer<typeof TranscribeChannelSchema>;

/** Channel identification result (`ChannelIdentification`): full items per channel. */
export const TranscribeChannelLabelsSchema = z.looseObject({
  channels: z.array(TranscribeChannelSchema),
  number_of_channels: z.number().int().nonnegative(),
});
export type TranscribeChannelLabels = z.infer<typeof TranscribeChannelLabelsSchema>;

/** Newer outputs: one segment per turn; `items` lists item ids. */
export const TranscribeAudioSegmentSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  transcript: z.string(),
  start_time: SecondsSchema,
  end_time: SecondsSchema,
  speaker_label: z.string().optional(),
  channel_label: z.string().optional(),
  items: z.array(z.number().int().nonnegative()),
});
export type TranscribeAudioSegment = z.infer<typeof TranscribeAudioSegmentSchema>;

export const TranscribeResultsSchema = z.looseObject({
  transcripts: z.array(z.looseObject({ transcript: z.string() })),
  items: z.array(TranscribeItemSchema),
  speaker_labels: TranscribeSpeakerLabelsSchema.optional(),
  channel_labels: TranscribeChannelLabelsSchema.optional(),
  audio_segments: z.array(TranscribeAudioSegmentSchema).optional(),
  language_code: z.string().optional(),
});
export type TranscribeResults = z.infer<typeof TranscribeResultsSchema>;

/** Job status values; only COMPLETED output is parsed. Kept a plain string so new values still parse. */
export const TranscribeStatusSchema = z.string();

/**
 * The whole Transcribe batch output document.
 *
 * @example
 * const output = TranscribeOutputSchema.parse(JSON.parse(text));
 * output.results.items[0]?.alternatives[0]?.content;
 */
export const TranscribeOutputSchema = z.looseObject({
  jobName: z.string(),
  accountId: z.string().optional(),
  status: TranscribeStatusSchema,
  isRedacted: z.boolean().optional(),
  results: TranscribeResultsSchema,
});
export type TranscribeOutput = z.infer<typeof TranscribeOutputSchema>;
