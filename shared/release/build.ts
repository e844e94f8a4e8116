import { ReleaseError } from "../errors.js";
import type { ReleaseConfig, QuasiIdentifier } from "./config.js";
import { hierarchies } from "./hierarchies.js";
import { kAnonymize, type KAnonymityResult, type QuasiRecord } from "./k-anonymity.js";
import { releaseTokenizer, retokenize } from "./retokenize.js";
import type { ReleaseConversationRow, ReleaseUtteranceRow } from "./schema.js";
import type { SourceConversation } from "./source-datasets.js";

/** What one release run is made from besides the data: fresh randomness and the time. */
export interface BuildContext {
  readonly createdAt: Date;
  /** The release's random key (crypto.randomBytes(32)); the caller destroys it after the build. */
  readonly key: Buffer;
  /** A fresh random conversation id; called once per kept conversation (collisions are retried). */
  readonly newConversationId: () => string;
}

export interface BuiltRelease {
  /** Ordered by the random id, so row order says nothing about the input order. */
  readonly conversations: readonly ReleaseConversationRow[];
  /** Ordered by conversation id, then utterance index. */
  readonly utterances: readonly ReleaseUtteranceRow[];
  readonly kAnonymity: KAnonymityResult;
  readonly suppressedUtterances: number;
  readonly tokensReplaced: number;
}

/** The customer_* columns: generalised in every release, checked for k when declared quasi-identifiers. */
const CUSTOMER_COLUMNS = ["customer_age_band", "customer_prefecture", "customer_birth_year_band"] as const satisfies readonly QuasiIdentifier[];

/**
 * The 匿名加工 release of a set of conversations (施行規則第34条), a pure function of its inputs:
 *
 * 1. quasi-identifiers (the customer's age band, prefecture, birth-year band, as configured) are made
 *    k-anonymous by whole-column generalisation and then suppression (`kAnonymize`); a suppressed
 *    conversation leaves with all its utterances;
 * 2. every kept conversation gets a random id; the input key, source ids, processing time and policy columns
 *    are not carried over (34条 3号);
 * 3. every entity span and stray placeholder in the text becomes a token under the release's random key, per
 *    conversation (or, with tokenScope "release", HMAC tokens release-wide), so no source token and no mask
 *    remainder (last digits) survives (34条 1号, 2号); speakers are renumbered speaker_1 … per conversation.
 *
 * @example
 * const built = buildRelease(conversations, parseReleaseConfig({ k: 5 }), { createdAt: new Date(), key: randomBytes(32), newConversationId });
 * built.kAnonymity.kAchieved // ≥ 5
 */
export function buildRelease(source: readonly SourceConversation[], config: ReleaseConfig, context: BuildContext): BuiltRelease {
  const ladders = hierarchies(context.createdAt.getUTCFullYear());
  const records: QuasiRecord[] = source.map((c) => ({
    customer_age_band: c.row.customer_age_band,
    customer_prefecture: c.row.customer_prefecture,
    customer_birth_year_band: c.row.customer_birth_year_band,
    source: c.source,
    format: c.row.format,
  }));
  const kAnonymity = kAnonymize(records, {
    k: config.k,
    quasiIdentifiers: config.quasiIdentifiers,
    maxSuppression: config.maxSuppression,
    hierarchies: ladders,
  });
  const token = releaseTokenizer(context.key);
  const usedIds = new Set<string>();
  const conversations: ReleaseConversationRow[] = [];
  const utterances: ReleaseUtteranceRow[] = [];
  let suppressedUtterances = 0;
  let tokensReplaced = 0;

  source.forEach((conversation, i) => {
    const quasi = kAnonymity.records[i];
    if (quasi === null || quasi === undefined) {
      suppressedUtterances += conversation.utterances.length;
      return;
    }
    let id = context.newConversationId();
    while (usedIds.has(id)) id = context.newConversationId();
    usedIds.add(id);
    // Quasi-identifiers come from the k-anonymous table; customer_* columns not declared QIs still get level 0
    // (labels checked, unknown values blanked), never the stored value as such.
    const value = (column: QuasiIdentifier): string | null =>
      config.quasiIdentifiers.includes(column) ? quasi[column] : ladders[column].levels[0]!.apply(records[i]![column] ?? null);
    conversations.push({
      conversation_id: id,
      source: value("source"),
      format: value("format"),
      utterance_count: conversation.row.utterance_count,
      speaker_count: conversation.row.speaker_count,
      duration_ms: conversation.row.duration_ms,
      entity_counts: conversation.row.entity_counts,
      ...(Object.fromEntries(CUSTOMER_COLUMNS.map((column) => [column, value(column)])) as Pick<ReleaseConversationRow, (typeof CUSTOMER_COLUMNS)[number]>),
    });
    const speakers = new Map<string, string>();
    for (const u of conversation.utterances) {
      if (!speakers.has(u.speaker)) speakers.set(u.speaker, `speaker_${speakers.size + 1}`);
      let result: ReturnType<typeof retokenize>;
      try {
        result = retokenize(u.text, u.entity_types, { conversationScope: id, tokenScope: config.tokenScope, token });
      } catch (error) {
        if (error instanceof ReleaseError) throw new ReleaseError(`${conversation.utterancesKey} utterance ${u.utterance_index}: ${error.message}`);
        throw error;
      }
      tokensReplaced += result.replaced;
      utterances.push({
        conversation_id: id,
        utterance_index: u.utterance_index,
        speaker: speakers.get(u.speaker)!,
        role: u.role,
        start_ms: u.start_ms,
        end_ms: u.end_ms,
        text: result.text,
        entity_count: result.spans.length,
        entity_types: JSON.stringify(result.spans),
      });
    }
  });

  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  conversations.sort((a, b) => byId(a.conversation_id, b.conversation_id));
  utterances.sort((a, b) => byId(a.conversation_id, b.conversation_id) || a.utterance_index - b.utterance_index);
  return { conversations, utterances, kAnonymity, suppressedUtterances, tokensReplaced };
}
