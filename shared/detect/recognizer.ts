import type { Token } from "../text/tokenizer.js";
import type { EntityType } from "./entity-types.js";

/** What is computed once per text and shared by every recognizer (presidio's NlpArtifacts). */
export interface NlpArtifacts {
  /** kuromoji tokens of the analysis text; empty unless a recognizer asked for them. */
  readonly tokens: readonly Token[];
}

const NO_NLP: NlpArtifacts = { tokens: [] };

/**
 * A recognizer is one small unit that finds one entity type (presidio's PatternRecognizer, adapted to
 * Japanese): regex patterns and/or a custom finder over the analysis text, context words searched in a
 * character window (Japanese has no spaces to count tokens by), labels that bind a value to its type, and an
 * optional validator (checksum) that confirms or rejects a match.
 */

/** A candidate span in analysis-text offsets, before context, validation and overlap resolution. */
export interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly patternName: string;
  /** Set by a finder that validated the value itself (e.g. libphonenumber). */
  readonly validated?: boolean;
  /** Skip the recognizer's `validate` for this candidate. */
  readonly skipValidation?: boolean;
  /** Drop the candidate unless a context word of the recognizer is in the window. */
  readonly requiresContext?: boolean;
  /** Found through its label: the label already is its context, so context words do not raise it again. */
  readonly labelBound?: boolean;
  /** A comparable form of the value; defaults to the matched text without separators. */
  readonly canonical?: string;
}

export interface Pattern {
  readonly name: string;
  /** Global regex over the analysis text; the named group `value`, if present, is the span. */
  readonly regex: RegExp;
  readonly score: number;
  /** Drop matches that have no context word of the recognizer in the window. */
  readonly requiresContext?: boolean;
  /** Whether the recognizer's `validate` applies (default true). */
  readonly validate?: boolean;
}

export interface ContextSpec {
  /** Words that make the type more likely when they appear within the window (substring match). */
  readonly words: readonly string[];
  /** Words that make it less likely (a provider's help page for URL, バージョン for an IP-like string). */
  readonly negative?: readonly string[];
  /** Window in characters before the span and after it; defaults come from the engine config. */
  readonly before?: number;
  readonly after?: number;
}

export interface Recognizer {
  /** Stable id used by config to enable, disable or re-score it. */
  readonly id: string;
  readonly entity: EntityType;
  readonly description: string;
  readonly patterns?: readonly Pattern[];
  /** Custom finder for what a regex cannot express (libphonenumber, spoken e-mail addresses, names). */
  readonly find?: (text: string, nlp: NlpArtifacts) => Candidate[];
  /** The finder reads kuromoji tokens: the analyzer tokenizes the text once for all such recognizers. */
  readonly needsTokens?: boolean;
  readonly context?: ContextSpec;
  /**
   * Label words that name a value of this type right before it (電話番号は…, 会員番号：…). When the
   * nearest label before a candidate belongs to another type, the candidate is demoted: a number is typed
   * by what it is, not by how it looks (policy rule 8).
   */
  readonly labels?: readonly string[];
  /**
   * Finds the value an utterance gives in answer to the previous one (its question names the label). `nlp` is
   * the answer's, as `find` gets it, so that a finder reading tokens does not tokenize the answer again.
   */
  readonly findAnswer?: (question: string, answer: string, nlp?: NlpArtifacts) => Candidate[];
  /** Shapes that cannot be anything else (an e-mail address) ignore other types' labels. */
  readonly selfEvident?: boolean;
  /** true → score raised to `validatedScore`; false → dropped; undefined → unchanged. */
  readonly validate?: (value: string) => boolean | undefined;
  readonly validatedScore?: number;
  /** A validated match is certain enough to ignore other types' labels (Luhn over 13-19 digits). */
  readonly strongValidation?: boolean;
  /** Comparable form of a matched value (digits only, lower case…). */
  readonly canonical?: (value: string) => string;
}

/**
 * Runs a recognizer's patterns and finder over the analysis text.
 *
 * @example
 * runPatterns(emailRecognizer, "mail: a@example.com") // [{ start: 6, end: 19, score: 0.9, ... }]
 */
export function runPatterns(recognizer: Recognizer, text: string, nlp: NlpArtifacts = NO_NLP): Candidate[] {
  const out: Candidate[] = [];
  for (const pattern of recognizer.patterns ?? []) {
    if (!pattern.regex.global) throw new Error(`recognizer ${recognizer.id}: pattern ${pattern.name} must be global`);
    for (const match of globalMatches(pattern.regex, text)) {
      const value = match.groups?.["value"];
      const offset = value !== undefined ? match[0].indexOf(value) : 0;
      const start = match.index + offset;
      const end = start + (value ?? match[0]).length;
      if (end <= start) continue;
      out.push({
        start,
        end,
        score: pattern.score,
        patternName: pattern.name,
        skipValidation: pattern.validate === false,
        requiresContext: pattern.requiresContext ?? false,
      });
    }
  }
  if (recognizer.find) out.push(...recognizer.find(text, nlp));
  return out;
}

/**
 * What `text.matchAll(regex)` yields, without the copy of the regex matchAll makes on every call (every pattern of
 * every recognizer runs over every utterance). `regex` must be global; its lastIndex is left at 0.
 */
export function globalMatches(regex: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  regex.lastIndex = 0;
  try {
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      out.push(match);
      // An empty match moves on by one character (a whole code point under the u or v flag), as matchAll does.
      if (match[0] === "") regex.lastIndex = advance(text, regex.lastIndex, regex.unicode || regex.flags.includes("v"));
    }
  } finally {
    regex.lastIndex = 0;
  }
  return out;
}

function advance(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00 ? index + 2 : index + 1;
}

/** Digits of a value, for canonical forms of numbers. */
export function digitsOnly(value: string): string {
  return value.replace(/[^0-9]/g, "");
}
