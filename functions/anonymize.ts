import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { processObject } from "../shared/pipeline.js";
import { type AnonymizeRuntime, loadAnonymizeRuntime } from "./lib/config.js";
import type { S3ObjectRef } from "./lib/events.js";
import { logger, METRIC, MetricUnit, metrics } from "./lib/powertools.js";
import { s3RecordHandler } from "./lib/s3-records.js";
import { S3Storage } from "./lib/s3-storage.js";

/**
 * The object Transcribe writes to its output bucket to check write access before a job; it is not a
 * transcript (the transcripts notification should filter on the `.json` suffix anyway).
 */
const TRANSCRIBE_PROBE = ".write_access_check_file.temp";

/** What the anonymize handler is built from; every field defaults to the real thing. */
export interface AnonymizeDependencies {
  readonly s3?: S3Client;
  readonly secrets?: () => SecretsManagerClient;
  readonly comprehend?: () => ComprehendClient;
  /** The environment (see `AnonymizeEnvSchema`); read on the first invocation. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for audit timestamps. */
  readonly now?: () => Date;
}

/**
 * The anonymize function: SQS messages from S3 notifications (Transcribe JSON in the transcripts bucket,
 * chat logs under incoming/chat/) → the pipeline → Parquet datasets (partition dt from the S3 event time),
 * JSONL rows, the audit record, or a quarantine record, all in OUTPUT_BUCKET.
 *
 * - The engine (policy, HMAC key from Secrets Manager) is built once per container, on the first invocation;
 *   a configuration error fails the whole batch so that no message is lost.
 * - Records are processed one after another. A quarantined input is handled (its quarantine record is
 *   written), not a failure; an S3 or service error fails that message only (`batchItemFailures`), so SQS
 *   retries it and then moves it to the DLQ. If every message fails, the invocation throws.
 * - `s3:TestEvent` messages, events other than ObjectCreated, folder markers and Transcribe's write-access
 *   probe are acknowledged and skipped.
 *
 * @example
 * export const handler = createAnonymizeHandler({ env: process.env });
 */
export function createAnonymizeHandler(dependencies: AnonymizeDependencies = {}) {
  const s3 = dependencies.s3 ?? new S3Client({});
  const clients = {
    secrets: dependencies.secrets ?? (() => new SecretsManagerClient({})),
    // The Comprehend source retries with its own backoff.
    comprehend: dependencies.comprehend ?? (() => new ComprehendClient({ maxAttempts: 1 })),
  };
  const processor = new BatchProcessor(EventType.SQS);
  let runtime: Promise<AnonymizeRuntime> | undefined;

  /** Once per container; a failed load is tried again on the next invocation. */
  const ready = (): Promise<AnonymizeRuntime> => {
    runtime ??= loadAnonymizeRuntime(dependencies.env ?? process.env, clients).catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
    return runtime;
  };

  async function anonymizeObject(object: S3ObjectRef, { env, engine, externalSource }: AnonymizeRuntime): Promise<void> {
    if (object.key.slice(object.key.lastIndexOf("/") + 1) === TRANSCRIBE_PROBE) {
      logger.info("Transcribe write-access probe skipped", { bucket: object.bucket, key: object.key });
      return;
    }
    const storage = new S3Storage(s3, { inputBucket: object.bucket, outputBucket: env.OUTPUT_BUCKET, kmsKeyId: env.KMS_KEY_ID });
    // The body streams in (S3Storage.readStream); an S3 error opening or reading it fails this message
    // (retried, then the DLQ), only a problem with the input itself is quarantined.
    const result = await processObject(object.key, storage, engine, {
      maxInputBytes: env.TOKUMEI_MAX_INPUT_MB * 2 ** 20,
      ...(env.TOKUMEI_ROLES ? { parse: { roleMap: env.TOKUMEI_ROLES } } : {}),
      // The dataset partition (dt) comes from the event, so a redelivery after midnight overwrites its files.
      partitionTime: new Date(object.eventTime),
      ...(externalSource ? { externalSource } : {}),
      ...(dependencies.now ? { now: dependencies.now } : {}),
    });
    if (result.status === "quarantined") {
      metrics.addMetric(METRIC.quarantinedFiles, MetricUnit.Count, 1);
      logger.warn("input quarantined", { bucket: object.bucket, key: object.key, errorType: result.record.errorType, reason: result.record.reason });
      return;
    }
    const { audit } = result;
    metrics.addMetric(METRIC.anonymizedFiles, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.utterances, MetricUnit.Count, audit.utterances);
    for (const [type, count] of Object.entries(audit.entities)) {
      metrics.singleMetric().addDimension("EntityType", type).addMetric(METRIC.entities, MetricUnit.Count, count ?? 0);
    }
    logger.info("input anonymized", {
      bucket: object.bucket,
      key: object.key,
      format: audit.format,
      conversations: audit.conversations,
      utterances: audit.utterances,
      entities: audit.entities,
    });
  }

  return async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    if (context) logger.addContext(context);
    try {
      const loaded = await ready();
      return await processPartialResponse(event, s3RecordHandler((object) => anonymizeObject(object, loaded)), processor, {
        ...(context ? { context } : {}),
        processInParallel: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`functions/anonymize.handler`). */
export const handler = createAnonymizeHandler();
