import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { packagedDictionaryDir } from "../../shared/text/kuromoji-dictionary.js";

/**
 * What is measured in a fresh `node` process running the compiled engine: cold starts (the clock runs from just
 * before the first import to the first result, as Lambda's INIT plus the first event would see it; Node's own
 * start-up is reported apart) and the peak memory of a process that only anonymizes.
 */

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The compiled engine (`npm run build`): a cold start must not include transpiling TypeScript. */
export const DIST_ENGINE = join(REPO_ROOT, "dist", "shared", "engine.js");
/** The sentence both cold starts process first (tokenizers.md uses the same one). */
const FIRST_SENTENCE = "山田太郎と申します、株式会社トヨタの東京本社です";

const ChildReportSchema = z.object({
  /** import → first result. */
  ms: z.number().nonnegative(),
  /** process start → first result (performance.now() counts from the process's time origin). */
  fromProcessStart: z.number().nonnegative(),
  maxRssMb: z.number().positive(),
  /** A check that the child did the work: masked text for the engine, token count for kuromoji. */
  result: z.union([z.string(), z.number()]),
});
export type ChildReport = z.infer<typeof ChildReportSchema>;

const ENGINE_CHILD = `
const t0 = performance.now();
const { createEngine } = await import(${JSON.stringify(pathToFileURL(DIST_ENGINE).href)});
const engine = createEngine();
const out = engine.anonymizeConversation({ conversationId: "cold", source: "call", metadata: {},
  utterances: [{ index: 0, speaker: "spk_0", text: ${JSON.stringify(FIRST_SENTENCE)} }] });
const t1 = performance.now();
process.stdout.write(JSON.stringify({ ms: t1 - t0, fromProcessStart: t1, maxRssMb: process.resourceUsage().maxRSS / 1024,
  result: out.conversation.utterances[0].text }));
`;

/** kuromoji as its README loads it: the stock builder, its asynchronous gunzip of the dictionary. */
function kuromojiChild(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("kuromoji");
  const dicPath = join(dirname(require.resolve("kuromoji/package.json")), "dict");
  return `
const t0 = performance.now();
const kuromoji = require(${JSON.stringify(main)});
kuromoji.builder({ dicPath: ${JSON.stringify(dicPath)} }).build((error, tokenizer) => {
  if (error) throw error;
  const tokens = tokenizer.tokenize(${JSON.stringify(FIRST_SENTENCE)});
  const t1 = performance.now();
  process.stdout.write(JSON.stringify({ ms: t1 - t0, fromProcessStart: t1, maxRssMb: process.resourceUsage().maxRSS / 1024,
    result: tokens.length }));
});
`;
}

function runChild(args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildReport {
  const run = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env } });
  if (run.status !== 0) throw new Error(`cold-start child failed (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
  return ChildReportSchema.parse(JSON.parse(run.stdout));
}

export interface ColdStarts {
  /** The engine as built: the dictionary `npm run build` unpacked (as the Lambda bundle ships it). */
  readonly engine: readonly ChildReport[];
  /** The same engine reading kuromoji's .gz dictionary files. */
  readonly engineGz: readonly ChildReport[];
  readonly kuromoji: readonly ChildReport[];
}

function requireBuild(): void {
  if (!existsSync(DIST_ENGINE)) throw new Error(`${DIST_ENGINE} is missing: run \`npm run build\` first (npm run bench does)`);
}

/**
 * `runs` cold starts of each, interleaved so that a slow moment of a shared machine hits all alike.
 *
 * @example
 * measureColdStarts(5).engine.map((r) => r.ms) // [412.3, 398.0, …]
 */
export function measureColdStarts(runs: number): ColdStarts {
  requireBuild();
  const engine: ChildReport[] = [];
  const engineGz: ChildReport[] = [];
  const kuromoji: ChildReport[] = [];
  const floorCode = kuromojiChild();
  for (let i = 0; i < runs; i++) {
    engine.push(runChild(["--input-type=module", "-e", ENGINE_CHILD]));
    engineGz.push(runChild(["--input-type=module", "-e", ENGINE_CHILD], { TOKUMEI_KUROMOJI_DICT: packagedDictionaryDir() }));
    kuromoji.push(runChild(["-e", floorCode]));
  }
  return { engine, engineGz, kuromoji };
}

/**
 * Peak RSS of a fresh process that loads the compiled engine and anonymizes every conversation of
 * `conversations` (a JSON file), and nothing else: what a container running the anonymizer holds.
 *
 * @example
 * measurePeakRss("/tmp/corpus.json").maxRssMb // 270
 */
export function measurePeakRss(conversationsFile: string): ChildReport {
  requireBuild();
  const code = `
const t0 = performance.now();
const { readFileSync } = await import("node:fs");
const { createEngine } = await import(${JSON.stringify(pathToFileURL(DIST_ENGINE).href)});
const engine = createEngine();
let masked = 0;
for (const conversation of JSON.parse(readFileSync(${JSON.stringify(conversationsFile)}, "utf8"))) masked += engine.anonymizeConversation(conversation).utterances.length;
const t1 = performance.now();
process.stdout.write(JSON.stringify({ ms: t1 - t0, fromProcessStart: t1, maxRssMb: process.resourceUsage().maxRSS / 1024, result: masked }));
`;
  return runChild(["--input-type=module", "-e", code]);
}
