import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { IpadicFeatures, Tokenizer as KuromojiTokenizer } from "kuromoji";
import { loadTargetMap, MANIFEST, packagedDictionaryDir, readDictionaryFile } from "./kuromoji-dictionary.js";
import { type DoubleArrayTrie, useIncrementalPrefixSearch } from "./prefix-search.js";
import { type KuromojiInternals, ViterbiTokenizer } from "./viterbi.js";

/**
 * Morphological analysis with kuromoji (IPADIC): proper-noun tags (人名 姓/名, 組織, 地域) and readings for the
 * name, organisation and place recognizers. Loaded once per process, synchronously, so that the analyzer
 * stays a plain function (in Lambda the load happens during INIT).
 */

/** One token, in UTF-16 offsets of the text it was cut from. */
export interface Token {
  readonly surface: string;
  readonly start: number;
  readonly end: number;
  /** 名詞, 動詞, 助詞 … */
  readonly pos: string;
  /** 固有名詞, 一般, 接尾 … */
  readonly pos1: string;
  /** 人名, 組織, 地域 … */
  readonly pos2: string;
  /** 姓, 名, 一般, 国 … */
  readonly pos3: string;
  readonly basicForm: string;
  /** Katakana reading; empty for unknown words. */
  readonly reading: string;
  readonly known: boolean;
}

export interface Tokenizer {
  tokenize(text: string): Token[];
}

const require = createRequire(import.meta.url);
let shared: Tokenizer | undefined;

/** Where `npm run build` unpacks the dictionary, next to the compiled engine (dist/kuromoji-dict). */
const BUILT_DICTIONARY = fileURLToPath(new URL("../../kuromoji-dict/", import.meta.url));

/**
 * The dictionary folder: `TOKUMEI_KUROMOJI_DICT` (the Lambda ships the unpacked dictionary there), else the one
 * `npm run build` unpacked next to the compiled engine, else kuromoji's own .gz files (half a second slower).
 */
export function dictionaryDir(): string {
  const configured = process.env["TOKUMEI_KUROMOJI_DICT"];
  if (configured) return configured;
  return existsSync(`${BUILT_DICTIONARY}${MANIFEST}`) ? BUILT_DICTIONARY : packagedDictionaryDir();
}

/**
 * The process-wide tokenizer, built on first use from `dictionaryDir()`: about 0.15 s from an unpacked
 * dictionary, 0.5 s from kuromoji's .gz files.
 *
 * @example
 * getTokenizer().tokenize("山田と申します")[0] // { surface: "山田", pos2: "人名", pos3: "姓", … }
 */
export function getTokenizer(): Tokenizer {
  shared ??= loadTokenizer(dictionaryDir());
  return shared;
}

/**
 * A tokenizer over the dictionary in `dicPath` (unpacked or kuromoji's .gz files): kuromoji's dictionary and
 * algorithm, its lattice and search run by `ViterbiTokenizer` (shared/text/viterbi.ts, same output, about twice
 * as fast). Use `getTokenizer()`; this is for comparing dictionaries.
 *
 * @example
 * loadTokenizer(packagedDictionaryDir()).tokenize("東京")[0]?.pos2 // "地域"
 */
export function loadTokenizer(dicPath: string): Tokenizer {
  const built = buildKuromoji(dicPath);
  const internals = built as unknown as KuromojiInternals;
  const trie = internals.viterbi_builder.trie;
  const viterbi = new ViterbiTokenizer(internals, trie.commonPrefixSearch.bind(trie));
  return {
    tokenize(text: string): Token[] {
      const safe = bmpOnly(text);
      return viterbi.words(safe).map((w) => ({
        surface: text.slice(w.start, w.start + w.length),
        start: w.start,
        end: w.start + w.length,
        pos: w.features.pos,
        pos1: w.features.pos1,
        pos2: w.features.pos2,
        pos3: w.features.pos3,
        basicForm: w.features.basicForm,
        reading: w.features.reading,
        known: w.known,
      }));
    },
  };
}

/**
 * The same dictionary tokenized by kuromoji's own `tokenize` (with the incremental prefix search): the reference
 * `loadTokenizer` is tested against.
 */
export function loadKuromojiTokenizer(dicPath: string): Tokenizer {
  const built = buildKuromoji(dicPath);
  useIncrementalPrefixSearch((built as unknown as { viterbi_builder: { trie: DoubleArrayTrie } }).viterbi_builder.trie);
  return {
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      for (const t of built.tokenize(bmpOnly(text))) {
        const start = t.word_position - 1;
        out.push({
          surface: text.slice(start, start + t.surface_form.length),
          start,
          end: start + t.surface_form.length,
          pos: t.pos,
          pos1: t.pos_detail_1,
          pos2: t.pos_detail_2,
          pos3: t.pos_detail_3,
          basicForm: t.basic_form,
          reading: t.reading ?? "",
          known: t.word_type === "KNOWN",
        });
      }
      return out;
    },
  };
}

/**
 * kuromoji's dictionary lookup fails on characters beyond the BMP (𠮷, emoji), on lone surrogates and on NUL (its
 * trie's end-of-word code): they become same-length BMP symbols, so every offset still points into the original.
 */
function bmpOnly(text: string): string {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "\u25A1\u25A1").replace(/[\uD800-\uDFFF\u0000]/g, "\u25A1");
}

function buildKuromoji(dicPath: string): KuromojiTokenizer<IpadicFeatures> {
  // kuromoji reads its 12 dictionary files with callbacks; answering them synchronously makes the whole build
  // synchronous, and the target map is built by a faster loader (pinned to kuromoji 0.1.2, whose internals
  // these rely on).
  const loader = require("kuromoji/src/loader/NodeDictionaryLoader.js") as {
    prototype: { loadArrayBuffer: (file: string, callback: (error: Error | null, buffer?: ArrayBuffer) => void) => void };
  };
  loader.prototype.loadArrayBuffer = (file, callback) => {
    let buffer: ArrayBuffer;
    try {
      buffer = readDictionaryFile(file);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, buffer);
  };
  const dictionary = require("kuromoji/src/dict/TokenInfoDictionary.js") as { prototype: { loadTargetMap: typeof loadTargetMap } };
  dictionary.prototype.loadTargetMap = loadTargetMap;
  const kuromoji = require("kuromoji") as typeof import("kuromoji");
  let built: KuromojiTokenizer<IpadicFeatures> | undefined;
  let failure: Error | undefined;
  kuromoji.builder({ dicPath }).build((error, tokenizer) => {
    if (error) failure = error;
    else built = tokenizer;
  });
  if (failure || !built) throw new Error(`kuromoji dictionary could not be loaded from ${dicPath}${failure ? ` (${failure.name})` : ""}`);
  return built;
}
