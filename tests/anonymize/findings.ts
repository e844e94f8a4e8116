import { ConversationScope, type OperatorInput, type OperatorSecrets } from "../../shared/anonymize/operator.js";
import type { EntityType } from "../../shared/detect/entity-types.js";
import type { Finding } from "../../shared/detect/finding.js";

/**
 * Hand-built findings for operator and anonymizer tests, so that they do not depend on what the detector
 * finds. `canonical` defaults to the surface.
 *
 * @example
 * finding("PHONE", "電話は090-1234-5678", "090-1234-5678") // { entity: "PHONE", start: 3, end: 16, … }
 */
export function finding(entity: EntityType, text: string, surface: string, options: { canonical?: string; from?: number } = {}): Finding {
  const start = text.indexOf(surface, options.from ?? 0);
  if (start < 0) throw new Error(`test bug: "${surface}" is not in the text`);
  return span(entity, start, start + surface.length, options.canonical ?? surface);
}

/** A finding at explicit offsets (for out-of-bounds and overlap cases). */
export function span(entity: EntityType, start: number, end: number, canonical = `${entity}-${start}`): Finding {
  return { entity, start, end, score: 1, recognizerId: "test", patternName: "test", validated: false, canonical };
}

/** What an operator sees for a whole-string surface. */
export function operatorInput(
  entity: EntityType,
  surface: string,
  options: { canonical?: string; scope?: ConversationScope; secrets?: OperatorSecrets } = {},
): OperatorInput {
  return {
    finding: span(entity, 0, surface.length, options.canonical ?? surface),
    surface,
    scope: options.scope ?? new ConversationScope(),
    secrets: options.secrets ?? {},
  };
}
