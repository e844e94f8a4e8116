import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { EntityType } from "../shared/detect/entity-types.js";
import { ENTITY_TYPES } from "../shared/detect/entity-types.js";
import { createEngine } from "../shared/engine.js";
import { ConfigError } from "../shared/errors.js";
import { InputFormatSchema, type InputFormat } from "../shared/formats/index.js";
import { KeepFormatEncodingSchema, keepFormatOutputs } from "../shared/keep-format.js";
import { type ExtraOutputs, outputKeys, processObject } from "../shared/pipeline.js";
import { parseRoleSpec, type Role } from "../shared/schema/conversation.js";
import { loadAnalyzerConfig, loadPolicy, loadSecrets } from "./load-config.js";
import { LocalFolderStorage } from "./local-storage.js";
import { ProgressBar } from "./progress.js";

const SUPPORTED = /\.(json|jsonl|ndjson|csv|txt|zip)$/i;

export interface AnonymizeArgs {
  readonly input: string;
  readonly out: string;
  readonly policy?: string | undefined;
  readonly config?: string | undefined;
  readonly format?: string | undefined;
  /** `spk_0=agent,spk_1=customer`: roles of Transcribe speakers or channels. */
  readonly roles?: string | undefined;
  /** Print the masked conversations to stdout (the demo). */
  readonly print?: boolean;
  /** Also write each input again in its own format, masked (DIR/keep-format/<input>). */
  readonly keepFormat?: boolean;
  /** Encoding of the keep-format files: "input" (default) or a fixed one. */
  readonly keepFormatEncoding?: string | undefined;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/**
 * `tokumei anonymize FILE|DIR --out DIR`: every supported file → anonymized utterances + an audit record,
 * or a quarantine record saying what is wrong with it. Returns the exit code: 0 all anonymized,
 * 1 some inputs quarantined.
 */
export async function runAnonymize(args: AnonymizeArgs, io: Io): Promise<number> {
  const [config, policy] = await Promise.all([loadAnalyzerConfig(args.config), loadPolicy(args.policy)]);
  const engine = createEngine({ analyzer: config, policy, secrets: loadSecrets(policy) });
  const format = args.format !== undefined ? parseFormat(args.format) : undefined;
  const roleMap = args.roles !== undefined ? parseRoles(args.roles) : undefined;
  const parse = { ...(format ? { format } : {}), ...(roleMap ? { roleMap } : {}) };
  let extraOutputs: ExtraOutputs | undefined;
  if (args.keepFormat) {
    const encoding = KeepFormatEncodingSchema.safeParse(args.keepFormatEncoding ?? "input");
    if (!encoding.success) {
      throw new ConfigError(`unknown --keep-format-encoding ${args.keepFormatEncoding}; use one of ${KeepFormatEncodingSchema.options.join(", ")}`);
    }
    extraOutputs = keepFormatOutputs(engine, { encoding: encoding.data, parse });
  }
  const { root, keys } = await listInputs(args.input);
  if (keys.length === 0) throw new ConfigError(`no supported files (.json, .jsonl, .csv, .txt, .zip) under ${args.input}`);
  const storage = new LocalFolderStorage(root, args.out);
  const progress = new ProgressBar(keys.length, "anonymizing");
  const totals: Partial<Record<EntityType, number>> = {};
  let anonymized = 0;
  let utterances = 0;
  const failures: string[] = [];
  for (const [i, key] of keys.entries()) {
    const result = await processObject(key, storage, engine, { parse, ...(extraOutputs ? { extraOutputs } : {}) });
    if (result.status === "anonymized") {
      anonymized++;
      utterances += result.rows;
      for (const [type, n] of Object.entries(result.audit.entities)) totals[type as EntityType] = (totals[type as EntityType] ?? 0) + n;
      if (args.print) await printConversation(args.out, outputKeys(key).utterances, key, io);
    } else {
      failures.push(`${key}: ${result.record.reason} (details: ${join(args.out, outputKeys(key).quarantine)})`);
    }
    progress.update(i + 1);
  }
  progress.finish();
  io.out(summary(anonymized, failures.length, utterances, totals, args.out, args.keepFormat === true));
  io.out(`types this engine detects: ${engine.analyzer.entityTypes.join(", ")}`);
  for (const failure of failures) io.err(`quarantined ${failure}`);
  return failures.length > 0 ? 1 : 0;
}

/** `--format F`: one of the input formats, or a ConfigError listing them. */
export function parseFormat(value: string): InputFormat {
  const parsed = InputFormatSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`unknown --format ${value}; use one of ${InputFormatSchema.options.join(", ")}`);
  return parsed.data;
}

/** `--roles spk_0=agent,spk_1=customer` → speaker → role. */
export function parseRoles(spec: string): Record<string, Role> {
  const parsed = parseRoleSpec(spec);
  if (!parsed.ok) throw new ConfigError(`--roles ${parsed.message}`);
  return parsed.roles;
}

/**
 * The supported files under `input` (a file, or a folder walked recursively, hidden entries skipped), as keys
 * relative to the root they are read from, sorted.
 *
 * @example
 * await listInputs("events/conversations"); // { root: "events/conversations", keys: ["chatbot-log.jsonl", …] }
 */
export async function listInputs(input: string): Promise<{ root: string; keys: string[] }> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new ConfigError(`input not found: ${input}`);
  }
  if (info.isFile()) return { root: dirname(input), keys: [basename(input)] };
  const keys: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && SUPPORTED.test(entry.name)) keys.push(relative(input, path).split("\\").join("/"));
    }
  };
  await walk(input);
  return { root: input, keys };
}

async function printConversation(outDir: string, key: string, inputKey: string, io: Io): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const lines = (await readFile(join(outDir, key), "utf8")).split("\n").filter((l) => l.length > 0);
  io.out(`── ${inputKey} (masked) ──`);
  for (const line of lines) {
    const row = JSON.parse(line) as { speaker: string; role?: string; text: string };
    io.out(`${(row.role ?? row.speaker).padEnd(9)} ${row.text}`);
  }
  io.out("");
}

function summary(ok: number, quarantined: number, utterances: number, totals: Partial<Record<EntityType, number>>, out: string, keepFormat: boolean): string {
  const rows = ENTITY_TYPES.filter((t) => (totals[t] ?? 0) > 0).map((t) => `  ${t.padEnd(16)} ${String(totals[t]).padStart(6)}`);
  return [
    `files anonymized: ${ok}, quarantined: ${quarantined}, utterances: ${utterances}`,
    rows.length > 0 ? `entities masked:\n${rows.join("\n")}` : "entities masked: none",
    `output: ${out}/datasets (Parquet), ${out}/anonymized (JSONL rows), ${out}/audit (audit records)${keepFormat ? `, ${out}/keep-format (inputs in their own format)` : ""}${quarantined > 0 ? `, ${out}/quarantine` : ""}`,
  ].join("\n");
}
