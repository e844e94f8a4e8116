import { type ComprehendClient } from "@aws-sdk/client-comprehend";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { parseRoleSpec } from "../../shared/schema/conversation.js";
import { parsePolicy, policyNeedsKey } from "../../shared/anonymize/policy.js";
import type { ExternalEntitySource } from "../../shared/detect/external-source.js";
import { createEngine, type Engine } from "../../shared/engine.js";
import { ConfigError } from "../../shared/errors.js";
import { createComprehendSource } from "./comprehend-source.js";

/**
 * Environment of the functions, one zod schema per function; defaults live only here. An invalid
 * environment is a ConfigError naming the variables, never their values.
 */

const Flag = z.enum(["true", "false"]).default("false").transform((v) => v === "true");
const Name = z.string().trim().min(1);

/**
 * The anonymize function's environment.
 *
 * - `OUTPUT_BUCKET`: the anonymized bucket (rows, audit, quarantine). The input bucket comes from the event.
 * - `KMS_KEY_ID`: the key for SSE-KMS on every write (the bucket default when unset).
 * - `TOKUMEI_POLICY`: the anonymization policy as JSON (or YAML); the default policy (mask) when unset.
 * - `TOKUMEI_HMAC_SECRET_ARN`: the Secrets Manager secret holding the HMAC key, read once per container
 *   when the policy pseudonymizes.
 * - `TOKUMEI_COMPREHEND`: "true" adds Amazon Comprehend DetectEntities as an extra signal.
 *
 * @example
 * AnonymizeEnvSchema.parse({ OUTPUT_BUCKET: "anonymized" }).TOKUMEI_COMPREHEND; // false
 */
export const AnonymizeEnvSchema = z.object({
  OUTPUT_BUCKET: Name,
  KMS_KEY_ID: Name.optional(),
  TOKUMEI_POLICY: z.string().optional(),
  TOKUMEI_HMAC_SECRET_ARN: Name.optional(),
  TOKUMEI_COMPREHEND: Flag,
  /** Speaker label → role for transcripts (spk_0=agent,spk_1=customer,ch_0=agent…); chats carry their own. */
  TOKUMEI_ROLES: z
    .string()
    .optional()
    .transform((spec, ctx) => {
      if (spec === undefined) return undefined;
      const parsed = parseRoleSpec(spec);
      if (parsed.ok) return parsed.roles;
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }),
  /** Larger inputs are quarantined with a clear reason rather than exhausting the function's memory. */
  TOKUMEI_MAX_INPUT_MB: z.coerce.number().positive().max(10_240).default(256),
});
export type AnonymizeEnv = z.infer<typeof AnonymizeEnvSchema>;

/**
 * The start-transcription function's environment.
 *
 * - `TRANSCRIPTS_BUCKET`: where Transcribe writes `transcripts/<job name>.json`.
 * - `KMS_KEY_ID`: OutputEncryptionKMSKeyId of the transcript (the bucket default when unset).
 * - `MAX_SPEAKER_LABELS`: speakers to tell apart (2–30, default 2) when diarizing.
 * - `CHANNEL_IDENTIFICATION`: "true" transcribes each channel of a stereo recording separately instead of
 *   diarizing (Transcribe does not allow both).
 *
 * @example
 * StartTranscriptionEnvSchema.parse({ TRANSCRIPTS_BUCKET: "transcripts" }).MAX_SPEAKER_LABELS; // 2
 */
export const StartTranscriptionEnvSchema = z.object({
  TRANSCRIPTS_BUCKET: Name,
  KMS_KEY_ID: Name.optional(),
  MAX_SPEAKER_LABELS: z.coerce.number().int().min(2).max(30).default(2),
  CHANNEL_IDENTIFICATION: Flag,
});
export type StartTranscriptionEnv = z.infer<typeof StartTranscriptionEnvSchema>;

/**
 * The transcription-failed function's environment: `OUTPUT_BUCKET` for the quarantine record and
 * `KMS_KEY_ID` for its encryption.
 *
 * @example
 * TranscriptionFailedEnvSchema.parse({ OUTPUT_BUCKET: "anonymized" });
 */
export const TranscriptionFailedEnvSchema = z.object({
  OUTPUT_BUCKET: Name,
  KMS_KEY_ID: Name.optional(),
});
export type TranscriptionFailedEnv = z.infer<typeof TranscriptionFailedEnvSchema>;

/**
 * The review-report function's environment.
 *
 * - `RAW_BUCKET`: where chat logs are read (incoming/chat/) and where the report is written (review/).
 * - `TRANSCRIPTS_BUCKET`: where call transcripts are read (transcripts/).
 * - `KMS_KEY_ID`: the key for SSE-KMS on the report (the bucket default when unset).
 * - `TOKUMEI_POLICY`: the anonymization policy as JSON (or YAML); the default policy (mask) when unset. It may
 *   not pseudonymize: the HMAC key stays readable by the anonymizer alone.
 * - `TOKUMEI_COMPREHEND`: "true" adds Amazon Comprehend as the anonymizer does, so the report shows what it masks.
 *
 * @example
 * ReviewReportEnvSchema.parse({ RAW_BUCKET: "raw", TRANSCRIPTS_BUCKET: "transcripts" }).TOKUMEI_COMPREHEND; // false
 */
export const ReviewReportEnvSchema = z.object({
  RAW_BUCKET: Name,
  TRANSCRIPTS_BUCKET: Name,
  KMS_KEY_ID: Name.optional(),
  TOKUMEI_POLICY: z.string().optional(),
  TOKUMEI_COMPREHEND: Flag,
});
export type ReviewReportEnv = z.infer<typeof ReviewReportEnvSchema>;

/**
 * The release function's environment: `DATASET_BUCKET` (the anonymized bucket: it reads datasets/ and writes
 * releases/ there) and `KMS_KEY_ID` for SSE-KMS on every write.
 *
 * @example
 * ReleaseEnvSchema.parse({ DATASET_BUCKET: "anonymized" });
 */
export const ReleaseEnvSchema = z.object({
  DATASET_BUCKET: Name,
  KMS_KEY_ID: Name.optional(),
});
export type ReleaseEnv = z.infer<typeof ReleaseEnvSchema>;

/**
 * Parses an environment with a schema; empty strings count as unset.
 *
 * @example
 * const env = parseEnv(AnonymizeEnvSchema, process.env);
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.map(String).join(".") || "(root)"))];
    throw new ConfigError(`invalid environment: ${names.join(", ")}`);
  }
  return parsed.data;
}

/** The HMAC key must be at least this long, as in the CLI's TOKUMEI_HMAC_KEY. */
const MIN_HMAC_KEY_BYTES = 32;

/** What the anonymize function builds once per container. */
export interface AnonymizeRuntime {
  readonly env: AnonymizeEnv;
  readonly engine: Engine;
  readonly externalSource: ExternalEntitySource | undefined;
}

/**
 * Builds the engine from the environment: the policy from `TOKUMEI_POLICY`, the HMAC key from Secrets
 * Manager when the policy needs one (the secret's string, UTF-8, like the CLI's TOKUMEI_HMAC_KEY, or its
 * binary value; at least 32 bytes), and the Comprehend source when enabled.
 *
 * @example
 * const runtime = await loadAnonymizeRuntime(process.env, { secrets: new SecretsManagerClient({}), comprehend: () => new ComprehendClient({}) });
 */
export async function loadAnonymizeRuntime(
  rawEnv: Readonly<Record<string, string | undefined>>,
  clients: { secrets: () => SecretsManagerClient; comprehend: () => ComprehendClient },
): Promise<AnonymizeRuntime> {
  const env = parseEnv(AnonymizeEnvSchema, rawEnv);
  const policy = env.TOKUMEI_POLICY === undefined ? undefined : parsePolicy(env.TOKUMEI_POLICY, "TOKUMEI_POLICY");
  let hmacKey: Buffer | undefined;
  if (policy && policyNeedsKey(policy)) {
    if (!env.TOKUMEI_HMAC_SECRET_ARN) throw new ConfigError("the policy pseudonymizes with HMAC: set TOKUMEI_HMAC_SECRET_ARN");
    hmacKey = await readHmacKey(clients.secrets(), env.TOKUMEI_HMAC_SECRET_ARN);
  }
  const engine = createEngine({ ...(policy ? { policy } : {}), ...(hmacKey ? { secrets: { hmacKey } } : {}) });
  const externalSource = env.TOKUMEI_COMPREHEND ? createComprehendSource(clients.comprehend(), {}) : undefined;
  return { env, engine, externalSource };
}

async function readHmacKey(client: SecretsManagerClient, secretId: string): Promise<Buffer> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const key =
    secret.SecretString !== undefined
      ? Buffer.from(secret.SecretString, "utf8")
      : secret.SecretBinary !== undefined
        ? Buffer.from(secret.SecretBinary)
        : undefined;
  if (key === undefined) throw new ConfigError("the HMAC secret has no value");
  if (key.length < MIN_HMAC_KEY_BYTES) throw new ConfigError(`the HMAC secret is too short: use at least ${MIN_HMAC_KEY_BYTES} bytes`);
  return key;
}
