import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngine } from "../shared/engine.js";
import { ConfigError } from "../shared/errors.js";
import { outputKeys, processObject } from "../shared/pipeline.js";
import type { Role } from "../shared/schema/conversation.js";
import { type Io, listInputs } from "./anonymize-command.js";
import { type JsonValue, LocalDatasets } from "./local-datasets.js";
import { LocalFolderStorage } from "./local-storage.js";
import { ProgressBar } from "./progress.js";
import { DEFAULT_QUERY_DIR } from "./query-command.js";
import { formatTable } from "./text-table.js";

/**
 * `tokumei demo` (`npm run demo`): the main job of the pipeline on this machine, with no AWS account and no
 * network. Every sample in events/conversations goes through `processObject`, the use case the anonymize
 * Lambda runs, with a folder standing for the buckets behind the same storage port; then DuckDB queries the
 * Parquet datasets it wrote and the result is printed with a summary.
 */

/** Speaker labels of the sample calls → roles: the agent speaks first (spk_0) or is on the left channel (ch_0). */
export const DEMO_CALL_ROLES: Readonly<Record<string, Role>> = { spk_0: "agent", spk_1: "customer", ch_0: "agent", ch_1: "customer" };

/** Marks a folder as the demo's own, so a rerun may clear it (and nothing else is ever deleted). */
const MARKER = ".tokumei-demo";
/** The folders the pipeline writes, the only ones a rerun removes. */
const OUTPUT_FOLDERS = ["datasets", "anonymized", "audit", "quarantine"] as const;

/** The demo's queries, in the order they are printed. Plain DuckDB SQL over the views of `tokumei query`. */
export const DEMO_QUERIES = {
  utterancesPerRole: `SELECT source, coalesce(role, '(none)') AS role, count(*) AS utterances
FROM utterances GROUP BY ALL ORDER BY source, utterances DESC, role`,
  entitiesPerType: `SELECT json_extract_string(entity, '$.type') AS type,
  count(*) FILTER (WHERE source = 'call') AS call, count(*) FILTER (WHERE source = 'chat') AS chat, count(*) AS total
FROM utterances, unnest(CAST(entity_types AS JSON[])) AS t(entity)
GROUP BY ALL ORDER BY total DESC, type`,
  sampleOfMaskedUtterances: `SELECT source, input_key AS input, coalesce(role, speaker) AS speaker, text
FROM utterances WHERE entity_count > 0
QUALIFY row_number() OVER (PARTITION BY input_key ORDER BY entity_count DESC, utterance_index) = 1
ORDER BY source, input_key`,
  totals: `SELECT count(DISTINCT input_key) FILTER (WHERE source = 'call') AS calls,
  count(DISTINCT input_key) FILTER (WHERE source = 'chat') AS chats,
  count(*) AS conversations, coalesce(sum(utterance_count), 0) AS utterances
FROM conversations`,
} as const;

export interface DemoArgs {
  /** Output folder (default out/demo, relative to the working directory). */
  readonly out?: string | undefined;
  /** Input folder (default: events/conversations of the tokumei package). */
  readonly events?: string | undefined;
}

/** What the demo found, for callers and tests; everything printed comes from here. */
export interface DemoReport {
  readonly anonymized: number;
  readonly quarantined: readonly string[];
  readonly utterancesPerRole: ReadonlyArray<Record<string, JsonValue>>;
  readonly entitiesPerType: ReadonlyArray<Record<string, JsonValue>>;
  readonly sample: ReadonlyArray<Record<string, JsonValue>>;
  readonly totals: {
    /** Input files that gave call conversations (Transcribe JSON) and chat conversations. */
    readonly calls: number;
    readonly chats: number;
    readonly conversations: number;
    readonly utterances: number;
    readonly entities: number;
  };
}

/**
 * Runs the demo and prints it. Returns the exit code (0 all inputs anonymized, 1 some quarantined) and the
 * report; throws ConfigError (exit 2) when the output folder holds something the demo did not write.
 *
 * @example
 * const { code } = await runDemo({ out: "out/demo" }, { out: console.log, err: console.error });
 */
export async function runDemo(args: DemoArgs, io: Io): Promise<{ code: number; report: DemoReport }> {
  const started = Date.now();
  const eventsDir = args.events ?? join(packageRoot(), "events", "conversations");
  const outDir = args.out ?? DEFAULT_QUERY_DIR;
  const { root, keys } = await listInputs(eventsDir);
  if (keys.length === 0) throw new ConfigError(`no supported files (.json, .jsonl, .csv, .txt) under ${eventsDir}`);
  await prepareOutput(outDir);

  io.out("tokumei demo: the pipeline's main job on this machine, with no AWS account and no network");
  io.out("");
  io.out(`  inputs   ${plural(keys.length, "file")} in ${shown(root)}`);
  io.out(`  storage  a folder stands for the buckets: inputs are read from ${shown(root)}, outputs written to`);
  io.out(`           ${shown(outDir)} through the pipeline's storage port, by processObject, the code the anonymize Lambda runs`);
  io.out("  audio    recordings need Amazon Transcribe (ja-JP), which runs only in AWS: this demo starts from");
  io.out("           Transcribe's JSON output, where the pipeline takes over after the transcription step");
  io.out("");
  io.out(`Anonymizing ${keys.length} files`);

  // The Lambda's defaults: the default detector settings and policy (mask), one partition date for the run.
  const engine = createEngine();
  const storage = new LocalFolderStorage(root, outDir);
  const partitionTime = new Date();
  const progress = new ProgressBar(keys.length, "anonymizing");
  progress.update(0);
  const quarantined: string[] = [];
  const width = Math.max(...keys.map((k) => k.length));
  for (const [i, key] of keys.entries()) {
    const result = await processObject(key, storage, engine, { parse: { roleMap: { ...DEMO_CALL_ROLES } }, partitionTime });
    const position = `[${String(i + 1).padStart(String(keys.length).length)}/${keys.length}]`;
    progress.clear();
    if (result.status === "anonymized") {
      const { audit } = result;
      const entities = Object.values(audit.entities).reduce<number>((sum, n) => sum + (n ?? 0), 0);
      io.out(
        `  ${position} ${key.padEnd(width)}  ${audit.format.padEnd(10)}  ${audit.encoding.padEnd(9)}  ` +
          `${plural(audit.conversations, "conversation")}, ${plural(audit.utterances, "utterance")}, ${plural(entities, "entity", "entities")} masked`,
      );
    } else {
      quarantined.push(key);
      io.out(`  ${position} ${key.padEnd(width)}  quarantined: ${result.record.reason}`);
    }
    progress.update(i + 1);
  }
  progress.finish();

  const anonymized = keys.length - quarantined.length;
  io.out("");
  let report: DemoReport;
  if (anonymized === 0) {
    io.out("Nothing to query: every input was quarantined");
    report = { anonymized, quarantined, utterancesPerRole: [], entitiesPerType: [], sample: [], totals: { calls: 0, chats: 0, conversations: 0, utterances: 0, entities: 0 } };
  } else {
    io.out(`Querying the Parquet datasets with DuckDB (views utterances, conversations over ${shown(join(outDir, "datasets"))})`);
    report = { anonymized, quarantined, ...(await queryDatasets(outDir)) };
    section(io, "Utterances per role", report.utterancesPerRole, ["source", "role", "utterances"], [2]);
    section(io, "Entities per type", report.entitiesPerType, ["type", "call", "chat", "total"], [1, 2, 3]);
    section(io, "A sample of masked utterances (the one with the most entities in each input)", report.sample, ["source", "input", "speaker", "text"], [], 72);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.out("");
  io.out("Summary");
  io.out(
    `  ${plural(report.anonymized, "file")} anonymized (${plural(report.totals.calls, "call transcript")}, ` +
      `${plural(report.totals.chats, "chat log")}), ${quarantined.length} quarantined, in ${seconds} s: ` +
      `${plural(report.totals.conversations, "conversation")}, ${plural(report.totals.utterances, "utterance")}, ` +
      `${plural(report.totals.entities, "entity", "entities")} masked`,
  );
  if (anonymized > 0) {
    io.out(`  datasets  ${shown(join(outDir, "datasets"))}/{utterances,conversations}/dt=…/source=call|chat/*.parquet (the Glue tables' layout)`);
    io.out(`  rows      ${shown(join(outDir, "anonymized"))}/*.jsonl (masked utterances with placeholder positions)`);
    io.out(`  audit     ${shown(join(outDir, "audit"))}/*.audit.json (counts, encoding, versions; never text)`);
  }
  if (quarantined.length > 0) {
    io.out(`  quarantine ${shown(join(outDir, "quarantine"))}/ (why: ${quarantined.map((k) => outputKeys(k).quarantine).join(", ")})`);
  }
  const outOption = resolve(outDir) === resolve(DEFAULT_QUERY_DIR) ? "" : ` --out ${shown(outDir)}`;
  if (anonymized > 0) io.out(`  next      npx tokumei query "SELECT dt, source, role, count(*) AS n FROM utterances GROUP BY ALL ORDER BY ALL"${outOption}`);
  io.out("  audio     to anonymize recordings, deploy the stack (cdk deploy) and drop them under incoming/audio/ of the raw bucket");
  return { code: quarantined.length > 0 ? 1 : 0, report };
}

/** The demo's queries over what was written. */
async function queryDatasets(outDir: string): Promise<Omit<DemoReport, "anonymized" | "quarantined">> {
  const datasets = await LocalDatasets.open(outDir);
  try {
    const utterancesPerRole = await datasets.rows(DEMO_QUERIES.utterancesPerRole);
    const entitiesPerType = await datasets.rows(DEMO_QUERIES.entitiesPerType);
    const sample = await datasets.rows(DEMO_QUERIES.sampleOfMaskedUtterances);
    const totalsRow = (await datasets.rows(DEMO_QUERIES.totals))[0] ?? {};
    const totals = {
      calls: Number(totalsRow["calls"] ?? 0),
      chats: Number(totalsRow["chats"] ?? 0),
      conversations: Number(totalsRow["conversations"] ?? 0),
      utterances: Number(totalsRow["utterances"] ?? 0),
      entities: entitiesPerType.reduce((sum, row) => sum + Number(row["total"] ?? 0), 0),
    };
    return { utterancesPerRole, entitiesPerType, sample, totals };
  } finally {
    datasets.close();
  }
}

/**
 * Makes sure the output folder is the demo's: creates it, or clears the pipeline's folders of a previous run
 * (a rerun on another day would otherwise add a second dt partition and double every count). A non-empty
 * folder without the demo's marker is refused, never deleted.
 */
async function prepareOutput(outDir: string): Promise<void> {
  if (existsSync(outDir)) {
    const entries = await readdir(outDir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new ConfigError(`${outDir} exists and was not written by tokumei demo; choose another --out or empty it`);
    }
    for (const folder of OUTPUT_FOLDERS) await rm(join(outDir, folder), { recursive: true, force: true });
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, MARKER), "Written by `tokumei demo`; a rerun replaces datasets/, anonymized/, audit/ and quarantine/ here.\n");
}

function section(
  io: Io,
  title: string,
  rows: ReadonlyArray<Record<string, JsonValue>>,
  columns: readonly string[],
  numeric: readonly number[],
  maxCellWidth = 40,
): void {
  io.out("");
  io.out(title);
  if (rows.length === 0) io.out("  (none)");
  else {
    const cells = rows.map((row) => columns.map((c) => String(row[c] ?? "")));
    for (const line of formatTable(columns, cells, { alignRight: new Set(numeric), indent: "  ", maxCellWidth })) io.out(line);
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? resolve(path) : rel;
}

/** The package root (where package.json is), from this module: cli/ when run from source, dist/cli/ when built. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new ConfigError("cannot find the tokumei package folder (package.json) for the sample events; use --events DIR");
    dir = parent;
  }
}
