import type { z } from "zod";
import type { Finding } from "../detect/finding.js";

/**
 * Per-conversation memory of operators: the same value gets the same placeholder number within one
 * conversation, and numbering starts again for the next (presidio issue #1102, instance identity).
 */
export class ConversationScope {
  private readonly numbers = new Map<string, Map<string, number>>();

  /**
   * @example
   * const s = new ConversationScope(); s.numberFor("PHONE", "+819012345678") // 1, and 1 again for the same value
   */
  numberFor(entity: string, canonical: string): number {
    const perType = this.numbers.get(entity) ?? new Map<string, number>();
    this.numbers.set(entity, perType);
    const known = perType.get(canonical);
    if (known !== undefined) return known;
    const next = perType.size + 1;
    perType.set(canonical, next);
    return next;
  }
}

/** What an operator sees of one finding. */
export interface OperatorInput {
  readonly finding: Finding;
  /** The original characters of the span. */
  readonly surface: string;
  readonly scope: ConversationScope;
  readonly secrets: OperatorSecrets;
}

/** Keys operators may need; held in memory only, never logged or written. */
export interface OperatorSecrets {
  readonly hmacKey?: Buffer;
}

/** An anonymization operator looked up by name (presidio's OperatorsFactory), with typed params. */
export interface Operator<P extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: P;
  apply(input: OperatorInput, params: z.infer<P>): string;
}
