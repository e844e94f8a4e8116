import { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { TokumeiError } from "../shared/errors.js";
import { parseReleaseConfig } from "../shared/release/config.js";
import { runRelease } from "../shared/release/run.js";
import { parseEnv, ReleaseEnvSchema } from "./lib/config.js";
import { errorFields, logger, METRIC, MetricUnit, metrics } from "./lib/powertools.js";
import { S3Storage } from "./lib/s3-storage.js";

/** What the release handler is built from; every field defaults to the real thing. */
export interface ReleaseDependencies {
  readonly s3?: S3Client;
  /** The environment (see `ReleaseEnvSchema`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => Date;
}

/** What the invoker gets back: where the release is and what it holds, counts only. */
export interface ReleaseResponse {
  readonly releaseId: string;
  readonly manifestKey: string;
  readonly kRequested: number;
  readonly kAchieved: number;
  readonly conversations: number;
  readonly utterances: number;
  readonly suppressedConversations: number;
  readonly generalised: readonly string[];
}

/**
 * The release function, invoked directly (`aws lambda invoke --payload '{"k": 5}'`): the event is the release
 * settings (shared/release/config.ts: k, quasiIdentifiers, maxSuppression, from, to, sources, tokenScope,
 * releaseId; `{}` for the defaults). It reads `datasets/` of the anonymized bucket and writes
 * `releases/<id>/` there with SSE-KMS, through the same `runRelease` as `tokumei release`. The release key
 * exists only inside this invocation. Invalid settings, or a release that cannot meet k, throw (the invoker
 * sees the error); nothing is written then.
 *
 * @example
 * export const handler = createReleaseHandler({ env: process.env });
 */
export function createReleaseHandler(dependencies: ReleaseDependencies = {}) {
  const s3 = dependencies.s3 ?? new S3Client({});
  return async function handler(event: unknown, context?: Context): Promise<ReleaseResponse> {
    if (context) logger.addContext(context);
    try {
      const env = parseEnv(ReleaseEnvSchema, dependencies.env ?? process.env);
      const config = parseReleaseConfig(event, "release event");
      const storage = new S3Storage(s3, { inputBucket: env.DATASET_BUCKET, outputBucket: env.DATASET_BUCKET, kmsKeyId: env.KMS_KEY_ID });
      const { manifest, prefix } = await runRelease({ datasets: storage, releases: storage }, config, {
        ...(dependencies.now ? { now: dependencies.now } : {}),
      });
      metrics.addMetric(METRIC.releasedConversations, MetricUnit.Count, manifest.rows.conversationsOut);
      metrics.addMetric(METRIC.suppressedConversations, MetricUnit.Count, manifest.suppressed.conversations);
      logger.info("release written", {
        releaseId: manifest.releaseId,
        kRequested: manifest.kAnonymity.kRequested,
        kAchieved: manifest.kAnonymity.kAchieved,
        rows: manifest.rows,
        suppressed: manifest.suppressed,
        generalisation: manifest.generalisation.map((s) => `${s.column}: ${s.from} -> ${s.to}`),
      });
      return {
        releaseId: manifest.releaseId,
        manifestKey: `${prefix}manifest.json`,
        kRequested: manifest.kAnonymity.kRequested,
        kAchieved: manifest.kAnonymity.kAchieved,
        conversations: manifest.rows.conversationsOut,
        utterances: manifest.rows.utterancesOut,
        suppressedConversations: manifest.suppressed.conversations,
        generalised: manifest.generalisation.map((s) => `${s.column}: ${s.from} -> ${s.to}`),
      };
    } catch (error) {
      // tokumei's errors name settings, keys and counts only, never data; other errors are logged by name.
      logger.error("release failed", { ...errorFields(error), ...(error instanceof TokumeiError ? { reason: error.message } : {}) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The Lambda entry point (`functions/release.handler`). */
export const handler = createReleaseHandler();
