import type { DoubleArrayTrie } from "./prefix-search.js";

/**
 * kuromoji's lattice and Viterbi search, rewritten for speed with the same dictionary, the same arithmetic and the
 * same tie-breaking, so that it cuts every text exactly as kuromoji 0.1.2 does (tests/text/viterbi.test.ts
 * compares the two over the dev set and generated text). What kuromoji spends its time on and this does not:
 * a SurrogateAwareString and a slice of the rest of the sentence at every position (quadratic in the sentence),
 * a result object per dictionary word, and the feature string of every token decoded from UTF-8 and split
 * again (here decoded once per dictionary entry and kept).
 *
 * Input must hold no surrogates and no NUL: `Tokenizer.tokenize` replaces them first, as it did for kuromoji.
 */

/** The parts of kuromoji's built tokenizer this reads (kuromoji 0.1.2 internals, pinned in package.json). */
export interface KuromojiInternals {
  readonly viterbi_builder: { readonly trie: DoubleArrayTrie };
  readonly viterbi_searcher: { readonly connection_costs: { readonly buffer: Int16Array; readonly backward_dimension: number } };
  readonly token_info_dictionary: DictionaryInternals;
  readonly unknown_dictionary: DictionaryInternals & { lookup(ch: string): CharacterClass };
}

interface DictionaryInternals {
  readonly dictionary: { readonly buffer: Uint8Array };
  readonly target_map: ArrayLike<ArrayLike<number> | undefined> | Record<number, ArrayLike<number> | undefined>;
  getFeatures(id: string | number): string | null | undefined;
}

interface CharacterClass {
  readonly class_id: number;
  readonly class_name: string;
  readonly is_always_invoke: number | boolean;
  readonly is_grouping: number | boolean;
}

/** A dictionary entry's features, as the tokenizer reports them. */
export interface EntryFeatures {
  /** Length of kuromoji's surface_form (the dictionary's surface for known words). */
  readonly surfaceLength: number;
  readonly pos: string;
  readonly pos1: string;
  readonly pos2: string;
  readonly pos3: string;
  readonly basicForm: string;
  readonly reading: string;
}

/** One word of the best path: where it starts in the text (UTF-16), its length, its features. */
export interface PathWord {
  readonly start: number;
  readonly length: number;
  readonly known: boolean;
  readonly features: EntryFeatures;
}

/**
 * The lattice of one sentence as parallel typed arrays (one allocation per process, grown as needed, instead of an
 * object per dictionary word). Nodes ending at each position form a list in the order they were added, which is
 * the order kuromoji's search visits them in, so that ties are broken the same way.
 */
class Lattice {
  size = 0;
  id = new Int32Array(1024);
  cost = new Int32Array(1024);
  /** 1-based position of the first character, as kuromoji counts. */
  startPos = new Int32Array(1024);
  length = new Int32Array(1024);
  kind = new Uint8Array(1024);
  leftId = new Int32Array(1024);
  rightId = new Int32Array(1024);
  /** Best previous node, -1 for none. */
  prev = new Int32Array(1024);
  shortestCost = new Float64Array(1024);
  /** Next node ending at the same position, -1 at the end of the list. */
  next = new Int32Array(1024);
  /** First and last node ending at each position, -1 for none. */
  head = new Int32Array(256);
  tail = new Int32Array(256);

  reset(positions: number): void {
    if (positions > this.head.length) {
      const size = Math.max(positions, 2 * this.head.length);
      this.head = new Int32Array(size);
      this.tail = new Int32Array(size);
    }
    this.head.fill(-1, 0, positions);
    this.tail.fill(-1, 0, positions);
    this.size = 0;
  }

  /** Adds a node to the list of position `end` and returns its index. */
  add(id: number, cost: number, startPos: number, length: number, kind: number, leftId: number, rightId: number, end: number): number {
    if (this.size === this.id.length) this.grow();
    const n = this.size++;
    this.id[n] = id;
    this.cost[n] = cost;
    this.startPos[n] = startPos;
    this.length[n] = length;
    this.kind[n] = kind;
    this.leftId[n] = leftId;
    this.rightId[n] = rightId;
    this.prev[n] = -1;
    this.shortestCost[n] = kind === BOS ? 0 : Number.MAX_VALUE;
    this.next[n] = -1;
    if (this.tail[end] === -1) this.head[end] = n;
    else this.next[this.tail[end]!] = n;
    this.tail[end] = n;
    return n;
  }

  private grow(): void {
    const size = 2 * this.id.length;
    const grown = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.id = grown(this.id, (n) => new Int32Array(n));
    this.cost = grown(this.cost, (n) => new Int32Array(n));
    this.startPos = grown(this.startPos, (n) => new Int32Array(n));
    this.length = grown(this.length, (n) => new Int32Array(n));
    this.kind = grown(this.kind, (n) => new Uint8Array(n));
    this.leftId = grown(this.leftId, (n) => new Int32Array(n));
    this.rightId = grown(this.rightId, (n) => new Int32Array(n));
    this.prev = grown(this.prev, (n) => new Int32Array(n));
    this.shortestCost = grown(this.shortestCost, (n) => new Float64Array(n));
    this.next = grown(this.next, (n) => new Int32Array(n));
  }
}
const BOS = 0;
const EOS = 1;
const KNOWN = 2;
const UNKNOWN = 3;

/** kuromoji's sentence boundaries: a sentence ends after each 、 or 。. */
const PUNCTUATION = /、|。/g;
/** Decoded entries kept at most; a long-running process sees a few tens of thousands of distinct words. */
const MAX_CACHED_FEATURES = 200_000;
const TERM_CODE = 0;
const NOT_FOUND = -1;

export class ViterbiTokenizer {
  /** doublearray's base and check arrays, read directly (its `traverse`, inlined: the innermost loop). */
  private readonly base: Int32Array;
  private readonly check: Int32Array;
  private readonly costs: Int16Array;
  private readonly backwardDimension: number;
  private readonly known: DictionaryInternals;
  private readonly unknown: KuromojiInternals["unknown_dictionary"];
  private readonly knownView: DataView;
  private readonly unknownView: DataView;
  private readonly classes = new Map<number, CharacterClass>();
  private readonly knownFeatures = new Map<number, EntryFeatures>();
  private readonly unknownFeatures = new Map<number, EntryFeatures>();
  private readonly originalSearch: (key: string) => Array<{ k: string; v?: number }>;
  private readonly utf8 = [0, 0, 0];
  private readonly lattice = new Lattice();

  constructor(kuromoji: KuromojiInternals, originalSearch: (key: string) => Array<{ k: string; v?: number }>) {
    const bc = kuromoji.viterbi_builder.trie.bc;
    this.base = bc.getBaseBuffer();
    this.check = bc.getCheckBuffer();
    this.costs = kuromoji.viterbi_searcher.connection_costs.buffer;
    this.backwardDimension = kuromoji.viterbi_searcher.connection_costs.backward_dimension;
    this.known = kuromoji.token_info_dictionary;
    this.unknown = kuromoji.unknown_dictionary;
    const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.knownView = view(this.known.dictionary.buffer);
    this.unknownView = view(this.unknown.dictionary.buffer);
    this.originalSearch = originalSearch;
  }

  /**
   * The words of kuromoji's best path through `text`, sentence by sentence, with kuromoji's positions (including
   * its way of carrying positions from one sentence to the next).
   */
  words(text: string): PathWord[] {
    const out: PathWord[] = [];
    let from = 0;
    PUNCTUATION.lastIndex = 0;
    for (;;) {
      const match = PUNCTUATION.exec(text);
      const end = match ? match.index + 1 : text.length;
      if (end > from) this.sentence(text, from, end, out);
      if (!match) break;
      from = end;
    }
    return out;
  }

  private sentence(text: string, from: number, to: number, out: PathWord[]): void {
    const n = to - from;
    const lattice = this.lattice;
    // Lists by the 1-based position of a node's last character: BOS ends at 0, EOS after the last node.
    lattice.reset(n + 2);
    lattice.add(-1, 0, 0, 0, BOS, 0, 0, 0);
    for (let pos = 0; pos < n; pos++) {
      const found = this.knownWords(text, from + pos, to, pos);
      const head = this.characterClass(text.charCodeAt(from + pos));
      if (!found || head.is_always_invoke === 1) {
        let length = 1;
        if (head.is_grouping === 1) {
          while (pos + length < n && this.characterClass(text.charCodeAt(from + pos + length)).class_name === head.class_name) length++;
        }
        const ids = this.unknown.target_map[head.class_id as keyof typeof this.unknown.target_map] as ArrayLike<number>;
        const view = this.unknownView;
        for (let j = 0; j < ids.length; j++) {
          const id = ids[j]!;
          lattice.add(id, view.getInt16(id + 4, true), pos + 1, length, UNKNOWN, view.getInt16(id, true), view.getInt16(id + 2, true), pos + length);
        }
      }
    }
    // kuromoji puts EOS right after the last position any node ends at: with nodes at every position, n + 1.
    let eosPos = n + 1;
    while (eosPos > 1 && lattice.head[eosPos - 1] === -1) eosPos--;
    const eos = lattice.add(-1, 0, eosPos, 0, EOS, 0, 0, eosPos);
    this.forward(eosPos);
    const path: number[] = [];
    let node = lattice.prev[eos]!;
    if (node === -1) return;
    while (lattice.kind[node] !== BOS) {
      path.push(node);
      if (lattice.prev[node] === -1) return;
      node = lattice.prev[node]!;
    }
    // kuromoji carries positions across sentences from the start of the previous sentence's last token.
    const base = out.length > 0 ? out[out.length - 1]!.start + 1 : 0;
    for (let k = path.length - 1; k >= 0; k--) {
      const word = path[k]!;
      const known = lattice.kind[word] === KNOWN;
      const id = lattice.id[word]!;
      const features = known ? this.entry(this.known, this.knownFeatures, id, true) : this.entry(this.unknown, this.unknownFeatures, id, false);
      out.push({ start: base + lattice.startPos[word]! - 1, length: known ? features.surfaceLength : lattice.length[word]!, known, features });
    }
  }

  private forward(eosPos: number): void {
    const costs = this.costs;
    const dimension = this.backwardDimension;
    const { head, next, startPos, leftId, rightId, cost: wordCost, shortestCost, prev } = this.lattice;
    for (let i = 1; i <= eosPos; i++) {
      for (let node = head[i]!; node !== -1; node = next[node]!) {
        const first = head[startPos[node]! - 1]!;
        if (first === -1) continue;
        const left = leftId[node]!;
        const own = wordCost[node]!;
        let cost = Number.MAX_VALUE;
        let best = -1;
        for (let p = first; p !== -1; p = next[p]!) {
          const total = shortestCost[p]! + costs[rightId[p]! * dimension + left + 2]! + own;
          if (total < cost) {
            best = p;
            cost = total;
          }
        }
        prev[node] = best;
        shortestCost[node] = cost;
      }
    }
  }

  /**
   * Appends a node for every dictionary word that starts at `at` (shortest first, as doublearray lists them);
   * returns whether there was any. Walks the trie one UTF-8 byte at a time and stops where the walk stops.
   */
  private knownWords(text: string, at: number, to: number, pos: number): boolean {
    const bytes = this.utf8;
    let found = false;
    let parent = 0;
    for (let c = at; c < to; c++) {
      const code = text.charCodeAt(c);
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
        const child = this.traverse(parent, bytes[b]!);
        if (child === NOT_FOUND) return found;
        parent = child;
        const leaf = this.traverse(child, TERM_CODE);
        if (leaf === NOT_FOUND) continue;
        // A word ending inside a character cannot be in IPADIC; should one be, doublearray's own search decides.
        if (b < length - 1) return this.searchAll(text.slice(at, to), pos);
        const base = this.baseOf(leaf);
        if (base <= 0) this.appendEntries(-base - 1, c + 1 - at, pos);
        found = true;
      }
    }
    return found;
  }

  /** doublearray's `traverse`: the child of `parent` by `code`, NOT_FOUND when its check does not point back. */
  private traverse(parent: number, code: number): number {
    const child = this.baseOf(parent) + code;
    // Outside the check array doublearray answers -child - 1, never a node's id.
    return child >= 0 && child < this.check.length && this.check[child] === parent ? child : NOT_FOUND;
  }

  /** doublearray's `getBase`, including its answer past the end of the array. */
  private baseOf(index: number): number {
    return index < this.base.length ? this.base[index]! : -index + 1;
  }

  private searchAll(tail: string, pos: number): boolean {
    const vocabulary = this.originalSearch(tail);
    for (const word of vocabulary) if (word.v !== undefined) this.appendEntries(word.v, word.k.length, pos);
    return vocabulary.length > 0;
  }

  private appendEntries(trieId: number, length: number, pos: number): void {
    const ids = this.known.target_map[trieId as keyof typeof this.known.target_map] as ArrayLike<number>;
    const view = this.knownView;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      this.lattice.add(id, view.getInt16(id + 4, true), pos + 1, length, KNOWN, view.getInt16(id, true), view.getInt16(id + 2, true), pos + length);
    }
  }

  private characterClass(code: number): CharacterClass {
    let found = this.classes.get(code);
    if (found === undefined) {
      found = this.unknown.lookup(String.fromCharCode(code));
      this.classes.set(code, found);
    }
    return found;
  }

  private entry(dictionary: DictionaryInternals, cache: Map<number, EntryFeatures>, id: number, known: boolean): EntryFeatures {
    let features = cache.get(id);
    if (features !== undefined) return features;
    const line = dictionary.getFeatures(id);
    const f = line == null ? [] : line.split(",");
    features = Object.freeze({
      surfaceLength: known ? (f[0] ?? "").length : 0,
      pos: f[1] ?? "",
      pos1: f[2] ?? "",
      pos2: f[3] ?? "",
      pos3: f[4] ?? "",
      basicForm: f[7] ?? "",
      // kuromoji gives unknown words no reading.
      reading: known ? (f[8] ?? "") : "",
    });
    if (cache.size >= MAX_CACHED_FEATURES) cache.clear();
    cache.set(id, features);
    return features;
  }
}
