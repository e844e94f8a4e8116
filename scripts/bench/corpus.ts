import type { Conversation } from "../../shared/schema/conversation.js";
import type { LabelledItem, PiiType } from "../../tests/eval/devset.js";
import { DEVSET_DIR, devsetConversations, type DevsetConversation } from "../../tests/helpers/devset-conversations.js";

/**
 * The benchmark's corpus: Japanese conversations composed from the labelled dev set (tests/devset, all invented)
 * with the markup stripped, varied deterministically so that no two copies are the same text: every labelled
 * value is swapped for another value of its type from elsewhere in the set, spoken utterances get fillers, and
 * the conversations are shuffled. The same seed gives the same corpus, byte for byte.
 */

/** What a speaker says before an utterance in a transcribed call (never inside a labelled value). */
const FILLERS = ["えー、", "あの、", "えっと、", "あのー、", "まあ、", "はい、"];

/**
 * A small, fast, seeded PRNG (mulberry32): the corpus must be the same on every run and machine.
 *
 * @example
 * const random = seededRandom(7); random() // 0.0…1.0, the same sequence for seed 7
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every labelled surface of the set, by type: the values a variation draws from. */
function valuePools(items: readonly LabelledItem[]): Map<PiiType, string[]> {
  const pools = new Map<PiiType, string[]>();
  for (const item of items) {
    for (const e of item.entities) {
      const pool = pools.get(e.type) ?? [];
      pool.push(e.surface);
      pools.set(e.type, pool);
    }
  }
  return pools;
}

/** One utterance of a variation: each labelled value replaced by a random value of the same type. */
function vary(item: LabelledItem, pools: ReadonlyMap<PiiType, readonly string[]>, random: () => number, spoken: boolean): string {
  let text = "";
  let at = 0;
  for (const e of item.entities) {
    const pool = pools.get(e.type) ?? [e.surface];
    text += item.text.slice(at, e.start) + pool[Math.floor(random() * pool.length)]!;
    at = e.end;
  }
  text += item.text.slice(at);
  if (spoken && random() < 0.25) text = FILLERS[Math.floor(random() * FILLERS.length)]! + text;
  return text;
}

function toConversation(template: Pick<DevsetConversation, "id" | "source">, variant: number, texts: readonly string[]): Conversation {
  const call = template.source === "call";
  return {
    conversationId: `${template.id}-v${variant}`,
    source: template.source,
    utterances: texts.map((text, index) => ({
      index,
      speaker: call ? `spk_${index % 2}` : index % 2 === 0 ? "user" : "assistant",
      ...(call ? { startMs: index * 6000, endMs: index * 6000 + 5500 } : {}),
      text,
    })),
    metadata: { format: call ? "transcribe" : "chat-jsonl", benchmark: true },
  };
}

export interface Corpus {
  readonly conversations: readonly Conversation[];
  readonly utterances: number;
  readonly chars: number;
  /** Size of the text in UTF-8. */
  readonly bytes: number;
}

/**
 * At least `minBytes` of UTF-8 conversation text, in whole conversations.
 *
 * @example
 * buildCorpus({ minBytes: 2 * 1024 * 1024, seed: 20261123 }).chars // ≈ 720,000
 */
export function buildCorpus({ minBytes, seed, devsetDir = DEVSET_DIR }: { minBytes: number; seed: number; devsetDir?: string }): Corpus {
  const all = devsetConversations(devsetDir);
  const pools = valuePools(all.flatMap((c) => c.items));
  const random = seededRandom(seed);
  const conversations: Conversation[] = [];
  let bytes = 0;
  let chars = 0;
  let utterances = 0;
  for (let variant = 1; bytes < minBytes; variant++) {
    const round: Conversation[] = [];
    for (const template of all) {
      // The first round is the dev set as written; later rounds are variations of it.
      const texts = template.items.map((item) => (variant === 1 ? item.text : vary(item, pools, random, template.source === "call")));
      round.push(toConversation(template, variant, texts));
    }
    for (const conversation of shuffle(round, random)) {
      if (bytes >= minBytes) break;
      conversations.push(conversation);
      for (const u of conversation.utterances) {
        bytes += Buffer.byteLength(u.text, "utf8");
        chars += u.text.length;
        utterances++;
      }
    }
  }
  return { conversations, utterances, chars, bytes };
}

/**
 * Calls of about `chars` characters (a 30-minute call), made of call conversations of the corpus joined
 * end to end, each with its own id and running times.
 *
 * @example
 * longCalls(corpus, 10_000, 30).length // 30
 */
export function longCalls(corpus: Corpus, chars: number, count: number): Conversation[] {
  const calls = corpus.conversations.filter((c) => c.source === "call");
  if (calls.length === 0) throw new Error("the corpus has no call conversations");
  const out: Conversation[] = [];
  let next = 0;
  while (out.length < count) {
    const texts: string[] = [];
    let length = 0;
    while (length < chars) {
      for (const u of calls[next++ % calls.length]!.utterances) {
        texts.push(u.text);
        length += u.text.length;
      }
    }
    out.push(toConversation({ id: `long-call-${out.length + 1}`, source: "call" }, 0, texts));
  }
  return out;
}

function shuffle<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
