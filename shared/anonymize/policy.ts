import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { EntityTypeSchema } from "../detect/entity-types.js";
import { ConfigError } from "../errors.js";
import { GENERALIZABLE } from "./operators/generalize.js";
import { OPERATORS } from "./operators/index.js";

/** One operator choice with its typed parameters, e.g. `{ operator: "mask", keepLast: 4 }`. */
export const OperatorSpecSchema = z.discriminatedUnion("operator", [
  OPERATORS.replace.params.extend({ operator: z.literal("replace") }),
  OPERATORS.redact.params.extend({ operator: z.literal("redact") }),
  OPERATORS.mask.params.extend({ operator: z.literal("mask") }),
  OPERATORS.hmac.params.extend({ operator: z.literal("hmac") }),
  OPERATORS.generalize.params.extend({ operator: z.literal("generalize") }),
]);
export type OperatorSpec = z.infer<typeof OperatorSpecSchema>;

/**
 * The anonymization policy: which operator each type gets. `mode` picks the default:
 * `mask` → numbered placeholders (匿名加工), `pseudonymize` → keyed HMAC tokens (仮名加工).
 */
export const PolicySchema = z
  .object({
    mode: z.enum(["mask", "pseudonymize"]).default("mask"),
    default: OperatorSpecSchema.optional(),
    entities: z.partialRecord(EntityTypeSchema, OperatorSpecSchema).default({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const [entity, spec] of Object.entries(policy.entities)) {
      if (spec?.operator === "generalize" && !GENERALIZABLE.has(entity as never)) {
        ctx.addIssue({
          code: "custom",
          path: ["entities", entity],
          message: `generalize applies to ${[...GENERALIZABLE].join(", ")}, not ${entity}`,
        });
      }
    }
    if (policy.default?.operator === "generalize") {
      ctx.addIssue({ code: "custom", path: ["default"], message: "generalize cannot be the default operator" });
    }
  });
export type Policy = z.infer<typeof PolicySchema>;

/** The operator a type gets under a policy. */
export function operatorFor(policy: Policy, entity: z.infer<typeof EntityTypeSchema>): OperatorSpec {
  const explicit = policy.entities[entity];
  if (explicit) return explicit;
  if (policy.default) return policy.default;
  return policy.mode === "pseudonymize"
    ? OperatorSpecSchema.parse({ operator: "hmac" })
    : OperatorSpecSchema.parse({ operator: "replace" });
}

/** Whether any type is pseudonymized with HMAC, so that a key must be provided. */
export function policyNeedsKey(policy: Policy): boolean {
  return (
    policy.mode === "pseudonymize" ||
    policy.default?.operator === "hmac" ||
    Object.values(policy.entities).some((spec) => spec?.operator === "hmac")
  );
}

/**
 * Parses a policy file (JSON or YAML). Errors name the file and the invalid path, never a value.
 *
 * @example
 * parsePolicy('{"entities": {"AGE": {"operator": "generalize"}}}', "policy.json")
 */
export function parsePolicy(content: string, fileName = "policy"): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(content);
  } catch (error) {
    throw new ConfigError(`${fileName}: not valid JSON or YAML (${(error as Error).name})`);
  }
  const result = PolicySchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError(`${fileName}: invalid policy: ${issues}`);
  }
  return result.data;
}

/**
 * A stable fingerprint of the effective policy for audit records (which rules produced a dataset).
 *
 * @example
 * policyHash(PolicySchema.parse({})) // "sha256:…"
 */
export function policyHash(policy: Policy): string {
  return `sha256:${createHash("sha256").update(stableJson(policy)).digest("hex")}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
