import { randomBytes as cryptoRandomBytes } from "node:crypto";
import { writeParquet } from "../dataset/parquet-writer.js";
import type { DatasetTable } from "../dataset/schema.js";
import { ReleaseError } from "../errors.js";
import type { ListableStoragePort } from "../storage-port.js";
import { ENGINE_VERSION } from "../version.js";
import { buildRelease, type BuiltRelease } from "./build.js";
import { releasePolicyHash, type ReleaseConfig } from "./config.js";
import { COLUMNS_REMOVED, KEY_HANDLING, RELEASE_CONVERSATIONS, RELEASE_UTTERANCES, ReleaseManifestSchema, type ReleaseManifest } from "./schema.js";
import {
  assembleConversations,
  parseDatasetKey,
  readDatasetRows,
  SourceConversationRowSchema,
  SourceUtteranceRowSchema,
  type DatasetFile,
  type DatasetPair,
} from "./source-datasets.js";

/** Where a release reads the datasets and where it writes (in AWS, both the anonymized bucket). */
export interface ReleaseStores {
  /** Lists and reads `datasets/…`. */
  readonly datasets: ListableStoragePort;
  /** Writes `releases/<id>/…`; its `list` tells whether a release id is taken. */
  readonly releases: ListableStoragePort;
}

export interface ReleaseOptions {
  readonly now?: () => Date;
  /** Randomness for the key, the conversation ids and the release id (crypto.randomBytes). */
  readonly randomBytes?: (size: number) => Buffer;
  /** Compute and return the manifest, write nothing. */
  readonly dryRun?: boolean;
  /** Called after each dataset file read (progress). */
  readonly onFileRead?: (done: number, total: number) => void;
}

export interface ReleaseResult {
  readonly manifest: ReleaseManifest;
  /** `releases/<id>/`. */
  readonly prefix: string;
  readonly written: boolean;
}

/** Rows per Parquet part file: one row group each, files of a size Athena and pandas read comfortably. */
const PART_ROWS = 100_000;
/** Dataset files read at once (S3 latency), bounded for memory. */
const READ_CONCURRENCY = 8;

/**
 * A 匿名加工 release: lists the utterance and conversation datasets (within the configured dt range and
 * sources), reads and validates them, builds the release (k-anonymity, random ids, re-tokenized text) with a
 * random key that only this function holds and zeroes before returning, and writes
 * `releases/<id>/conversations/part-00000.parquet`, `releases/<id>/utterances/part-00000.parquet` … and, last,
 * `releases/<id>/manifest.json`. Everything is computed before the first write; a ReleaseError (no input,
 * corrupt datasets, no conversation that can meet k, a taken release id) writes nothing.
 *
 * @example
 * const { manifest } = await runRelease({ datasets: storage, releases: storage }, parseReleaseConfig({ k: 5 }));
 * manifest.kAnonymity.kAchieved // ≥ 5
 */
export async function runRelease(stores: ReleaseStores, config: ReleaseConfig, options: ReleaseOptions = {}): Promise<ReleaseResult> {
  const random = options.randomBytes ?? cryptoRandomBytes;
  const createdAt = (options.now ?? (() => new Date()))();
  const releaseId = config.releaseId ?? defaultReleaseId(createdAt, random(4));
  const prefix = `releases/${releaseId}/`;
  if (!options.dryRun && (await stores.releases.list(prefix)).length > 0) {
    throw new ReleaseError(`release ${releaseId} already exists (${prefix}); choose another id`);
  }

  const pairs = await readPairs(stores.datasets, config, options.onFileRead);
  const files = pairs.reduce((n, p) => n + (p.conversations ? 1 : 0) + (p.utterances ? 1 : 0), 0);
  const assembled = assembleConversations(pairs);
  if (assembled.conversations.length === 0) {
    throw new ReleaseError(`no conversations to release under datasets/ (${describeSelection(config)})`);
  }
  const utterancesIn = assembled.conversations.reduce((n, c) => n + c.utterances.length, 0);

  const key = random(32);
  let built: BuiltRelease;
  try {
    built = buildRelease(assembled.conversations, config, {
      createdAt,
      key,
      newConversationId: () => random(8).toString("hex"),
    });
  } finally {
    // The key is never written anywhere; zeroing it drops the last copy (施行規則第35条, PPC FAQ Q15-14).
    key.fill(0);
  }
  if (built.conversations.length === 0 || built.kAnonymity.kAchieved === null) {
    throw new ReleaseError(
      `no conversation can be released with k = ${config.k}: ${assembled.conversations.length} conversation(s) in the input, none in a class of ${config.k} or more`,
    );
  }

  const parts = [...partFiles(prefix, RELEASE_CONVERSATIONS, built.conversations), ...partFiles(prefix, RELEASE_UTTERANCES, built.utterances)];
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  const manifest = ReleaseManifestSchema.parse({
    manifestVersion: 1,
    releaseId,
    createdAt: createdAt.toISOString(),
    category: "匿名加工情報",
    engineVersion: ENGINE_VERSION,
    settings: {
      k: config.k,
      quasiIdentifiers: config.quasiIdentifiers,
      maxSuppression: config.maxSuppression,
      ...(config.from !== undefined ? { from: config.from } : {}),
      ...(config.to !== undefined ? { to: config.to } : {}),
      sources: config.sources,
      tokenScope: config.tokenScope,
    },
    releasePolicyHash: releasePolicyHash(config),
    source: {
      files,
      policyHashes: sorted(assembled.conversations.map((c) => c.row.policy_hash)),
      engineVersions: sorted(assembled.conversations.map((c) => c.row.engine_version)),
    },
    kAnonymity: {
      kRequested: config.k,
      kAchieved: built.kAnonymity.kAchieved,
      quasiIdentifiers: config.quasiIdentifiers,
      equivalenceClasses: built.kAnonymity.equivalenceClasses,
      conversationsBelowKAtStart: built.kAnonymity.belowKAtStart,
      levels: built.kAnonymity.levels,
    },
    generalisation: [...built.kAnonymity.steps],
    rows: {
      conversationsIn: assembled.conversations.length,
      conversationsOut: built.conversations.length,
      utterancesIn,
      utterancesOut: built.utterances.length,
    },
    suppressed: { conversations: built.kAnonymity.suppressed, utterances: built.suppressedUtterances },
    dropped: {
      duplicateConversations: assembled.duplicatesDropped,
      conversationsWithoutUtterances: assembled.withoutUtterances,
      orphanUtterances: assembled.orphanUtterances,
    },
    tokens: { scope: config.tokenScope, replaced: built.tokensReplaced },
    columnsRemoved: [...COLUMNS_REMOVED],
    outputs: options.dryRun ? [] : parts.map((p) => ({ key: p.key, rows: p.rows })),
    keyHandling: KEY_HANDLING,
  } satisfies ReleaseManifest);
  if (options.dryRun) return { manifest, prefix, written: false };

  // Data first, manifest last: a manifest means the release is complete.
  for (const part of parts) await stores.releases.write(part.key, part.body());
  await stores.releases.write(`${prefix}manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, prefix, written: true };
}

/**
 * A release id from the UTC time and 4 random bytes: `20261123T045851Z-9f2c1a3b`.
 *
 * @example
 * defaultReleaseId(new Date("2026-11-23T04:58:51Z"), Buffer.from("9f2c1a3b", "hex")) // "20261123T045851Z-9f2c1a3b"
 */
export function defaultReleaseId(createdAt: Date, random: Buffer): string {
  const time = createdAt.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${time}-${random.toString("hex")}`;
}

/** Part files of a table, encoded lazily so only one part's bytes are held at a time; at least one (empty) part. */
function partFiles(prefix: string, table: DatasetTable, rows: ReadonlyArray<Record<string, unknown>>) {
  const parts: { key: string; rows: number; body: () => Uint8Array }[] = [];
  for (let start = 0, n = 0; start < rows.length || n === 0; start += PART_ROWS, n++) {
    const slice = rows.slice(start, start + PART_ROWS);
    parts.push({ key: `${prefix}${table.name}/part-${String(n).padStart(5, "0")}.parquet`, rows: slice.length, body: () => writeParquet(table, slice) });
  }
  return parts;
}

/** Lists both tables, keeps the files in the selection and reads them, paired by dt, source and file name. */
async function readPairs(storage: ListableStoragePort, config: ReleaseConfig, onFileRead?: (done: number, total: number) => void): Promise<DatasetPair[]> {
  const files = [...(await storage.list("datasets/conversations/")), ...(await storage.list("datasets/utterances/"))]
    .map(parseDatasetKey)
    .filter((file): file is DatasetFile => file !== undefined)
    .filter((file) => config.sources.includes(file.source))
    .filter((file) => (config.from === undefined || file.dt >= config.from) && (config.to === undefined || file.dt <= config.to));
  const groups = new Map<string, { conversations?: DatasetFile; utterances?: DatasetFile }>();
  for (const file of files) {
    const id = `${file.dt}/${file.source}/${file.name}`;
    groups.set(id, { ...groups.get(id), [file.table]: file });
  }
  const entries = [...groups.keys()].sort().map((id) => groups.get(id)!);
  let done = 0;
  const read = async <T>(file: DatasetFile | undefined, load: (file: DatasetFile, bytes: Uint8Array) => Promise<T>): Promise<T | undefined> => {
    if (file === undefined) return undefined;
    const result = await load(file, await storage.read(file.key));
    onFileRead?.(++done, files.length);
    return result;
  };
  return mapConcurrently(entries, READ_CONCURRENCY, async (entry) => ({
    conversations: await read(entry.conversations, async (file, bytes) => ({ file, rows: await readDatasetRows(file.key, bytes, SourceConversationRowSchema) })),
    utterances: await read(entry.utterances, async (file, bytes) => ({ file, rows: await readDatasetRows(file.key, bytes, SourceUtteranceRowSchema) })),
  }));
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function describeSelection(config: ReleaseConfig): string {
  const range = config.from || config.to ? `dt ${config.from ?? "…"} to ${config.to ?? "…"}` : "every dt";
  return `${range}, sources ${config.sources.join(", ")}`;
}
