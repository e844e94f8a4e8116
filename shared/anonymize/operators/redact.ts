import { z } from "zod";
import type { Operator } from "../operator.js";

const params = z.object({}).strict();

/**
 * Removes the span entirely.
 *
 * @example
 * redactOperator.apply(input, {}) // ""
 */
export const redactOperator: Operator<typeof params> = {
  name: "redact",
  params,
  apply: () => "",
};
