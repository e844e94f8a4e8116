import { z } from "zod";
import { parseRoleSpec } from "../shared/schema/conversation.js";

/**
 * Configuration of the tokumei stack, read from CDK context (`cdk.json` → `context`, or `-c key=value` on the
 * command line). This schema is the only place that holds defaults: a new option is one edit here plus its use.
 * Values given with `-c` arrive as strings, so numbers and booleans are coerced; unknown keys are ignored
 * because CDK context also carries feature flags.
 *
 * @example
 * const config = parseConfig({ retentionDays: "14", mode: "pseudonymize" });
 * config.retentionDays; // 14
 * config.resultsRetentionDays; // 7
 */

/** `true`/`false` as booleans or as the strings `-c flag=true` produces. */
const booleanish = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const lowered = value.trim().toLowerCase();
  if (lowered === "true") return true;
  if (lowered === "false") return false;
  return value;
}, z.boolean());

/** A whole number given as a number or as the string `-c days=14` produces. */
const integer = (min: number, max: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value), z.number().int().min(min).max(max));

/** Retention periods CloudWatch Logs accepts (RetentionDays). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const TokumeiConfigSchema = z.object({
  /** CloudFormation stack name. */
  stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/).default("Tokumei"),
  /** Deploy to this region; unset = the region of the CLI profile (environment-agnostic template). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).optional(),
  /** Days raw audio (incoming/audio/) and Transcribe output are kept. */
  retentionDays: integer(1, 3650).default(30),
  /** Days raw chat logs (incoming/chat/) are kept; unset = kept until deleted by hand. */
  chatRetentionDays: integer(1, 3650).optional(),
  /** Days Athena query results are kept. */
  resultsRetentionDays: integer(1, 3650).default(7),
  /** Days S3 server access logs are kept. */
  accessLogRetentionDays: integer(1, 3650).default(90),
  /** Days an overwritten or deleted version is kept in the versioned raw and anonymized buckets. */
  noncurrentVersionRetentionDays: integer(1, 3650).default(7),
  /** Days CloudWatch Logs keep function and state machine logs (a value CloudWatch accepts). */
  logRetentionDays: z
    .preprocess((value) => (typeof value === "string" ? Number(value) : value), z.number())
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(30),
  /** Default anonymization: `mask` (匿名加工, typed placeholders) or `pseudonymize` (仮名加工, keyed HMAC tokens). */
  mode: z.enum(["mask", "pseudonymize"]).default("mask"),
  /** Speaker diarization: most speakers Transcribe tells apart in a mono recording (2–30). */
  maxSpeakerLabels: integer(2, 30).default(2),
  /** Channel identification instead of diarization, for stereo recordings with one party per channel. */
  channelIdentification: booleanish.default(false),
  /**
   * Roles of transcript speakers (TOKUMEI_ROLES of the anonymizer): with diarization spk_0 is who speaks first,
   * in a call centre the agent who answers; with channel identification ch_0 is the agent's channel.
   */
  roles: z
    .string()
    .refine((spec) => parseRoleSpec(spec).ok, "roles must be speaker=role pairs, e.g. spk_0=agent,spk_1=customer")
    .default("spk_0=agent,spk_1=customer,ch_0=agent,ch_1=customer"),
  /** Amazon Comprehend DetectEntities as an extra signal (grants comprehend:DetectEntities/BatchDetectEntities). */
  comprehend: booleanish.default(false),
  /** Alias of the customer-managed KMS key that encrypts buckets, queues, logs and the secret. */
  kmsKeyAlias: z
    .string()
    .regex(/^alias\/[A-Za-z0-9/_-]{1,250}$/, "kmsKeyAlias must look like alias/name")
    .refine((alias) => !alias.startsWith("alias/aws/"), "alias/aws/ is reserved for AWS managed keys")
    .default("alias/tokumei"),
  /**
   * The review-report function (opt-in): invoked with `{"inputKey": …}`, it writes an HTML page with the masked
   * text beside the raw text to review/ of the raw bucket. Off by default: it is one more principal that reads
   * raw personal data.
   */
  reviewReport: booleanish.default(false),
  /** AWS X-Ray active tracing on the functions and the state machine. */
  tracing: booleanish.default(false),
  /** Memory of the anonymizer (kuromoji's dictionary takes about 300 MB). */
  anonymizeMemoryMb: integer(512, 10240).default(2048),
  /** Timeout of the anonymizer; its queue's visibility timeout is six times this. */
  anonymizeTimeoutSeconds: integer(30, 900).default(300),
  /** SQS messages (files) per anonymizer invocation. */
  anonymizeBatchSize: integer(1, 10).default(5),
  /** Most anonymizer invocations the SQS event source runs at once. */
  anonymizeMaxConcurrency: integer(2, 1000).default(10),
  /** Deliveries of a message before it moves to the dead-letter queue. */
  maxReceiveCount: integer(1, 1000).default(5),
  /** Memory of the release function, which holds the selected datasets in memory while it builds a release. */
  releaseMemoryMb: integer(512, 10240).default(3008),
  /** Most anonymizer invocations one backfill (Distributed Map) runs at once. */
  backfillMaxConcurrency: integer(1, 10000).default(20),
  /** First day of the `dt` partition projection (YYYY-MM-DD). */
  projectionStartDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default("2024-01-01"),
  /** Subscribe this address to the alarm topic; unset = no subscription. */
  alarmEmail: z.email().optional(),
});

export type TokumeiConfig = z.infer<typeof TokumeiConfigSchema>;

/** The context keys the schema reads. */
export const CONFIG_KEYS = Object.keys(TokumeiConfigSchema.shape) as readonly (keyof TokumeiConfig)[];

/**
 * Parses CDK context into the stack configuration; throws with every problem listed when a value is invalid.
 *
 * @example
 * parseConfig({}).mode; // "mask"
 */
export function parseConfig(context: Readonly<Record<string, unknown>>): TokumeiConfig {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    if (context[key] !== undefined) picked[key] = context[key];
  }
  const result = TokumeiConfigSchema.safeParse(picked);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(context)"}: ${issue.message}`);
    throw new Error(`Invalid tokumei CDK context:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}
