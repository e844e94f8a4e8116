import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { ConflictException, StartTranscriptionJobCommand, TranscribeClient } from "@aws-sdk/client-transcribe";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { InputFormatError } from "../shared/errors.js";
import { parseEnv, type StartTranscriptionEnv, StartTranscriptionEnvSchema } from "./lib/config.js";
import type { S3ObjectRef } from "./lib/events.js";
import { logger, METRIC, MetricUnit, metrics } from "./lib/powertools.js";
import { s3RecordHandler } from "./lib/s3-records.js";
import { mediaFormatOf, startTranscriptionInput } from "./lib/transcribe-job.js";

/** What the start-transcription handler is built from; every field defaults to the real thing. */
export interface StartTranscriptionDependencies {
  readonly transcribe?: TranscribeClient;
  /** The environment (see `StartTranscriptionEnvSchema`); read on the first invocation. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The start-transcription function: SQS messages from S3 notifications on incoming/audio/ →
 * StartTranscriptionJob (ja-JP) with a job name derived from key and ETag.
 *
 * - ConflictException means a job of that name exists: the event was delivered before, so it is done.
 * - A key with an unsupported extension is logged and skipped (not a failure).
 * - Any other error fails that message (`batchItemFailures`); SQS retries it, then the DLQ gets it.
 *
 * @example
 * export const handler = createStartTranscriptionHandler({ env: process.env });
 */
export function createStartTranscriptionHandler(dependencies: StartTranscriptionDependencies = {}) {
  const transcribe = dependencies.transcribe ?? new TranscribeClient({});
  const processor = new BatchProcessor(EventType.SQS);
  let env: StartTranscriptionEnv | undefined;

  async function startJob(object: S3ObjectRef, config: StartTranscriptionEnv): Promise<void> {
    const mediaFormat = mediaFormatOf(object.key);
    if (mediaFormat === undefined) {
      logger.warn("unsupported media extension; skipped", { bucket: object.bucket, key: object.key });
      return;
    }
    if (!object.eTag) throw new InputFormatError(`S3 event for ${object.key} has no eTag; cannot name the job`);
    const input = startTranscriptionInput({ ...object, eTag: object.eTag }, mediaFormat, config);
    try {
      await transcribe.send(new StartTranscriptionJobCommand(input));
    } catch (error) {
      if (error instanceof ConflictException || (error as { name?: unknown } | null)?.name === "ConflictException") {
        logger.info("transcription job exists; redelivered event acknowledged", { key: object.key, jobName: input.TranscriptionJobName });
        return;
      }
      throw error;
    }
    metrics.addMetric(METRIC.transcriptionJobsStarted, MetricUnit.Count, 1);
    logger.info("transcription job started", { bucket: object.bucket, key: object.key, jobName: input.TranscriptionJobName, mediaFormat });
  }

  return async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    if (context) logger.addContext(context);
    try {
      env ??= parseEnv(StartTranscriptionEnvSchema, dependencies.env ?? process.env);
      const config = env;
      return await processPartialResponse(event, s3RecordHandler((object) => startJob(object, config)), processor, {
        ...(context ? { context } : {}),
        processInParallel: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`functions/start-transcription.handler`). */
export const handler = createStartTranscriptionHandler();
