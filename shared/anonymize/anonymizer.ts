import type { EntityType } from "../detect/entity-types.js";
import type { Finding } from "../detect/finding.js";
import { DetectionError } from "../errors.js";
import { ConversationScope, type OperatorSecrets } from "./operator.js";
import { OPERATORS, type OperatorName } from "./operators/index.js";
import { operatorFor, PolicySchema, type Policy } from "./policy.js";

/** Where one finding went in the anonymized text; offsets only, never the value. */
export interface AppliedOperator {
  readonly entity: EntityType;
  readonly operator: OperatorName;
  /** Span in the original text. */
  readonly start: number;
  readonly end: number;
  /** Span of the replacement in the anonymized text. */
  readonly outStart: number;
  readonly outEnd: number;
}

export interface AnonymizedText {
  readonly text: string;
  readonly applied: readonly AppliedOperator[];
}

/**
 * Applies a policy's operators to findings, right to left so earlier offsets stay valid
 * (presidio's engine_base), then checks that no found value is left verbatim (fail closed).
 *
 * @example
 * const anonymizer = new Anonymizer();
 * const scope = anonymizer.newScope();
 * anonymizer.anonymize("電話は090-1234-5678", findings, scope).text // "電話は<PHONE_1>"
 */
export class Anonymizer {
  readonly policy: Policy;

  constructor(
    policy: Policy = PolicySchema.parse({}),
    private readonly secrets: OperatorSecrets = {},
  ) {
    this.policy = policy;
  }

  /** One scope per conversation: placeholder numbers restart, and repeat for repeated values. */
  newScope(): ConversationScope {
    return new ConversationScope();
  }

  anonymize(text: string, findings: readonly Finding[], scope: ConversationScope): AnonymizedText {
    const ordered = [...findings].sort((a, b) => a.start - b.start);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i]!.start < ordered[i - 1]!.end) throw new DetectionError("overlapping findings reached the anonymizer");
    }
    for (const f of ordered) {
      if (f.start < 0 || f.end > text.length || f.end <= f.start) throw new DetectionError("finding out of the text's bounds");
    }
    // Number placeholders in reading order, then rewrite right to left.
    const replacements = ordered.map((finding) => {
      const spec = operatorFor(this.policy, finding.entity);
      const operator = OPERATORS[spec.operator];
      const surface = text.slice(finding.start, finding.end);
      const { operator: _name, ...params } = spec;
      const out = (operator.apply as (input: Parameters<typeof operator.apply>[0], p: unknown) => string)(
        { finding, surface, scope, secrets: this.secrets },
        params,
      );
      return { finding, operator: spec.operator, out };
    });
    let result = text;
    for (let i = replacements.length - 1; i >= 0; i--) {
      const { finding, out } = replacements[i]!;
      result = result.slice(0, finding.start) + out + result.slice(finding.end);
    }
    const applied: AppliedOperator[] = [];
    let shift = 0;
    for (const { finding, operator, out } of replacements) {
      const outStart = finding.start + shift;
      applied.push({ entity: finding.entity, operator, start: finding.start, end: finding.end, outStart, outEnd: outStart + out.length });
      shift += out.length - (finding.end - finding.start);
    }
    this.assertNothingLeft(text, result, replacements);
    return { text: result, applied };
  }

  /** A value that an operator should have removed but that still appears means a bug: refuse the text. */
  private assertNothingLeft(
    original: string,
    result: string,
    replacements: ReadonlyArray<{ finding: Finding; operator: OperatorName; out: string }>,
  ): void {
    for (const { finding, operator } of replacements) {
      if (operator === "generalize") continue; // a prefecture may legitimately stay
      const surface = original.slice(finding.start, finding.end);
      if (surface.length >= 4 && result.includes(surface) && !original.replace(surface, "").includes(surface)) {
        throw new DetectionError(`a ${finding.entity} value survived anonymization`);
      }
    }
  }
}
