import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ICommandHooks } from "aws-cdk-lib/aws-lambda-nodejs";
import { PROJECT_ROOT } from "./constructs/tokumei-function.js";

/** Where the anonymizer finds kuromoji's dictionary in the Lambda bundle (TOKUMEI_KUROMOJI_DICT). */
export const KUROMOJI_DICT_PATH = "/var/task/dict";

/** Files of the kuromoji package the runtime needs (its dictionary goes to dict/, unpacked, instead). */
const KUROMOJI_RUNTIME_FILES = ["package.json", "src"];

/** The directory of `name` as Node would resolve it from `fromDir`, walking up the node_modules folders. */
function packageDir(name: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name} is not installed (looked up from ${fromDir}); run npm ci`);
    dir = parent;
  }
}

/** kuromoji and its runtime dependencies, each once: name → directory. */
function kuromojiClosure(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, fromDir: string): void => {
    if (found.has(name)) return;
    const dir = packageDir(name, fromDir);
    found.set(name, dir);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir);
  };
  visit("kuromoji", PROJECT_ROOT);
  return found;
}

const quote = (path: string): string => `"${path.replace(/(["\\$`])/g, "\\$1")}"`;

/**
 * Bundling hooks that ship kuromoji with the anonymizer. The tokenizer loads kuromoji with a `require` made by
 * `createRequire`, which esbuild leaves alone, so the package and its dependencies (async, lodash, doublearray,
 * zlibjs) are copied to `node_modules/` of the bundle, and the IPADIC dictionary to `dict/`, read from
 * TOKUMEI_KUROMOJI_DICT once per container. The dictionary goes in unpacked (scripts/unpack-kuromoji-dict.ts:
 * 65 MB instead of 17 MB of .gz, about the same zipped): it loads in a third of the time, and INIT is billed.
 *
 * @example
 * new TokumeiFunction(this, "Anonymize", { …, commandHooks: kuromojiCommandHooks() });
 */
export function kuromojiCommandHooks(): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string): string[] => {
      const commands: string[] = [];
      for (const [name, dir] of kuromojiClosure()) {
        const target = `${outputDir}/node_modules/${name}`;
        commands.push(`mkdir -p ${quote(target)}`);
        if (name === "kuromoji") {
          commands.push(`cd ${quote(PROJECT_ROOT)} && ${quote(process.execPath)} --import tsx scripts/unpack-kuromoji-dict.ts ${quote(`${outputDir}/dict`)}`);
          for (const file of KUROMOJI_RUNTIME_FILES) commands.push(`cp -r ${quote(join(dir, file))} ${quote(target)}/`);
        } else {
          commands.push(`cp -r ${quote(dir)}/. ${quote(target)}/`);
        }
      }
      return commands;
    },
  };
}
