import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import { SnsSqsNotificationSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { SqsRecordSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";
import { InputFormatError } from "../../shared/errors.js";
import { InputFormatSchema } from "../../shared/formats/index.js";
import { RoleSchema } from "../../shared/schema/conversation.js";

/**
 * The events the functions accept, as zod schemas built on @aws-lambda-powertools/parser:
 * an SQS record whose body is an S3 event notification, an `s3:TestEvent`, or an SNS envelope carrying
 * either; and the EventBridge "Transcribe Job State Change" event.
 */

/**
 * One S3 event record: Powertools' `S3Schema` record, with `requestParameters.sourceIPAddress` accepting
 * any string (Powertools allows only IPv4 or "s3.amazonaws.com"; a client on a dual-stack endpoint sends
 * IPv6, and such an event must not be rejected).
 */
export const S3EventRecordSchema = S3Schema.shape.Records.element.extend({
  requestParameters: z.object({ sourceIPAddress: z.string() }),
});

/** An S3 event notification: `{ Records: [...] }` with at least one record. */
export const S3EventNotificationSchema = z.object({ Records: z.array(S3EventRecordSchema).min(1) });

/**
 * The message S3 sends once when a notification is configured; it has no Records and is acknowledged
 * without doing anything.
 *
 * @example
 * S3TestEventSchema.parse({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "…", Bucket: "raw", RequestId: "…", HostId: "…" });
 */
export const S3TestEventSchema = z.object({
  Service: z.literal("Amazon S3"),
  Event: z.literal("s3:TestEvent"),
  Time: z.string().optional(),
  Bucket: z.string().optional(),
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
});

/** What S3 puts in a message: a notification or the test event. */
const S3MessageSchema = z.union([S3EventNotificationSchema, S3TestEventSchema]);

/** S3 → SNS → SQS without raw delivery: the SQS body is an SNS envelope whose `Message` is the S3 JSON. */
export const SnsS3EnvelopeSchema = SnsSqsNotificationSchema.extend({ Message: JSONStringified(S3MessageSchema) });

/**
 * An SQS record (Powertools' `SqsRecordSchema`) whose body is S3 JSON, directly or inside an SNS envelope.
 *
 * @example
 * const record = S3SqsRecordSchema.parse(event.Records[0]);
 * "Records" in record.body ? record.body.Records : []; // S3 records, or none for a test event / an envelope
 */
export const S3SqsRecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(z.union([S3EventNotificationSchema, S3TestEventSchema, SnsS3EnvelopeSchema])),
});

/** An S3 object named by an event, its key decoded. */
export interface S3ObjectRef {
  readonly bucket: string;
  /** The object key, URL-decoded (`+` → space, `%2B` → `+`, percent-encoded UTF-8 → characters). */
  readonly key: string;
  readonly size: number | undefined;
  /** The ETag without quotes. */
  readonly eTag: string | undefined;
  readonly versionId: string | undefined;
  /** "ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload", … */
  readonly eventName: string;
  /** When S3 saw the change (ISO 8601); the same in every redelivery of the event. */
  readonly eventTime: string;
}

/** What one SQS record carried: S3 objects, or the test event (nothing to do). */
export type S3SqsMessage = { readonly kind: "test" } | { readonly kind: "objects"; readonly objects: readonly S3ObjectRef[] };

/**
 * Decodes an S3 event key: S3 URL-encodes keys in notifications form-style, so `+` is a space, `%2B` a
 * literal `+`, and non-ASCII characters are percent-encoded UTF-8. Decode exactly once: decoding twice
 * corrupts a literal `%`. A malformed escape is an InputFormatError.
 *
 * @example
 * decodeS3Key("calls/%E5%96%B6%E6%A5%AD+%E9%8C%B2%E9%9F%B3%2BA%231.wav"); // "calls/営業 録音+A#1.wav"
 */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    throw new InputFormatError("S3 event key is not valid URL encoding");
  }
}

/**
 * Validates an SQS record from an S3 notification queue and returns the objects it names (keys decoded),
 * or `{ kind: "test" }` for an `s3:TestEvent`, direct or via SNS. Anything else throws an InputFormatError
 * that names the message id and the invalid paths, never the body.
 *
 * @example
 * const message = parseS3SqsRecord(record);
 * if (message.kind === "objects") for (const { bucket, key } of message.objects) { … }
 */
export function parseS3SqsRecord(record: SQSRecord | Record<string, unknown>): S3SqsMessage {
  const parsed = S3SqsRecordSchema.safeParse(record);
  if (!parsed.success) {
    const messageId = (record as { messageId?: unknown } | null)?.messageId;
    throw new InputFormatError(
      `SQS message ${typeof messageId === "string" ? messageId : "(no id)"} is not an S3 event notification: ${describeIssues(parsed.error)}`,
    );
  }
  const body = parsed.data.body;
  const message = "Message" in body ? body.Message : body;
  if (!("Records" in message)) return { kind: "test" };
  return {
    kind: "objects",
    objects: message.Records.map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3Key(r.s3.object.key),
      size: r.s3.object.size,
      eTag: r.s3.object.eTag?.replace(/^"|"$/g, ""),
      versionId: r.s3.object.versionId,
      eventName: r.eventName,
      eventTime: r.eventTime,
    })),
  };
}

/** Whether an S3 event is an object creation (Put, Post, Copy, CompleteMultipartUpload). */
export function isObjectCreated(object: S3ObjectRef): boolean {
  return object.eventName.startsWith("ObjectCreated:");
}

/** Transcribe job names: `[0-9a-zA-Z._-]`, 1 to 200 characters. */
export const TranscriptionJobNameSchema = z.string().regex(/^[0-9a-zA-Z._-]{1,200}$/);

/**
 * The EventBridge "Transcribe Job State Change" event (Powertools' `EventBridgeSchema` with its detail).
 * `FailureReason` is present when the status is FAILED.
 *
 * @example
 * const event = TranscribeJobStateChangeSchema.parse(raw);
 * event.detail.TranscriptionJobStatus; // "FAILED"
 */
export const TranscribeJobStateChangeSchema = EventBridgeSchema.extend({
  source: z.literal("aws.transcribe"),
  "detail-type": z.literal("Transcribe Job State Change"),
  detail: z.object({
    TranscriptionJobName: TranscriptionJobNameSchema,
    TranscriptionJobStatus: z.string(),
    FailureReason: z.string().optional(),
  }),
});
export type TranscribeJobStateChange = z.infer<typeof TranscribeJobStateChangeSchema>;

/**
 * Validates a Transcribe job state-change event; an invalid one is an InputFormatError naming the paths.
 *
 * @example
 * parseTranscribeJobStateChange(event).detail.TranscriptionJobName; // "tokumei-A-9f2c…"
 */
export function parseTranscribeJobStateChange(event: unknown): TranscribeJobStateChange {
  const parsed = TranscribeJobStateChangeSchema.safeParse(event);
  if (!parsed.success) throw new InputFormatError(`not a Transcribe Job State Change event: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Where the review-report function may read: chat logs in the raw bucket, transcripts in the transcripts bucket. */
export const REVIEW_SOURCE_PREFIXES = { chat: "incoming/chat/", transcripts: "transcripts/" } as const;

/** An object key the review report may read: under one of {@link REVIEW_SOURCE_PREFIXES}, no `..`, no control characters. */
const ReviewInputKeySchema = z
  .string()
  .min(1)
  .max(1000)
  .refine((key) => Object.values(REVIEW_SOURCE_PREFIXES).some((prefix) => key.startsWith(prefix) && key.length > prefix.length), {
    message: `must start with ${Object.values(REVIEW_SOURCE_PREFIXES).join(" or ")}`,
  })
  .refine((key) => !key.split("/").some((part) => part === ".." || part === ".") && !/[\u0000-\u001f\u007f]/.test(key) && !key.endsWith("/"), {
    message: "must name one object (no . or .. segments, no control characters, no trailing /)",
  });

/**
 * The review-report function's event, given by a direct invocation (`aws lambda invoke`): the key of a chat
 * log under incoming/chat/ (raw bucket) or of a transcript under transcripts/ (transcripts bucket), and
 * optionally the input format and the roles of speakers, as in `tokumei report --format --roles`.
 *
 * @example
 * ReviewReportEventSchema.parse({ inputKey: "incoming/chat/x.jsonl", roles: { spk_0: "agent" } });
 */
export const ReviewReportEventSchema = z.strictObject({
  inputKey: ReviewInputKeySchema,
  format: InputFormatSchema.optional(),
  roles: z.record(z.string().min(1), RoleSchema).optional(),
});
export type ReviewReportEvent = z.infer<typeof ReviewReportEventSchema>;

/**
 * Validates a review-report event; an invalid one is an InputFormatError naming the paths and problems,
 * never the values.
 *
 * @example
 * parseReviewReportEvent({ inputKey: "transcripts/tokumei-A-1.json" }).inputKey;
 */
export function parseReviewReportEvent(event: unknown): ReviewReportEvent {
  const parsed = ReviewReportEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.map(String).join(".") || "(root)";
      // Messages of our own refinements say what is expected; zod's others may quote the value, so give the code.
      return issue.code === "custom" ? `${path}: ${issue.message}` : `${path} (${issue.code})`;
    });
    throw new InputFormatError(`not a review-report event: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Invalid paths and issue codes, never values (a zod message may quote what it received). */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join(".") || "(root)"} (${issue.code})`);
  return issues.join("; ") + (error.issues.length > 5 ? `; … ${error.issues.length - 5} more` : "");
}
