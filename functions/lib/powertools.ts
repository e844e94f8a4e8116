import { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, Metrics } from "@aws-lambda-powertools/metrics";

/**
 * The one Logger and Metrics of every tokumei function (service "tokumei", namespace "Tokumei"); handlers
 * import them from here and never build their own.
 *
 * Log counts, object keys, job names and error names only: never a transcript, a chat message, a detected
 * value or a service message that might quote one.
 *
 * @example
 * logger.info("anonymized", { key, utterances: 14 });
 * metrics.addMetric("Utterances", MetricUnit.Count, 14);
 */
export const logger = new Logger({ serviceName: "tokumei" });

/** EMF metrics, flushed by each handler at the end of an invocation (`metrics.publishStoredMetrics()`). */
export const metrics = new Metrics({ namespace: "Tokumei", serviceName: "tokumei" });

export { MetricUnit };

/**
 * Metric names the functions emit, in one place for alarms and dashboards.
 *
 * @example
 * metrics.addMetric(METRIC.quarantinedFiles, MetricUnit.Count, 1);
 */
export const METRIC = {
  /** Files anonymized and written (rows + audit). */
  anonymizedFiles: "AnonymizedFiles",
  /** Files answered with a quarantine record instead of rows. */
  quarantinedFiles: "QuarantinedFiles",
  /** Utterance rows written. */
  utterances: "Utterances",
  /** Entities masked, one metric per type with the dimension `EntityType`. */
  entities: "Entities",
  /** StartTranscriptionJob calls that created a job. */
  transcriptionJobsStarted: "TranscriptionJobsStarted",
  /** Transcribe jobs that ended FAILED (one per state-change event). */
  transcriptionFailed: "TranscriptionFailed",
  /** Review reports written to the raw bucket's review/ prefix. */
  reviewReports: "ReviewReports",
  /** Conversations written by a 匿名加工 release. */
  releasedConversations: "ReleasedConversations",
  /** Conversations a release suppressed to reach k. */
  suppressedConversations: "SuppressedConversations",
} as const;

/**
 * What may be logged of an error: its name, the HTTP status and request id of an AWS service error.
 * Never the message, which for an unexpected error could quote input.
 *
 * @example
 * logger.error("record failed", { key, ...errorFields(error) });
 * // { key, errorName: "SlowDown", httpStatusCode: 503, requestId: "…" }
 */
export function errorFields(error: unknown): { errorName: string; httpStatusCode?: number; requestId?: string } {
  if (typeof error !== "object" || error === null) return { errorName: typeof error };
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown } };
  const fields: { errorName: string; httpStatusCode?: number; requestId?: string } = {
    errorName: typeof name === "string" && /^[A-Za-z][\w.:-]{0,99}$/.test(name) ? name : "Error",
  };
  if (typeof $metadata?.httpStatusCode === "number") fields.httpStatusCode = $metadata.httpStatusCode;
  if (typeof $metadata?.requestId === "string") fields.requestId = $metadata.requestId;
  return fields;
}
