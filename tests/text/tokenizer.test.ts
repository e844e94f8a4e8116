import { createRequire } from "node:module";
import type { Tokenizer as KuromojiTokenizer, IpadicFeatures } from "kuromoji";
import { beforeAll, describe, expect, it } from "vitest";
import { packagedDictionaryDir } from "../../shared/text/kuromoji-dictionary.js";
import { type DoubleArrayTrie, useIncrementalPrefixSearch } from "../../shared/text/prefix-search.js";
import { getTokenizer } from "../../shared/text/tokenizer.js";
import { devsetConversations } from "../helpers/devset-conversations.js";

const require = createRequire(import.meta.url);

describe("getTokenizer", () => {
  it("reports tokens in offsets of the original text, across characters beyond the BMP", () => {
    // Act
    const tokens = getTokenizer().tokenize("𠮷野さん😀です");

    // Assess: every token's surface is its range of the text, and the ranges tile it.
    expect(tokens.map((t) => t.surface).join("")).toBe("𠮷野さん😀です");
    tokens.forEach((t, i) => expect(t.start).toBe(i === 0 ? 0 : tokens[i - 1]!.end));
    expect(tokens.find((t) => t.surface === "さん")).toMatchObject({ start: 3, end: 5 });
  });

  it("reads a NUL character (kuromoji's end-of-word code, which made its lookup fail) as a symbol", () => {
    // Act
    const tokens = getTokenizer().tokenize("電話は\u0000090です");

    // Assess
    expect(tokens.map((t) => t.surface).join("")).toBe("電話は\u0000090です");
    expect(tokens.find((t) => t.surface === "\u0000")).toMatchObject({ start: 3, end: 4, pos: "記号" });
  });
});

describe("useIncrementalPrefixSearch", () => {
  let trie: DoubleArrayTrie;
  let stockSearch: DoubleArrayTrie["commonPrefixSearch"];

  beforeAll(async () => {
    const kuromoji = require("kuromoji") as typeof import("kuromoji");
    const built = await new Promise<KuromojiTokenizer<IpadicFeatures>>((resolve, reject) =>
      kuromoji.builder({ dicPath: packagedDictionaryDir() }).build((error, tokenizer) => (error ? reject(error) : resolve(tokenizer))),
    );
    trie = (built as unknown as { viterbi_builder: { trie: DoubleArrayTrie } }).viterbi_builder.trie;
    stockSearch = Object.getPrototypeOf(trie).commonPrefixSearch.bind(trie);
    useIncrementalPrefixSearch(trie);
  }, 60_000);

  it("finds the same words with the same ids as doublearray's search, from every position of the dev set", () => {
    // Prepare
    const texts = devsetConversations().flatMap((c) => c.items.map((item) => item.text));
    texts.push("ｱｲｳｴｵ ＡＢＣ１２３ العربية 한국어 Ελληνικά ⅫⅣ ㍻ ㈱ ～〜・…‥ é ü \u007f");
    let lookups = 0;
    let words = 0;

    // Act, Assess
    for (const text of texts) {
      for (let at = 0; at < text.length; at++) {
        const tail = text.slice(at);
        const found = trie.commonPrefixSearch(tail);
        expect(found).toEqual(stockSearch(tail));
        lookups++;
        words += found.length;
      }
    }
    expect(lookups).toBeGreaterThan(50_000);
    expect(words).toBeGreaterThan(lookups);
  });

  it("leaves keys with surrogates to doublearray's own search, which fails on a lone one as before", () => {
    expect(trie.commonPrefixSearch("𠮷野")).toEqual(stockSearch("𠮷野"));
    expect(() => stockSearch("野\uD842")).toThrow(TypeError);
    expect(() => trie.commonPrefixSearch("野\uD842")).toThrow(TypeError);
  });
});
