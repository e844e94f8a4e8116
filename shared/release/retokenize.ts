import { createHmac } from "node:crypto";
import { ReleaseError } from "../errors.js";

/** Where an entity's replacement sits in an anonymized text (the `entity_types` column). */
export interface EntitySpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Placeholders that are not in `entity_types` but look like tokens of the engine (numbered `<PERSON_1>`,
 * 仮名加工 HMAC `<PHONE:3fa9c1d2e0>`): placeholders the input already had, or tokens of another tool. They are
 * re-tokenized too, so no token of the source dataset survives in a release.
 */
const PLACEHOLDER = /<([A-Z][A-Z_]*?)(?:_\d+|:[0-9a-f]{8,64})>/g;

/** The shape of a 仮名加工 HMAC token under the default format. */
const HMAC_TOKEN = /^<[A-Z][A-Z_]*:[0-9a-f]{8,64}>$/;

/** Hex characters of a release token: 48 bits, so that two values of one type rarely share a token. */
const TOKEN_HEX = 12;

/**
 * The token function of one release: HMAC-SHA-256 under the release's random key of (scope, type, value),
 * written `<TYPE:xxxxxxxxxxxx>`. Without the key, which is never written and is destroyed after the run, a
 * token cannot be traced back to its value or to the source token, and no two releases share tokens.
 *
 * `scope` is the release conversation id (tokens differ between conversations) or "" for release-wide tokens.
 *
 * @example
 * const token = releaseTokenizer(randomBytes(32));
 * token("c-1", "PHONE", "<PHONE_1>") // "<PHONE:9b1f04c2a7de>"
 */
export function releaseTokenizer(key: Buffer): (scope: string, type: string, value: string) => string {
  return (scope, type, value) => {
    const token = createHmac("sha256", key).update(`${scope}\u0000${type}\u0000${value}`).digest("hex").slice(0, TOKEN_HEX);
    return `<${type}:${token}>`;
  };
}

export interface RetokenizeOptions {
  /** The release conversation id: the token scope of values that are not linked across conversations. */
  readonly conversationScope: string;
  /** `release`: HMAC tokens of the source keep their linkage across conversations (re-keyed); `conversation`: not. */
  readonly tokenScope: "conversation" | "release";
  readonly token: (scope: string, type: string, value: string) => string;
}

export interface RetokenizedText {
  readonly text: string;
  /** The entity spans moved to the new text. */
  readonly spans: readonly EntitySpan[];
  /** Replacements made (entity spans and stray placeholders). */
  readonly replaced: number;
}

/**
 * Replaces every entity span of an anonymized text, whatever its operator left there (a numbered placeholder,
 * an HMAC token, a mask with its last digits, a generalised 40代 or 東京都), and every stray placeholder, by a
 * release token. Zero-length spans (redacted values) stay empty. Spans out of bounds or overlapping mean the
 * dataset is corrupt: a ReleaseError, never a guess.
 *
 * @example
 * retokenize("電話は<PHONE_1>です", [{ type: "PHONE", start: 3, end: 12 }], { conversationScope: "c-1", tokenScope: "conversation", token })
 * // → { text: "電話は<PHONE:9b1f04c2a7de>です", spans: [{ type: "PHONE", start: 3, end: 23 }], replaced: 1 }
 */
export function retokenize(text: string, spans: readonly EntitySpan[], options: RetokenizeOptions): RetokenizedText {
  const ordered = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  ordered.forEach((span, i) => {
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end < span.start || span.end > text.length) {
      throw new ReleaseError(`entity span ${i} lies outside its text`);
    }
    if (i > 0 && span.start < ordered[i - 1]!.end) throw new ReleaseError(`entity spans ${i - 1} and ${i} overlap`);
  });
  const tokenOf = (type: string, value: string): string => {
    const scope = options.tokenScope === "release" && HMAC_TOKEN.test(value) ? "" : options.conversationScope;
    return options.token(scope, type, value);
  };

  let out = "";
  let cursor = 0;
  let replaced = 0;
  const moved: EntitySpan[] = [];
  /** Text between entity spans, with stray placeholders re-tokenized. */
  const between = (segment: string): string =>
    segment.replace(PLACEHOLDER, (placeholder: string, type: string) => {
      replaced++;
      return tokenOf(type, placeholder);
    });
  for (const span of ordered) {
    out += between(text.slice(cursor, span.start));
    const start = out.length;
    if (span.end > span.start) {
      out += tokenOf(span.type, text.slice(span.start, span.end));
      replaced++;
    }
    moved.push({ type: span.type, start, end: out.length });
    cursor = span.end;
  }
  out += between(text.slice(cursor));
  return { text: out, spans: moved, replaced };
}
