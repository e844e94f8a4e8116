import { z } from "zod";
import { EntityTypeSchema } from "../detect/entity-types.js";

/** What was done to one input: counts and versions only, never raw text or detected values. */
export const AuditRecordSchema = z
  .object({
    inputKey: z.string(),
    status: z.literal("anonymized"),
    format: z.string(),
    /** How the input's bytes were decoded (text/decode.ts). */
    encoding: z.enum(["utf-8", "utf-8-bom", "utf-16le", "utf-16be", "cp932"]),
    conversations: z.number().int().nonnegative(),
    utterances: z.number().int().nonnegative(),
    entities: z.partialRecord(EntityTypeSchema, z.number().int().nonnegative()),
    engineVersion: z.string(),
    policyHash: z.string(),
    mode: z.enum(["mask", "pseudonymize"]),
    outputs: z.array(z.string()),
    processedAt: z.string(),
  })
  .strict();
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** Why an input was not anonymized; the reason names the problem and place, never the content. */
export const QuarantineRecordSchema = z
  .object({
    inputKey: z.string(),
    status: z.literal("quarantined"),
    errorType: z.string(),
    reason: z.string(),
    engineVersion: z.string(),
    processedAt: z.string(),
  })
  .strict();
export type QuarantineRecord = z.infer<typeof QuarantineRecordSchema>;

/** One line of the anonymized utterance output (JSONL). */
export const AnonymizedUtteranceRowSchema = z
  .object({
    conversationId: z.string(),
    source: z.enum(["call", "chat"]),
    index: z.number().int().nonnegative(),
    speaker: z.string(),
    role: z.string().optional(),
    startMs: z.number().optional(),
    endMs: z.number().optional(),
    timestamp: z.string().optional(),
    text: z.string(),
    entities: z.array(z.object({ type: EntityTypeSchema, start: z.number().int(), end: z.number().int(), operator: z.string() })),
  })
  .strict();
export type AnonymizedUtteranceRow = z.infer<typeof AnonymizedUtteranceRowSchema>;
