import type { EntityType } from "./entity-types.js";

/**
 * One detected PII span, in UTF-16 offsets of the original text, with the provenance that explains it
 * (presidio's analysis explanation). `canonical` is the value in a comparable form (digits of a phone,
 * a lower-cased address) so that operators can number equal values alike; it is PII and never leaves memory.
 */
export interface Finding {
  readonly entity: EntityType;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly recognizerId: string;
  readonly patternName: string;
  /** true when a checksum or parser confirmed the value. */
  readonly validated: boolean;
  readonly canonical: string;
}
