import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./fixtures.js";

/**
 * The published command (`node bin/tokumei.js`, which runs the compiled `dist/`), for tests of what
 * `npm run demo` and `npx tokumei` really execute.
 */

export const BIN = join(repoRoot, "bin", "tokumei.js");

/** Newest modification time of the TypeScript under `dir` (recursive). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds `dist/` (npm run build) when `marker` (a compiled file the test needs, e.g. "cli/query-command.js")
 * is missing or older than the sources in cli/ and shared/, so the test never runs a stale build.
 *
 * @example
 * beforeAll(() => ensureBuilt("cli/demo-command.js"), 180_000);
 */
export function ensureBuilt(marker: string): void {
  const built = join(repoRoot, "dist", marker);
  const isStale = () =>
    !existsSync(built) || statSync(built).mtimeMs < Math.max(newestSource(join(repoRoot, "cli")), newestSource(join(repoRoot, "shared")));
  if (!isStale()) return;
  // Test files run in parallel: one builds, the others wait, so no test runs half-written output.
  const lock = join(repoRoot, ".build-lock");
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isStale()) execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "ignore" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface BinRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/tokumei.js ARGS` in `cwd` (default: the repository root), stdin empty, TOKUMEI_HMAC_KEY unset.
 *
 * @example
 * const { status, stdout } = runBin(["query", "SELECT 1", "--json"]);
 */
export function runBin(args: readonly string[], options: { cwd?: string; stdin?: string } = {}): BinRun {
  const env = { ...process.env };
  delete env["TOKUMEI_HMAC_KEY"];
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    input: options.stdin ?? "",
    env,
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
