/**
 * kuromoji looks every position of a sentence up in its double-array trie with `commonPrefixSearch(tail)`, and
 * doublearray 0.5 encodes the whole rest of the sentence to UTF-8 for each of those lookups, although the walk
 * down the trie stops after a few characters. This search encodes one character at a time and stops where the
 * walk stops: the same words and ids, without the quadratic encoding (a fifth of tokenizing).
 */

/** The part of doublearray's trie the search walks. */
export interface DoubleArrayTrie {
  commonPrefixSearch(key: string): Array<{ k: string; v?: number }>;
  traverse(parent: number, code: number): number;
  bc: { getBase(index: number): number; getBaseBuffer(): Int32Array; getCheckBuffer(): Int32Array };
}

const ROOT_ID = 0;
const NOT_FOUND = -1;
const TERM_CODE = 0;

/**
 * Replaces `trie.commonPrefixSearch` with the incremental one. Keys with surrogates (never given by
 * `Tokenizer.tokenize`, which replaces them) and the impossible case of a word ending inside a character still
 * go to doublearray's own search.
 *
 * @example
 * useIncrementalPrefixSearch(kuromojiTokenizer.viterbi_builder.trie);
 */
export function useIncrementalPrefixSearch(trie: DoubleArrayTrie): void {
  const original = trie.commonPrefixSearch.bind(trie);
  const bytes = [0, 0, 0];
  trie.commonPrefixSearch = (key: string) => {
    const result: Array<{ k: string; v?: number }> = [];
    let parent = ROOT_ID;
    for (let c = 0; c < key.length; c++) {
      const code = key.charCodeAt(c);
      if (code >= 0xd800 && code <= 0xdfff) return original(key);
      let length: number;
      if (code < 0x80) {
        bytes[0] = code;
        length = 1;
      } else if (code < 0x800) {
        bytes[0] = (code >>> 6) | 0xc0;
        bytes[1] = (code & 0x3f) | 0x80;
        length = 2;
      } else {
        bytes[0] = (code >>> 12) | 0xe0;
        bytes[1] = ((code >> 6) & 0x3f) | 0x80;
        bytes[2] = (code & 0x3f) | 0x80;
        length = 3;
      }
      for (let b = 0; b < length; b++) {
        const child = trie.traverse(parent, bytes[b]!);
        if (child === NOT_FOUND) return result;
        parent = child;
        const leaf = trie.traverse(child, TERM_CODE);
        if (leaf === NOT_FOUND) continue;
        if (b < length - 1) return original(key);
        const base = trie.bc.getBase(leaf);
        const record: { k: string; v?: number } = base <= 0 ? { v: -base - 1, k: "" } : { k: "" };
        record.k = key.slice(0, c + 1);
        result.push(record);
      }
    }
    return result;
  };
}
