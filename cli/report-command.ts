import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { createEngine } from "../shared/engine.js";
import { ConfigError } from "../shared/errors.js";
import { plural, renderReport } from "../shared/report/render-report.js";
import { reviewInput, type ReviewedInput } from "../shared/report/review-input.js";
import { type Io, listInputs, parseFormat, parseRoles } from "./anonymize-command.js";
import { loadAnalyzerConfig, loadPolicy, loadSecrets } from "./load-config.js";
import { ProgressBar } from "./progress.js";

/** Where `tokumei report` writes when no --out is given. */
export const DEFAULT_REPORT_DIR = "out/review";
/** The report's file name inside the output folder. */
export const REPORT_FILE = "report.html";

/**
 * Options of `tokumei report`, validated before anything is read.
 *
 * @example
 * ReportArgsSchema.parse({ inputs: ["events/conversations"] }).out; // "out/review"
 */
export const ReportArgsSchema = z.object({
  inputs: z.array(z.string().min(1)).min(1, "report needs at least one input file or folder"),
  out: z.string().min(1).default(DEFAULT_REPORT_DIR),
  policy: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
  /** `spk_0=agent,spk_1=customer`: roles of Transcribe speakers or channels. */
  roles: z.string().optional(),
});
export type ReportArgs = z.input<typeof ReportArgsSchema>;

/**
 * `tokumei report FILE|DIR… [--out DIR]`: runs the engine on every supported input and writes one
 * self-contained HTML page, `DIR/report.html` (default `out/review/report.html`), that shows each
 * conversation masked beside its original. The page holds raw personal data, so it is written readable by
 * its owner only (0600), and nothing of the inputs' text is printed: stderr gets counts and the path.
 * Returns the exit code: 0, or 1 when some inputs could not be read (they are listed in the report).
 *
 * @example
 * await runReport({ inputs: ["events/conversations"] }, io); // writes out/review/report.html
 */
export async function runReport(rawArgs: ReportArgs, io: Io, now: () => Date = () => new Date()): Promise<number> {
  const parsedArgs = ReportArgsSchema.safeParse(rawArgs);
  if (!parsedArgs.success) throw new ConfigError(parsedArgs.error.issues.map((i) => i.message).join("; "));
  const args = parsedArgs.data;
  const [config, policy] = await Promise.all([loadAnalyzerConfig(args.config), loadPolicy(args.policy)]);
  const engine = createEngine({ analyzer: config, policy, secrets: loadSecrets(policy) });
  const format = args.format !== undefined ? parseFormat(args.format) : undefined;
  const roleMap = args.roles !== undefined ? parseRoles(args.roles) : undefined;
  const parse = { ...(format ? { format } : {}), ...(roleMap ? { roleMap } : {}) };

  const files = await inputFiles(args.inputs);
  const progress = new ProgressBar(files.length, "reviewing");
  const inputs: ReviewedInput[] = [];
  for (const [i, file] of files.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file.path);
    } catch (error) {
      inputs.push({ status: "failed", inputKey: file.name, errorType: "ReadError", reason: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})` });
      progress.update(i + 1);
      continue;
    }
    inputs.push(await reviewInput(file.name, bytes, engine, { parse }));
    progress.update(i + 1);
  }
  progress.finish();

  const html = renderReport({
    generatedAt: now(),
    engineVersion: engine.version,
    policyHash: engine.policyHash,
    mode: engine.policy.mode,
    inputs,
  });
  const target = join(args.out, REPORT_FILE);
  await writePrivately(target, html);

  const reviewed = inputs.filter((i) => i.status === "reviewed");
  const conversations = reviewed.flatMap((i) => i.conversations);
  const utterances = conversations.reduce((n, c) => n + c.original.utterances.length, 0);
  const entities = conversations.reduce((n, c) => n + Object.values(c.anonymized.counts).reduce((s: number, k) => s + (k ?? 0), 0), 0);
  const failed = inputs.filter((i) => i.status === "failed");
  for (const failure of failed) io.err(`not included ${failure.inputKey}: ${failure.reason}`);
  io.err(
    `reviewed ${reviewed.length} of ${plural(inputs.length, "input")}: ${plural(conversations.length, "conversation")}, ${plural(utterances, "utterance")}, ${plural(entities, "entity", "entities")}`,
  );
  io.err(`review report written to ${target}`);
  io.err("it contains raw personal data: for authorised reviewers only; do not share it, delete it when the review is done");
  return failed.length > 0 ? 1 : 0;
}

/** Every supported file under the arguments, each once, named by its path as the user wrote it. */
async function inputFiles(args: readonly string[]): Promise<{ name: string; path: string }[]> {
  const seen = new Set<string>();
  const files: { name: string; path: string }[] = [];
  for (const input of args) {
    const { root, keys } = await listInputs(input);
    if (keys.length === 0) throw new ConfigError(`no supported files (.json, .jsonl, .csv, .txt) under ${input}`);
    for (const key of keys) {
      const path = resolve(root, key);
      if (seen.has(path)) continue;
      seen.add(path);
      // listInputs roots a folder at itself and a file at its folder: a file argument keeps its own spelling,
      // files found in a folder are named folder/relative/path.
      const name = root === input ? `${input.replace(/[\\/]+$/, "")}/${key}` : input;
      files.push({ name, path });
    }
  }
  return files;
}

/**
 * Writes the report readable by its owner only: the folder is created 0700 if missing, the page goes to a
 * temporary 0600 file renamed into place, so nobody sees half a page and a rerun replaces the old one whole.
 */
async function writePrivately(target: string, html: string): Promise<void> {
  await mkdir(resolve(target, ".."), { recursive: true, mode: 0o700 });
  const temporary = `${target}.${process.pid}.partial`;
  try {
    await writeFile(temporary, html, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
