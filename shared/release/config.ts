import { createHash } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { SourceSchema } from "../schema/conversation.js";

/**
 * Settings of a 匿名加工 release, one schema for the CLI flags and the Lambda event; defaults live only here.
 */

/**
 * Columns of the release's conversations table that may be declared quasi-identifiers. The customer_* columns
 * have generalisation hierarchies (age band → 20-year band, prefecture → region, birth decade → 20-year band);
 * `source` and `format` can only be kept or blanked.
 */
export const QuasiIdentifierSchema = z.enum(["customer_age_band", "customer_prefecture", "customer_birth_year_band", "source", "format"]);
export type QuasiIdentifier = z.infer<typeof QuasiIdentifierSchema>;

/** The customer's generalised attributes: what another data set (a customer list) could be joined on. */
export const DEFAULT_QUASI_IDENTIFIERS: readonly QuasiIdentifier[] = ["customer_age_band", "customer_prefecture", "customer_birth_year_band"];

/** A partition date, YYYY-MM-DD, that exists on the calendar. */
const PartitionDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((dt) => new Date(`${dt}T00:00:00Z`).toISOString().startsWith(dt), "not a calendar date");

/** Release ids name an S3 prefix: letters, digits, `.`, `_`, `-`, not starting with `.` or `_` (hidden to Athena). */
export const ReleaseIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 characters: letters, digits, '.', '_', '-', starting with a letter or digit");

/**
 * - `k`: every combination of quasi-identifier values in the output is shared by at least k conversations.
 * - `quasiIdentifiers`: the columns k is checked over (default: the customer's age band, prefecture, birth-year band).
 * - `maxSuppression`: the share of conversations that may be suppressed (dropped with their utterances) rather
 *   than generalising a column further; 0 generalises as far as needed, 1 only suppresses.
 * - `from` / `to`: the partition dates (dt, inclusive) of the datasets to read; all when unset.
 * - `sources`: `call`, `chat` or both.
 * - `tokenScope`: `conversation` (default) gives every value its own token in each conversation, so nothing
 *   links two conversations; `release` keeps the 仮名加工 HMAC tokens' linkage across conversations, re-keyed,
 *   within this release only (k then counts conversations, not people: use with care).
 * - `releaseId`: the prefix under releases/; a new id (UTC time and random hex) when unset.
 *
 * @example
 * ReleaseConfigSchema.parse({}) // { k: 5, quasiIdentifiers: [...3 customer columns], maxSuppression: 0.05, sources: ["call", "chat"], tokenScope: "conversation" }
 */
export const ReleaseConfigSchema = z
  .object({
    k: z.number().int().min(2).max(1000).default(5),
    quasiIdentifiers: z
      .array(QuasiIdentifierSchema)
      .min(1)
      .refine((columns) => new Set(columns).size === columns.length, "a column is listed twice")
      .default([...DEFAULT_QUASI_IDENTIFIERS]),
    maxSuppression: z.number().min(0).max(1).default(0.05),
    from: PartitionDateSchema.optional(),
    to: PartitionDateSchema.optional(),
    sources: z
      .array(SourceSchema)
      .min(1)
      .refine((sources) => new Set(sources).size === sources.length, "a source is listed twice")
      .default(["call", "chat"]),
    tokenScope: z.enum(["conversation", "release"]).default("conversation"),
    releaseId: ReleaseIdSchema.optional(),
  })
  .strict()
  .refine((c) => c.from === undefined || c.to === undefined || c.from <= c.to, { path: ["to"], message: "to is before from" });
export type ReleaseConfig = z.infer<typeof ReleaseConfigSchema>;
export type ReleaseConfigInput = z.input<typeof ReleaseConfigSchema>;

/**
 * Parses release settings; errors name the setting and the problem, never the value given.
 *
 * @example
 * parseReleaseConfig({ k: 10 }, "--k").k // 10
 */
export function parseReleaseConfig(raw: unknown, where = "release settings"): ReleaseConfig {
  const result = ReleaseConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError(`${where}: ${issues}`);
  }
  return result.data;
}

/**
 * A fingerprint of the settings that decide the release's content (the release id excluded), for the manifest.
 *
 * @example
 * releasePolicyHash(parseReleaseConfig({})) // "sha256:…"
 */
export function releasePolicyHash(config: ReleaseConfig): string {
  const { releaseId: _id, ...settings } = config;
  const canonical = JSON.stringify(settings, Object.keys(settings).sort());
  return `sha256:${createHash("sha256").update(canonical).digest("hex")}`;
}
