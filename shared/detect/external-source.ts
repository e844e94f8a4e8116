import type { EntityType } from "./entity-types.js";

/**
 * A detector outside the engine (Amazon Comprehend DetectEntities, say) that adds an extra signal for
 * names, organisations and places. It is asynchronous and may fail; the engine merges what it returns with
 * its own findings by the same overlap rules, and fails closed when it throws.
 */
export interface ExternalEntity {
  readonly entity: EntityType;
  /** UTF-16 offsets into the text that was sent. */
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

export interface ExternalEntitySource {
  /** A short name for findings' provenance, e.g. "comprehend". */
  readonly id: string;
  /** One result list per text, in order. Throws when the service cannot answer (after its own retries). */
  detect(texts: readonly string[]): Promise<ExternalEntity[][]>;
}
