/**
 * `npm run bench`: how fast and how lean tokumei is, against the floor of what it builds on (kuromoji).
 *
 *     npm run bench                          # builds dist/ first, then runs this file
 *     node --import tsx scripts/bench.ts [--bytes N] [--passes N] [--cold-runs N] [--calls N] [--seed N]
 *     node --cpu-prof --import tsx scripts/bench.ts --only throughput    # a CPU profile of the engine passes
 *
 * One run prints: detect+anonymize throughput on a generated corpus (≥ 2 MiB of Japanese conversations built
 * from the dev set), kuromoji tokenization alone on the same utterances (the floor) and the ratio; engine cold
 * start in a fresh process next to kuromoji's own dictionary load; peak RSS; warm latency of a 30-minute call
 * (~10k characters), p50 and p95; an estimated Lambda cost per hour of audio. Each figure comes with what it is
 * compared against and its target. The last line is one JSON object with the headline figures. The floor is
 * kuromoji 0.1.2 as published and as its README builds it, for throughput as for cold start (tokenizers.md's
 * floor). The engine cuts text with its own faster run of kuromoji's dictionary (shared/text/viterbi.ts, same
 * tokens); that tokenizer alone is printed too (`tokenizer_chars_per_s`), so that detection's own cost stays
 * visible. Every engine figure runs the compiled engine (dist/, as Lambda runs plain JavaScript, not tsx's
 * transpile): throughput and latency in this process, cold starts and peak RSS in fresh ones.
 * Not a test: figures depend on the machine and on what else runs on it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { IpadicFeatures, Tokenizer as KuromojiTokenizer } from "kuromoji";
import { z } from "zod";
import { TokumeiConfigSchema } from "../infra/config.js";
import { pathToFileURL } from "node:url";
import type { Engine } from "../shared/engine.js";
import type { Conversation } from "../shared/schema/conversation.js";
import type { StoragePort } from "../shared/storage-port.js";
import { packagedDictionaryDir } from "../shared/text/kuromoji-dictionary.js";
import type { Tokenizer } from "../shared/text/tokenizer.js";
import { DIST_ENGINE, measureColdStarts, measurePeakRss, type ChildReport } from "./bench/fresh-process.js";
import { buildCorpus, longCalls, type Corpus } from "./bench/corpus.js";

const OptionsSchema = z.object({
  bytes: z.coerce.number().int().min(100_000).default(2 * 1024 * 1024),
  passes: z.coerce.number().int().min(1).max(20).default(3),
  coldRuns: z.coerce.number().int().min(1).max(50).default(5),
  calls: z.coerce.number().int().min(20).max(500).default(30),
  seed: z.coerce.number().int().default(20261123),
  /** `throughput` runs only the throughput passes (for `node --cpu-prof`), without the JSON line. */
  only: z.enum(["throughput"]).optional(),
});
type Options = z.infer<typeof OptionsSchema>;

const TARGETS = { ratio: 0.7, coldStartMs: 800, peakRssMb: 350, callP50Ms: 100 } as const;

/** Assumptions of the cost estimate; each is printed next to the figure. */
const COST = {
  /** AWS Lambda arm64 price per GB-second, first pricing tier (us-east-1 and ap-northeast-1 list the same). */
  pricePerGbSecond: 0.0000133334,
  pricePerRequest: 0.2 / 1_000_000,
  /** Characters of transcript per hour of a two-party call: 10k for 30 minutes. */
  charsPerHour: 20_000,
  /** One recording per 30 minutes of audio, so two of each invocation per hour. */
  callsPerHour: 2,
  /** S3 round trips of one anonymize invocation (1 GET, 4 PUTs), at about 40 ms each, not measured here. */
  s3WaitMs: 200,
  /** start-transcription: 256 MB, about 300 ms (one StartTranscriptionJob call). */
  startTranscriptionMb: 256,
  startTranscriptionMs: 300,
  /** Amazon Transcribe batch, ja-JP, first tier: the cost this estimate leaves out, for scale. */
  transcribePerMinute: 0.024,
} as const;

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bytes: { type: "string" },
      passes: { type: "string" },
      "cold-runs": { type: "string" },
      calls: { type: "string" },
      seed: { type: "string" },
      only: { type: "string" },
    },
  });
  const parsed = OptionsSchema.safeParse({ ...values, coldRuns: values["cold-runs"] });
  if (!parsed.success) {
    throw new Error(`bad option: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** Nearest-rank percentile of `values` (p in 0…100). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const median = (values: readonly number[]) => percentile(values, 50);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (pass: boolean) => (pass ? "PASS" : "FAIL");

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function anonymizeAll(engine: Engine, conversations: readonly Conversation[]): void {
  for (const conversation of conversations) engine.anonymizeConversation(conversation);
}

function tokenizeAll(tokenizer: Tokenizer, conversations: readonly Conversation[]): void {
  for (const conversation of conversations) for (const u of conversation.utterances) tokenizer.tokenize(u.text);
}

interface Throughput {
  readonly engine: number[];
  /** kuromoji 0.1.2 as its README builds it and as tokenizers.md measured it: the floor. */
  readonly floor: number[];
  /** The engine's own tokenizer (kuromoji's dictionary, shared/text/viterbi.ts): how much of the engine is tokenizing. */
  readonly tokenizer: number[];
}

/** The engine, pipeline and tokenizer as `npm run build` compiled them (dist/): what Lambda runs, not tsx's transpile. */
interface Compiled {
  readonly createEngine: typeof import("../shared/engine.js").createEngine;
  readonly processObject: typeof import("../shared/pipeline.js").processObject;
  readonly getTokenizer: typeof import("../shared/text/tokenizer.js").getTokenizer;
}

async function compiled(): Promise<Compiled> {
  const load = async <T>(path: string): Promise<T> => {
    try {
      return (await import(pathToFileURL(join(DIST_ENGINE, "..", path)).href)) as T;
    } catch (error) {
      throw new Error(`the compiled engine is missing or stale (${path}): run \`npm run build\` or \`npm run bench\`, which builds first (${(error as Error).message})`);
    }
  };
  const { createEngine } = await load<typeof import("../shared/engine.js")>("engine.js");
  const { processObject } = await load<typeof import("../shared/pipeline.js")>("pipeline.js");
  const { getTokenizer } = await load<typeof import("../shared/text/tokenizer.js")>("text/tokenizer.js");
  return { createEngine, processObject, getTokenizer };
}

/** kuromoji as its README builds it (its own lookups; the dictionary files as shipped). */
function stockKuromoji(): Promise<Tokenizer> {
  const kuromoji = createRequire(import.meta.url)("kuromoji") as typeof import("kuromoji");
  return new Promise((resolve, reject) =>
    kuromoji.builder({ dicPath: packagedDictionaryDir() }).build((error: Error | null, built: KuromojiTokenizer<IpadicFeatures>) => {
      if (error) reject(error);
      // The same text the tokenizer gives kuromoji: characters beyond the BMP as □.
      else resolve({ tokenize: (text) => (built.tokenize(text.replace(/[\uD800-\uDFFF\u0000]/g, "\u25A1")), []) });
    }),
  );
}

/** Passes over the whole corpus, floor, engine and the engine's tokenizer alternating, after a warm-up on a tenth of it. */
function measureThroughput(engine: Engine, tokenizer: Tokenizer, stock: Tokenizer, corpus: Corpus, passes: number): Throughput {
  const warmUp = corpus.conversations.slice(0, Math.ceil(corpus.conversations.length / 10));
  anonymizeAll(engine, warmUp);
  tokenizeAll(tokenizer, warmUp);
  tokenizeAll(stock, warmUp);
  const result: Throughput = { engine: [], floor: [], tokenizer: [] };
  for (let p = 0; p < passes; p++) {
    result.floor.push(corpus.chars / (timeMs(() => tokenizeAll(stock, corpus.conversations)) / 1000));
    result.engine.push(corpus.chars / (timeMs(() => anonymizeAll(engine, corpus.conversations)) / 1000));
    result.tokenizer.push(corpus.chars / (timeMs(() => tokenizeAll(tokenizer, corpus.conversations)) / 1000));
  }
  return result;
}

/** A storage port in memory, for timing the pipeline without the network. */
class InMemoryStorage implements StoragePort {
  constructor(private readonly inputs: ReadonlyMap<string, Uint8Array>) {}
  async read(key: string): Promise<Uint8Array> {
    const body = this.inputs.get(key);
    if (!body) throw new Error(`no input ${key}`);
    return body;
  }
  async write(): Promise<void> {}
}

interface CallLatency {
  readonly engineMs: number[];
  readonly floorMs: number[];
  readonly pipelineMs: number[];
  readonly meanChars: number;
}

/** Each long call once through the engine, kuromoji alone (stock) and the whole pipeline (parse → Parquet), warm. */
async function measureCalls(processObject: Compiled["processObject"], engine: Engine, tokenizer: Tokenizer, calls: readonly Conversation[]): Promise<CallLatency> {
  const inputs = new Map<string, Uint8Array>();
  for (const call of calls) {
    const jsonl = call.utterances.map((u) => JSON.stringify({ conversation_id: call.conversationId, speaker: u.speaker, text: u.text })).join("\n");
    inputs.set(`${call.conversationId}.jsonl`, new TextEncoder().encode(`${jsonl}\n`));
  }
  const storage = new InMemoryStorage(inputs);
  const first = calls[0]!;
  engine.anonymizeConversation(first);
  await processObject(`${first.conversationId}.jsonl`, storage, engine);
  const out: CallLatency = { engineMs: [], floorMs: [], pipelineMs: [], meanChars: 0 };
  let chars = 0;
  for (const call of calls) {
    chars += call.utterances.reduce((n, u) => n + u.text.length, 0);
    out.floorMs.push(timeMs(() => tokenizeAll(tokenizer, [call])));
    out.engineMs.push(timeMs(() => engine.anonymizeConversation(call)));
    const start = performance.now();
    const result = await processObject(`${call.conversationId}.jsonl`, storage, engine);
    out.pipelineMs.push(performance.now() - start);
    if (result.status !== "anonymized") throw new Error(`the pipeline quarantined ${call.conversationId}: ${result.record.reason}`);
  }
  return { ...out, meanChars: chars / calls.length };
}

function printThroughput(print: (line?: string) => void, throughput: Throughput, passes: number): void {
  const charsPerS = median(throughput.engine);
  const floorCharsPerS = median(throughput.floor);
  const ratio = charsPerS / floorCharsPerS;
  print();
  const own = median(throughput.tokenizer);
  const passList = (values: readonly number[]) => values.map((v) => fmt(v)).join(" / ");
  print(`Throughput, characters per second (median of ${passes} passes over the whole corpus; passes: engine ${passList(throughput.engine)}, floor ${passList(throughput.floor)}, engine's tokenizer ${passList(throughput.tokenizer)})`);
  print(`  detect+anonymize (engine.anonymizeConversation, per conversation)  ${fmt(charsPerS).padStart(9)} chars/s`);
  print(`  floor: kuromoji 0.1.2 tokenization alone, as its README builds it   ${fmt(floorCharsPerS).padStart(9)} chars/s   (tokenizers.md's floor)`);
  print(`  ratio engine / floor                                               ${ratio.toFixed(3).padStart(9)}        target ≥ ${TARGETS.ratio}  ${verdict(ratio >= TARGETS.ratio)}`);
  print(`  the engine's own tokenizer alone (same dictionary and tokens, shared/text/viterbi.ts) ${fmt(own)} chars/s, ${(own / floorCharsPerS).toFixed(2)}× the floor;`);
  print(`    the engine runs at ${(charsPerS / own).toFixed(3)}× it: tokenizing is ${fmt((100 * charsPerS) / own)}% of the engine's time, detection and masking the rest`);
}

function coldLine(label: string, runs: readonly ChildReport[]): string {
  const ms = runs.map((r) => r.ms);
  return `${label.padEnd(58)} ${fmt(median(ms)).padStart(7)} ms  (min ${fmt(Math.min(...ms))}, max ${fmt(Math.max(...ms))}; process start → first result ${fmt(median(runs.map((r) => r.fromProcessStart)))} ms; peak RSS ${fmt(median(runs.map((r) => r.maxRssMb)))} MB)`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const print = (line = "") => void process.stdout.write(`${line}\n`);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  print(`tokumei benchmark: node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} × ${cpu}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const corpus = buildCorpus({ minBytes: options.bytes, seed: options.seed });
  const calls = corpus.conversations.filter((c) => c.source === "call").length;
  print(
    `corpus: ${fmt(corpus.bytes)} bytes UTF-8, ${fmt(corpus.chars)} characters, ${fmt(corpus.utterances)} utterances in ${fmt(corpus.conversations.length)} conversations (${fmt(calls)} calls, ${fmt(corpus.conversations.length - calls)} chats); dev set with values swapped by type, seed ${options.seed}`,
  );

  if (options.only === "throughput") {
    const { createEngine, getTokenizer } = await compiled();
    const throughput = measureThroughput(createEngine(), getTokenizer(), await stockKuromoji(), corpus, options.passes);
    printThroughput(print, throughput, options.passes);
    return;
  }
  // Fresh processes first, while this one is still small and the machine is as quiet as it gets.
  const cold = measureColdStarts(options.coldRuns);
  const scratch = mkdtempSync(join(tmpdir(), "tokumei-bench-"));
  let anonymizer: ChildReport;
  try {
    writeFileSync(join(scratch, "corpus.json"), JSON.stringify(corpus.conversations));
    anonymizer = measurePeakRss(join(scratch, "corpus.json"));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const peakRssMb = anonymizer.maxRssMb;

  const { createEngine, getTokenizer, processObject } = await compiled();
  const tokenizer = getTokenizer();
  const engine = createEngine();
  const stock = await stockKuromoji();
  const throughput = measureThroughput(engine, tokenizer, stock, corpus, options.passes);
  const latency = await measureCalls(processObject, engine, stock, longCalls(corpus, 10_000, options.calls));
  const benchRssMb = process.resourceUsage().maxRSS / 1024;

  const charsPerS = median(throughput.engine);
  const floorCharsPerS = median(throughput.floor);
  const ratio = charsPerS / floorCharsPerS;
  const coldStartMs = median(cold.engine.map((r) => r.ms));
  const floorLoadMs = median(cold.kuromoji.map((r) => r.ms));
  const callP50 = percentile(latency.engineMs, 50);
  const callP95 = percentile(latency.engineMs, 95);

  printThroughput(print, throughput, options.passes);

  print();
  print(`Cold start in a fresh process, import → first result (median of ${options.coldRuns}, interleaved)`);
  print(`  ${coldLine("engine: import dist/shared/engine.js, createEngine, 1 call", cold.engine)}   target ≤ ${TARGETS.coldStartMs} ms  ${verdict(coldStartMs <= TARGETS.coldStartMs)}`);
  print(`  ${coldLine("compared with kuromoji's own load (stock builder, 1 tokenize)", cold.kuromoji)}`);
  print(`  ${coldLine("and with the engine reading kuromoji's .gz dictionary", cold.engineGz)}`);

  print();
  print("Memory");
  print(`  peak RSS of a fresh process anonymizing the whole corpus (dist/, ${fmt(anonymizer.ms / 1000, 1)} s)  ${fmt(peakRssMb).padStart(5)} MB   target ≤ ${TARGETS.peakRssMb} MB  ${verdict(peakRssMb <= TARGETS.peakRssMb)}`);
  print(`  compared with kuromoji alone right after its stock load          ${fmt(median(cold.kuromoji.map((r) => r.maxRssMb))).padStart(5)} MB; the engine right after its first call ${fmt(median(cold.engine.map((r) => r.maxRssMb)))} MB`);
  print(`  (this benchmark's own process, which also holds tsx, the corpus, a second kuromoji and the pipeline runs: ${fmt(benchRssMb)} MB)`);

  print();
  print(`30-minute call, warm: ${options.calls} different calls of ${fmt(latency.meanChars)} characters on average, each run once`);
  print(`  engine.anonymizeConversation   p50 ${fmt(callP50, 1).padStart(6)} ms   p95 ${fmt(callP95, 1).padStart(6)} ms   target p50 ≤ ${TARGETS.callP50Ms} ms  ${verdict(callP50 <= TARGETS.callP50Ms)}`);
  print(`  compared with stock kuromoji  p50 ${fmt(percentile(latency.floorMs, 50), 1).padStart(6)} ms   p95 ${fmt(percentile(latency.floorMs, 95), 1).padStart(6)} ms`);
  print(`  whole pipeline (JSONL → Parquet + JSONL + audit, in memory)  p50 ${fmt(percentile(latency.pipelineMs, 50), 1)} ms   p95 ${fmt(percentile(latency.pipelineMs, 95), 1)} ms`);

  const memoryGb = TokumeiConfigSchema.parse({}).anonymizeMemoryMb / 1024;
  const anonymizeSeconds = (percentile(latency.pipelineMs, 50) * (COST.charsPerHour / COST.callsPerHour / latency.meanChars) + COST.s3WaitMs) / 1000;
  const perCall =
    anonymizeSeconds * memoryGb * COST.pricePerGbSecond +
    (COST.startTranscriptionMs / 1000) * (COST.startTranscriptionMb / 1024) * COST.pricePerGbSecond +
    2 * COST.pricePerRequest;
  const coldExtra = (coldStartMs / 1000) * memoryGb * COST.pricePerGbSecond;
  const perHour = perCall * COST.callsPerHour;
  print();
  print("Estimated Lambda cost per hour of audio, excluding Transcribe");
  print(
    `  assumptions: arm64 $${COST.pricePerGbSecond}/GB-s and $0.20 per million requests; anonymize at ${fmt(memoryGb * 1024)} MB (infra/config.ts anonymizeMemoryMb default); ` +
      `${fmt(COST.charsPerHour)} characters per hour of speech in ${COST.callsPerHour} recordings; per recording: the measured pipeline p50 scaled to ${fmt(COST.charsPerHour / COST.callsPerHour)} characters + ${COST.s3WaitMs} ms of S3 round trips, ` +
      `start-transcription ${COST.startTranscriptionMb} MB × ${COST.startTranscriptionMs} ms; Lambda's arm64 core as fast as this machine's`,
  );
  print(`  warm: $${(perHour).toFixed(6)} per hour of audio (anonymize ${fmt(anonymizeSeconds * 1000)} ms per recording); if every invocation started cold: $${(perHour + coldExtra * COST.callsPerHour).toFixed(6)}`);
  print(`  compared with Amazon Transcribe itself: $${(COST.transcribePerMinute * 60).toFixed(2)} per hour at $${COST.transcribePerMinute}/minute`);

  print();
  print(
    JSON.stringify({
      chars_per_s: Math.round(charsPerS),
      floor_chars_per_s: Math.round(floorCharsPerS),
      ratio: Math.round(ratio * 1000) / 1000,
      tokenizer_chars_per_s: Math.round(median(throughput.tokenizer)),
      cold_start_ms: Math.round(coldStartMs),
      floor_load_ms: Math.round(floorLoadMs),
      peak_rss_mb: Math.round(peakRssMb),
      call_p50_ms: Math.round(callP50 * 10) / 10,
      call_p95_ms: Math.round(callP95 * 10) / 10,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
