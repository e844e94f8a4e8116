import { EntityType as ComprehendEntityTypes } from "@aws-sdk/client-comprehend";
import { z } from "zod";
import { EntityTypeSchema } from "../../shared/detect/entity-types.js";

/**
 * The built-in entity types of Comprehend DetectEntities, taken from the SDK's own `EntityType` enum
 * (COMMERCIAL_ITEM, DATE, EVENT, LOCATION, ORGANIZATION, OTHER, PERSON, QUANTITY, TITLE).
 *
 * @example
 * ComprehendEntityTypeSchema.parse("PERSON"); // "PERSON"
 */
export const ComprehendEntityTypeSchema = z.enum(ComprehendEntityTypes);
export type ComprehendEntityType = z.infer<typeof ComprehendEntityTypeSchema>;

/** Waits `ms` milliseconds. Injected so tests never really wait. */
export type Sleep = (ms: number) => Promise<void>;

/** Returns a number in [0, 1), like Math.random. Injected so tests can pin the backoff jitter. */
export type Random = () => number;

const isFunction = (value: unknown): boolean => typeof value === "function";

/**
 * Options of the Comprehend entity source. Defaults live only here. Whether Comprehend is used at all is
 * the caller's decision; this schema only shapes how it is called. Unknown keys are rejected, so a typo
 * fails at load instead of silently keeping a default.
 *
 * - `mode`: `batch` sends up to 25 documents of ≤ 5,000 UTF-8 bytes per BatchDetectEntities call;
 *   `single` sends one DetectEntities call per document of ≤ 100,000 bytes.
 * - `minScore`: entities scoring below this are dropped.
 * - `maxAttempts`: requests per batch (or per single document), counting the first; throttling, 5xx and
 *   per-document batch errors are retried until this many requests were made.
 * - `baseDelayMs` / `maxDelayMs`: exponential backoff with full jitter between attempts.
 * - `types`: Comprehend type → tokumei entity type. Replaces the default mapping as a whole; Comprehend
 *   types that are not listed are ignored.
 * - `sleep` / `random`: injected for tests.
 *
 * @example
 * const options = ComprehendOptionsSchema.parse({ mode: "single", types: { PERSON: "PERSON" } });
 * options.minScore; // 0.5
 */
export const ComprehendOptionsSchema = z
  .object({
    mode: z.enum(["batch", "single"]).default("batch"),
    minScore: z.number().min(0).max(1).default(0.5),
    maxAttempts: z.number().int().min(1).max(10).default(4),
    baseDelayMs: z.number().int().min(0).max(60_000).default(100),
    maxDelayMs: z.number().int().min(0).max(300_000).default(5_000),
    types: z
      .partialRecord(ComprehendEntityTypeSchema, EntityTypeSchema)
      .default(() => ({ PERSON: "PERSON", ORGANIZATION: "ORGANIZATION", LOCATION: "LOCATION" }) as const),
    sleep: z.custom<Sleep>(isFunction, { message: "sleep must be a function" }).optional(),
    random: z.custom<Random>(isFunction, { message: "random must be a function" }).optional(),
  })
  .strict();

export type ComprehendOptions = z.infer<typeof ComprehendOptionsSchema>;
export type ComprehendOptionsInput = z.input<typeof ComprehendOptionsSchema>;
