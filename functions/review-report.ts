import { ComprehendClient } from "@aws-sdk/client-comprehend";
import { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { parsePolicy, policyNeedsKey } from "../shared/anonymize/policy.js";
import type { EntityType } from "../shared/detect/entity-types.js";
import type { ExternalEntitySource } from "../shared/detect/external-source.js";
import { createEngine, type Engine } from "../shared/engine.js";
import { ConfigError, InputFormatError } from "../shared/errors.js";
import { renderReport } from "../shared/report/render-report.js";
import { reviewInput } from "../shared/report/review-input.js";
import { createComprehendSource } from "./lib/comprehend-source.js";
import { parseEnv, type ReviewReportEnv, ReviewReportEnvSchema } from "./lib/config.js";
import { parseReviewReportEvent, REVIEW_SOURCE_PREFIXES } from "./lib/events.js";
import { errorFields, logger, METRIC, MetricUnit, metrics } from "./lib/powertools.js";
import { S3Storage } from "./lib/s3-storage.js";

/** The raw bucket's prefix for review reports; the anonymized bucket never receives one. */
export const REVIEW_PREFIX = "review/";

/** What the review-report handler is built from; every field defaults to the real thing. */
export interface ReviewReportDependencies {
  readonly s3?: S3Client;
  readonly comprehend?: () => ComprehendClient;
  /** The environment (see `ReviewReportEnvSchema`); read on the first invocation. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for the report's generation time. */
  readonly now?: () => Date;
}

/** What an invocation returns: where the report went and what it counts; never text. */
export interface ReviewReportResult {
  readonly bucket: string;
  readonly reportKey: string;
  readonly conversations: number;
  readonly utterances: number;
  readonly entities: Partial<Record<EntityType, number>>;
}

/** The key of the report of an input: `review/<inputKey>.html`. */
export function reviewReportKey(inputKey: string): string {
  return `${REVIEW_PREFIX}${inputKey}.html`;
}

interface ReviewRuntime {
  readonly env: ReviewReportEnv;
  readonly engine: Engine;
  readonly externalSource: ExternalEntitySource | undefined;
}

/**
 * The review-report function, invoked directly with `{ "inputKey": "incoming/chat/x.jsonl" }` (or a
 * `transcripts/…json` key, with `format` and `roles` optional): reads the raw chat log from RAW_BUCKET or
 * the transcript from TRANSCRIPTS_BUCKET, runs the engine as the anonymizer does, and writes the HTML review
 * page (masked beside original) to `review/<inputKey>.html` in the RAW bucket, SSE-KMS. The page holds raw
 * personal data, so it stays with the raw data and is never written to the anonymized bucket.
 *
 * Returns the report's bucket, key and counts. An invalid event or an unreadable input throws an
 * InputFormatError naming the key and the problem; S3 errors propagate. Logs hold keys and counts only.
 *
 * @example
 * export const handler = createReviewReportHandler({ env: process.env });
 * // aws lambda invoke --function-name … --payload '{"inputKey":"incoming/chat/2024-11-05/log.jsonl"}' out.json
 */
export function createReviewReportHandler(dependencies: ReviewReportDependencies = {}) {
  const s3 = dependencies.s3 ?? new S3Client({});
  const comprehend = dependencies.comprehend ?? (() => new ComprehendClient({ maxAttempts: 1 }));
  const now = dependencies.now ?? (() => new Date());
  let runtime: ReviewRuntime | undefined;

  return async function handler(event: unknown, context?: Context): Promise<ReviewReportResult> {
    if (context) logger.addContext(context);
    try {
      runtime ??= loadRuntime(dependencies.env ?? process.env, comprehend);
      const { env, engine, externalSource } = runtime;
      const request = parseReviewReportEvent(event);
      const inputBucket = request.inputKey.startsWith(REVIEW_SOURCE_PREFIXES.transcripts) ? env.TRANSCRIPTS_BUCKET : env.RAW_BUCKET;
      const storage = new S3Storage(s3, { inputBucket, outputBucket: env.RAW_BUCKET, kmsKeyId: env.KMS_KEY_ID });

      let bytes: Uint8Array;
      try {
        bytes = await storage.read(request.inputKey);
      } catch (error) {
        logger.error("cannot read the input", { bucket: inputBucket, key: request.inputKey, ...errorFields(error) });
        throw error;
      }
      const parse = { ...(request.format ? { format: request.format } : {}), ...(request.roles ? { roleMap: request.roles } : {}) };
      const reviewed = await reviewInput(request.inputKey, bytes, engine, { parse, ...(externalSource ? { externalSource } : {}) });
      if (reviewed.status === "failed") {
        logger.warn("input not reviewable", { key: request.inputKey, errorType: reviewed.errorType, reason: reviewed.reason });
        throw new InputFormatError(`no review report: ${reviewed.reason}`);
      }

      const html = renderReport({ generatedAt: now(), engineVersion: engine.version, policyHash: engine.policyHash, mode: engine.policy.mode, inputs: [reviewed] });
      const reportKey = reviewReportKey(request.inputKey);
      await storage.write(reportKey, html);

      const entities: Partial<Record<EntityType, number>> = {};
      for (const { anonymized } of reviewed.conversations) {
        for (const [type, n] of Object.entries(anonymized.counts) as [EntityType, number][]) entities[type] = (entities[type] ?? 0) + n;
      }
      const result: ReviewReportResult = {
        bucket: env.RAW_BUCKET,
        reportKey,
        conversations: reviewed.conversations.length,
        utterances: reviewed.conversations.reduce((n, c) => n + c.original.utterances.length, 0),
        entities,
      };
      metrics.addMetric(METRIC.reviewReports, MetricUnit.Count, 1);
      logger.info("review report written", { key: request.inputKey, ...result });
      return result;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** Engine and Comprehend source, once per container; a pseudonymizing policy is refused (no key here). */
function loadRuntime(rawEnv: Readonly<Record<string, string | undefined>>, comprehend: () => ComprehendClient): ReviewRuntime {
  const env = parseEnv(ReviewReportEnvSchema, rawEnv);
  const policy = env.TOKUMEI_POLICY === undefined ? undefined : parsePolicy(env.TOKUMEI_POLICY, "TOKUMEI_POLICY");
  if (policy && policyNeedsKey(policy)) {
    throw new ConfigError("the review report does not pseudonymize: the HMAC key is readable by the anonymizer only; give a mask policy");
  }
  const engine = createEngine(policy ? { policy } : {});
  const externalSource = env.TOKUMEI_COMPREHEND ? createComprehendSource(comprehend(), {}) : undefined;
  return { env, engine, externalSource };
}

/** The Lambda entry point (`functions/review-report.handler`). */
export const handler = createReviewReportHandler();
