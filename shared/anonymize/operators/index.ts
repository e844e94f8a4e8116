import { generalizeOperator } from "./generalize.js";
import { hmacOperator } from "./hmac.js";
import { maskOperator } from "./mask.js";
import { redactOperator } from "./redact.js";
import { replaceOperator } from "./replace.js";

/** Every operator by name, in one map (presidio's OperatorsFactory). */
export const OPERATORS = {
  replace: replaceOperator,
  redact: redactOperator,
  mask: maskOperator,
  hmac: hmacOperator,
  generalize: generalizeOperator,
} as const;

export type OperatorName = keyof typeof OPERATORS;
