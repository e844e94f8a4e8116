import { z } from "zod";
import { EntityTypeSchema } from "../detect/entity-types.js";

/**
 * Detector configuration. Defaults live only here. Recognizers are addressed by id; an unknown id is an error
 * at load time, not a silent no-op.
 */
export const AnalyzerConfigSchema = z
  .object({
    /** Findings scoring below this are dropped. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** Character window searched for context words (Japanese has no spaces to count tokens by). */
    context: z
      .object({
        before: z.number().int().nonnegative().default(30),
        after: z.number().int().nonnegative().default(15),
        /** Added to the score when a context word is in the window. */
        boost: z.number().min(0).max(1).default(0.35),
        /** Score multiplier when a negative context word is in the window. */
        negativeFactor: z.number().min(0).max(1).default(0.4),
      })
      .strict()
      .prefault({}),
    /** How far before a value its label may stand (会員番号は、えっと、…). */
    labelWindow: z.number().int().nonnegative().default(20),
    /** Score multiplier when the nearest label before a value belongs to another type (policy rule 8). */
    competingLabelFactor: z.number().min(0).max(1).default(0.3),
    overlapStrategy: z.enum(["outermost", "highest-score"]).default("outermost"),
    /** Per recognizer id: switch off, or replace the base score of all its patterns. */
    recognizers: z
      .record(z.string(), z.object({ enabled: z.boolean().default(true), score: z.number().min(0).max(1).optional() }).strict())
      .default({}),
    /** Only report these types (default: all). */
    entities: z.array(EntityTypeSchema).optional(),
    /** Values never reported (compared after normalisation), e.g. the company's own hotline. */
    allowList: z.array(z.string()).default([]),
  })
  .strict();

export type AnalyzerConfig = z.infer<typeof AnalyzerConfigSchema>;
export type AnalyzerConfigInput = z.input<typeof AnalyzerConfigSchema>;
