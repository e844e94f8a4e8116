import type { Finding } from "../detect/finding.js";
import type { Role } from "../schema/conversation.js";
import { ConversationScope } from "./operator.js";
import { generalizeOperator } from "./operators/generalize.js";

/**
 * The customer's quasi-identifiers of one conversation, generalised at detection time: the raw age, address
 * or birth date never leaves the engine, only its band (the labels of the `generalize` operator). They fill
 * the conversations dataset's customer_* columns, over which a 匿名加工 release checks k-anonymity.
 */
export interface QuasiIdentifiers {
  /** 年代: "40代", "10歳未満", top-coded "90歳以上"; null when no age was found. */
  readonly ageBand: string | null;
  /** Prefecture of the customer's address ("東京都"); null when none was found or it names no prefecture. */
  readonly prefecture: string | null;
  /** Birth-year band: "1980年代"; null when no birth date with a year was found. */
  readonly birthYearBand: string | null;
}

/** Roles that speak for the person the conversation is about. */
const CUSTOMER_SIDE: ReadonlySet<Role> = new Set(["customer", "user", "student"]);

/** Default generalize parameters (top-code 90, 10-year bands), so every dataset uses the same labels. */
const GENERALIZE_DEFAULTS = generalizeOperator.params.parse({});

/** Which finding type feeds which quasi-identifier (LOCATION is a hometown or a relative's city, not a residence). */
const SOURCES = { ageBand: "AGE", prefecture: "ADDRESS", birthYearBand: "DATE_OF_BIRTH" } as const;

/**
 * The first readable value of each quasi-identifier, in conversation order, from the customer's side (roles
 * customer, user, student); when that side says nothing of it (or no roles are known), from any utterance,
 * since agents read the customer's details back. A heuristic: a conversation is about one customer, and
 * another person's age (a child's, say) said first would be taken for theirs.
 *
 * @example
 * quasiIdentifiersOf([{ role: "customer", text: "42歳です" }], [[ageFinding(0, 3)]])
 * // → { ageBand: "40代", prefecture: null, birthYearBand: null }
 */
export function quasiIdentifiersOf(
  utterances: ReadonlyArray<{ readonly text: string; readonly role?: Role | undefined }>,
  findings: ReadonlyArray<readonly Finding[]>,
): QuasiIdentifiers {
  const result: Record<keyof QuasiIdentifiers, string | null> = { ageBand: null, prefecture: null, birthYearBand: null };
  for (const [field, entity] of Object.entries(SOURCES) as [keyof QuasiIdentifiers, Finding["entity"]][]) {
    const candidates: { customerSide: boolean; value: string }[] = [];
    utterances.forEach((utterance, i) => {
      for (const finding of [...(findings[i] ?? [])].sort((a, b) => a.start - b.start)) {
        if (finding.entity !== entity) continue;
        const value = generalised(finding, utterance.text);
        if (value !== null) candidates.push({ customerSide: utterance.role !== undefined && CUSTOMER_SIDE.has(utterance.role), value });
      }
    });
    result[field] = (candidates.find((c) => c.customerSide) ?? candidates[0])?.value ?? null;
  }
  return result;
}

/** The generalize operator's label for a finding, or null when it cannot read the value (it falls back to `<TYPE>`). */
function generalised(finding: Finding, text: string): string | null {
  const out = generalizeOperator.apply(
    { finding, surface: text.slice(finding.start, finding.end), scope: new ConversationScope(), secrets: {} },
    GENERALIZE_DEFAULTS,
  );
  return out.startsWith("<") ? null : out;
}
