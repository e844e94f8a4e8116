import { z } from "zod";
import type { Operator } from "../operator.js";

const params = z
  .object({
    /** `{type}` and `{n}` are filled in; without `{n}` every value of a type gets the same placeholder. */
    format: z.string().min(1).default("<{type}_{n}>"),
  })
  .strict();

/**
 * Typed, numbered placeholders, consistent within a conversation: the same phone number twice is
 * `<PHONE_1>` twice, a second number `<PHONE_2>`. Nothing of the value is kept (匿名加工 style).
 *
 * @example
 * replaceOperator.apply(input, { format: "<{type}_{n}>" }) // "<PHONE_1>"
 */
export const replaceOperator: Operator<typeof params> = {
  name: "replace",
  params,
  apply({ finding, scope }, { format }) {
    const n = format.includes("{n}") ? scope.numberFor(finding.entity, finding.canonical) : 0;
    return format.replaceAll("{type}", finding.entity).replaceAll("{n}", String(n));
  },
};
