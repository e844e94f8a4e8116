import { createHmac } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import type { Operator } from "../operator.js";

const params = z
  .object({
    /** Hex characters of the HMAC kept in the token; 10 (40 bits) keeps collisions rare per type. */
    length: z.number().int().min(8).max(64).default(10),
    format: z.string().min(1).default("<{type}:{token}>"),
  })
  .strict();

/**
 * Keyed SHA-256 of the type and the value's canonical form: the same value gets the same token in every
 * conversation and every run with the same key (仮名加工 style), and cannot be reversed without the key.
 *
 * @example
 * hmacOperator.apply(input, { length: 10, format: "<{type}:{token}>" }) // "<PHONE:3fa9c1d2e0>"
 */
export const hmacOperator: Operator<typeof params> = {
  name: "hmac",
  params,
  apply({ finding, secrets }, { length, format }) {
    if (!secrets.hmacKey) throw new ConfigError("the hmac operator needs a key (set TOKUMEI_HMAC_KEY or pass one in the secrets)");
    const token = createHmac("sha256", secrets.hmacKey).update(`${finding.entity}\u0000${finding.canonical}`).digest("hex").slice(0, length);
    return format.replaceAll("{type}", finding.entity).replaceAll("{token}", token);
  },
};
