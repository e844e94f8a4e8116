import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { IpadicFeatures, Tokenizer as KuromojiTokenizer } from "kuromoji";

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

/**
 * The process-wide tokenizer, built on first use (about half a second) from kuromoji's bundled dictionary
 * or from `TOKUMEI_KUROMOJI_DICT` when the dictionary is shipped elsewhere (a Lambda asset).
 *
 * @example
 * getTokenizer().tokenize("山田と申します")[0] // { surface: "山田", pos2: "人名", pos3: "姓", … }
 */
export function getTokenizer(): Tokenizer {
  shared ??= buildTokenizer(process.env["TOKUMEI_KUROMOJI_DICT"] ?? join(dirname(require.resolve("kuromoji/package.json")), "dict"));
  return shared;
}

function buildTokenizer(dicPath: string): Tokenizer {
  // kuromoji reads its 12 dictionary files with callbacks; answering them synchronously makes the whole build
  // synchronous (pinned to kuromoji 0.1.2, whose loader this relies on).
  const loader = require("kuromoji/src/loader/NodeDictionaryLoader.js") as {
    prototype: { loadArrayBuffer: (file: string, callback: (error: Error | null, buffer?: ArrayBuffer) => void) => void };
  };
  loader.prototype.loadArrayBuffer = (file, callback) => {
    let buffer: ArrayBuffer;
    try {
      const bytes = gunzipSync(readFileSync(file));
      buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, buffer);
  };
  const kuromoji = require("kuromoji") as typeof import("kuromoji");
  let built: KuromojiTokenizer<IpadicFeatures> | undefined;
  let failure: Error | undefined;
  kuromoji.builder({ dicPath }).build((error, tokenizer) => {
    if (error) failure = error;
    else built = tokenizer;
  });
  if (failure || !built) throw new Error(`kuromoji dictionary could not be loaded from ${dicPath}${failure ? ` (${failure.name})` : ""}`);
  const kuromojiTokenizer = built;
  return {
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      // kuromoji's dictionary lookup can fail on characters beyond the BMP (𠮷, emoji) and lone surrogates:
      // they become same-length BMP symbols, so every offset still points into the original text.
      const safe = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "\u25A1\u25A1").replace(/[\uD800-\uDFFF]/g, "\u25A1");
      for (const t of kuromojiTokenizer.tokenize(safe)) {
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
