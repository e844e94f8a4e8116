import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { parsePolicy, policyNeedsKey, type Policy } from "../shared/anonymize/policy.js";
import type { OperatorSecrets } from "../shared/anonymize/operator.js";
import { ConfigError } from "../shared/errors.js";
import { AnalyzerConfigSchema, type AnalyzerConfig } from "../shared/schema/analyzer-config.js";

/** Reads a detector config file (JSON or YAML); errors name the file and the invalid setting. */
export async function loadAnalyzerConfig(file: string | undefined): Promise<AnalyzerConfig> {
  if (!file) return AnalyzerConfigSchema.parse({});
  const raw = parseYaml(await readText(file));
  const result = AnalyzerConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(`${file}: invalid config: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return result.data;
}

export async function loadPolicy(file: string | undefined): Promise<Policy> {
  return parsePolicy(file ? await readText(file) : "{}", file ?? "default policy");
}

/** The HMAC key comes from the environment, never from a file in the repo, and is never printed. */
export function loadSecrets(policy: Policy, env: NodeJS.ProcessEnv = process.env): OperatorSecrets {
  const key = env["TOKUMEI_HMAC_KEY"];
  if (!policyNeedsKey(policy)) return {};
  if (!key) throw new ConfigError("this policy pseudonymizes with HMAC: set TOKUMEI_HMAC_KEY (at least 32 characters)");
  if (key.length < 32) throw new ConfigError("TOKUMEI_HMAC_KEY is too short: use at least 32 characters");
  return { hmacKey: Buffer.from(key, "utf8") };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
