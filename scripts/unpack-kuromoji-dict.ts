/**
 * Unpacks kuromoji's IPADIC dictionary (12 .gz files, 17 MB) into a folder of uncompressed files without their
 * zero padding (62 MB), which the tokenizer loads in about a third of the time (shared/text/kuromoji-dictionary.ts).
 *
 *     node --import tsx scripts/unpack-kuromoji-dict.ts [OUT_DIR]     # default dist/kuromoji-dict
 *
 * `npm run build` runs it (the CLI then finds the folder next to dist/), and so does the Lambda bundling
 * (infra/lib/kuromoji-bundle.ts), into the bundle's dict/. Deterministic: the same kuromoji gives the same bytes,
 * listed with their SHA-256 in the folder's manifest. A folder already unpacked from the same files is left alone.
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { packagedDictionaryDir, unpackDictionary } from "../shared/text/kuromoji-dictionary.js";

const DEFAULT_OUT = fileURLToPath(new URL("../dist/kuromoji-dict", import.meta.url));

function main(argv: readonly string[]): number {
  if (argv.length > 1 || argv[0]?.startsWith("-")) {
    process.stderr.write("usage: node --import tsx scripts/unpack-kuromoji-dict.ts [OUT_DIR]\n");
    return 2;
  }
  const out = resolve(argv[0] ?? DEFAULT_OUT);
  const { manifest, written } = unpackDictionary(packagedDictionaryDir(), out);
  const bytes = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
  process.stdout.write(`kuromoji ${manifest.kuromoji} dictionary ${written ? "unpacked into" : "already unpacked in"} ${out} (${(bytes / 1e6).toFixed(1)} MB)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
