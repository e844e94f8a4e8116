import { S3Client } from "@aws-sdk/client-s3";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { ENGINE_VERSION } from "../shared/version.js";
import { parseEnv, type TranscriptionFailedEnv, TranscriptionFailedEnvSchema } from "./lib/config.js";
import { parseTranscribeJobStateChange } from "./lib/events.js";
import { logger, METRIC, MetricUnit, metrics } from "./lib/powertools.js";
import { putEncrypted } from "./lib/s3-storage.js";

/** What the transcription-failed handler is built from; every field defaults to the real thing. */
export interface TranscriptionFailedDependencies {
  readonly s3?: S3Client;
  /** The environment (see `TranscriptionFailedEnvSchema`); read on the first invocation. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for `processedAt`. */
  readonly now?: () => Date;
}

/**
 * The quarantine record of a failed Transcribe job, written to `quarantine/transcribe/<job name>.json`:
 * the job name, Transcribe's FailureReason and the times; nothing of the media.
 */
export interface TranscriptionFailureRecord {
  readonly jobName: string;
  readonly status: "quarantined";
  readonly errorType: "TranscriptionFailed";
  readonly reason: string;
  /** When Transcribe reported the failure (the event's time). */
  readonly failedAt: string;
  readonly eventId: string;
  readonly engineVersion: string;
  readonly processedAt: string;
}

/** Key of the quarantine record of a failed job. */
export function transcriptionFailureKey(jobName: string): string {
  return `quarantine/transcribe/${jobName}.json`;
}

/**
 * The transcription-failed function: the EventBridge rule on "Transcribe Job State Change" with status
 * FAILED → a quarantine record in OUTPUT_BUCKET and the TranscriptionFailed metric. A redelivered event
 * overwrites the same record. Other statuses are logged and ignored; an invalid event throws (the async
 * invocation is retried, then goes to the function's failure destination).
 *
 * @example
 * export const handler = createTranscriptionFailedHandler({ env: process.env });
 */
export function createTranscriptionFailedHandler(dependencies: TranscriptionFailedDependencies = {}) {
  const s3 = dependencies.s3 ?? new S3Client({});
  const now = dependencies.now ?? (() => new Date());
  let env: TranscriptionFailedEnv | undefined;

  return async function handler(event: EventBridgeEvent<string, unknown>, context?: Context): Promise<void> {
    if (context) logger.addContext(context);
    try {
      env ??= parseEnv(TranscriptionFailedEnvSchema, dependencies.env ?? process.env);
      const change = parseTranscribeJobStateChange(event);
      const { TranscriptionJobName: jobName, TranscriptionJobStatus: status, FailureReason } = change.detail;
      if (status !== "FAILED") {
        logger.info("transcription job state ignored", { jobName, status });
        return;
      }
      const record: TranscriptionFailureRecord = {
        jobName,
        status: "quarantined",
        errorType: "TranscriptionFailed",
        reason: FailureReason ?? "Transcribe gave no failure reason",
        failedAt: change.time,
        eventId: change.id,
        engineVersion: ENGINE_VERSION,
        processedAt: now().toISOString(),
      };
      const key = transcriptionFailureKey(jobName);
      await putEncrypted(s3, { bucket: env.OUTPUT_BUCKET, key, body: `${JSON.stringify(record, null, 2)}\n`, kmsKeyId: env.KMS_KEY_ID });
      metrics.addMetric(METRIC.transcriptionFailed, MetricUnit.Count, 1);
      logger.warn("transcription failed; quarantine record written", { jobName, key });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`functions/transcription-failed.handler`). */
export const handler = createTranscriptionFailedHandler();
