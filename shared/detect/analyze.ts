import { AnalyzerConfigSchema, type AnalyzerConfig, type AnalyzerConfigInput } from "../schema/analyzer-config.js";
import { prepareText } from "../text/analysis-text.js";
import { normalize } from "../text/normalize.js";
import { toOriginalRange, type MappedText } from "../text/mapped-text.js";
import type { EntityType } from "./entity-types.js";
import type { Finding } from "./finding.js";
import { NON_PII_LABELS, WordsMatcher } from "./labels.js";
import { resolveOverlaps } from "./overlap.js";
import { placeholderRanges } from "./placeholders.js";
import { getTokenizer } from "../text/tokenizer.js";
import { runPatterns, type Candidate, type NlpArtifacts, type Recognizer } from "./recognizer.js";
import { buildRegistry } from "./registry.js";

export interface AnalyzeOptions {
  /**
   * Text said just before (the previous utterance). Only read for context words, so that an answer
   * ("1234567です") is typed by the question before it ("口座番号をお願いします").
   */
  readonly precedingText?: string;
}

interface PreparedRecognizer {
  readonly recognizer: Recognizer;
  readonly context: WordsMatcher | undefined;
  readonly negative: WordsMatcher | undefined;
}

interface LabelHit {
  readonly start: number;
  readonly end: number;
  readonly owners: ReadonlySet<string>;
}

const NON_PII = "NON_PII";
/** How much of the previous utterance is read: its last sentence or so. */
const PRECEDING_CHARS = 60;

/**
 * The detector: normalise → recognizers → validation → context → competing labels → threshold →
 * original offsets → placeholders and allow-list → overlap resolution (style.md item 4).
 * Build it once and reuse it; `analyze` is pure.
 *
 * @example
 * const analyzer = new Analyzer();
 * analyzer.analyze("電話は090-1234-5678です")
 * // → [{ entity: "PHONE", start: 3, end: 16, score: 1, recognizerId: "jp-phone", ... }]
 */
export class Analyzer {
  readonly config: AnalyzerConfig;
  private readonly recognizers: PreparedRecognizer[];
  private readonly labelWords: WordsMatcher;
  private readonly labelOwners = new Map<string, Set<string>>();
  private readonly allowed: ReadonlySet<string>;
  private readonly needsTokens: boolean;

  constructor(config: AnalyzerConfigInput = {}, recognizers?: readonly Recognizer[]) {
    this.config = AnalyzerConfigSchema.parse(config);
    this.recognizers = buildRegistry(this.config, recognizers).map((recognizer) => ({
      recognizer,
      context: optionalMatcher([...(recognizer.context?.words ?? []), ...(recognizer.labels ?? [])]),
      negative: optionalMatcher(recognizer.context?.negative ?? []),
    }));
    const labels: Array<[string, string]> = NON_PII_LABELS.map((w) => [w, NON_PII]);
    for (const { recognizer } of this.recognizers) for (const w of recognizer.labels ?? []) labels.push([w, recognizer.entity]);
    for (const [word, owner] of labels) {
      const key = word.toLowerCase();
      const owners = this.labelOwners.get(key) ?? new Set<string>();
      owners.add(owner);
      this.labelOwners.set(key, owners);
    }
    this.labelWords = new WordsMatcher(labels.map(([w]) => w), { wholeKatakana: true });
    this.allowed = new Set(this.config.allowList.map(comparable));
    this.needsTokens = this.recognizers.some((r) => r.recognizer.needsTokens);
    // Load the dictionary now (Lambda INIT), not on the first utterance.
    if (this.needsTokens) getTokenizer();
  }

  /** The entity types the enabled recognizers can report. */
  get entityTypes(): EntityType[] {
    return [...new Set(this.recognizers.map((r) => r.recognizer.entity))];
  }

  /** Findings in UTF-16 offsets of `text`, sorted and non-overlapping. */
  analyze(text: string, options: AnalyzeOptions = {}): Finding[] {
    if (text.length === 0) return [];
    return this.analyzePrepared(prepareText(text), options.precedingText ? prepareText(options.precedingText) : undefined);
  }

  /**
   * `analyze` for texts already prepared with `prepareText`: a conversation prepares each utterance once, for
   * its own analysis, as the next one's preceding text and for the repeats.
   *
   * @example
   * const [question, answer] = ["口座番号をお願いします", "1234567です"].map(prepareText);
   * analyzer.analyzePrepared(answer, question) // → [BANK_ACCOUNT over 1234567]
   */
  analyzePrepared(prepared: MappedText, preceding?: MappedText): Finding[] {
    const text = prepared.original;
    if (text.length === 0) return [];
    const view = prepared.text;
    // The previous utterance, as analysis text, ends with a line break so that nothing spans the two.
    const before = preceding && preceding.original.length > 0 ? `${precedingTail(preceding.text)}\n` : "";
    const labels = this.findLabels(before + view).map((hit) => ({ ...hit, start: hit.start - before.length, end: hit.end - before.length }));
    const blocked = placeholderRanges(text);
    const nlp: NlpArtifacts = { tokens: this.needsTokens ? getTokenizer().tokenize(view) : [] };
    const findings: Finding[] = [];
    for (const prep of this.recognizers) {
      for (const candidate of this.candidates(prep.recognizer, view, before, nlp)) {
        const scored = this.score(prep, candidate, view, before, labels);
        if (scored === undefined || scored.score < this.config.threshold) continue;
        for (const corrected of withCorrection(candidate, view)) {
          const { start, end } = toOriginalRange(prepared, corrected.start, corrected.end);
          if (blocked.some((b) => start < b.end && b.start < end)) continue;
          const surface = view.slice(corrected.start, corrected.end);
          if (this.allowed.has(comparable(surface))) continue;
          findings.push({
            entity: prep.recognizer.entity,
            start,
            end,
            score: round(scored.score),
            recognizerId: prep.recognizer.id,
            patternName: corrected.patternName,
            validated: scored.validated,
            canonical: corrected.canonical ?? prep.recognizer.canonical?.(surface) ?? comparable(surface),
          });
        }
      }
    }
    return resolveOverlaps(findings, this.config.overlapStrategy);
  }

  /** Patterns and finders over this utterance, plus answers to the previous one. */
  private candidates(recognizer: Recognizer, view: string, before: string, nlp: NlpArtifacts): Candidate[] {
    const own = runPatterns(recognizer, view, nlp);
    if (!recognizer.findAnswer || before.length === 0) return own;
    return [...own, ...recognizer.findAnswer(before, view, nlp)];
  }

  private score(
    prep: PreparedRecognizer,
    candidate: Candidate,
    view: string,
    precedingText: string,
    labels: readonly LabelHit[],
  ): { score: number; validated: boolean } | undefined {
    const { recognizer } = prep;
    let score = candidate.score;
    let validated = candidate.validated ?? false;
    if (!candidate.skipValidation && recognizer.validate) {
      const verdict = recognizer.validate(view.slice(candidate.start, candidate.end));
      if (verdict === false) return undefined;
      if (verdict === true) {
        validated = true;
        score = Math.max(score, recognizer.validatedScore ?? 1);
      }
    }
    const windowBefore = recognizer.context?.before ?? this.config.context.before;
    const windowAfter = recognizer.context?.after ?? this.config.context.after;
    const left = view.slice(Math.max(0, candidate.start - windowBefore), candidate.start);
    // A value near the start of an utterance answers the previous one: its question is context.
    const window = `${candidate.start < windowBefore ? precedingText : ""}${left}\n${view.slice(candidate.end, candidate.end + windowAfter)}`;
    const hasContext = prep.context?.test(window) ?? false;
    if (candidate.requiresContext && !hasContext) return undefined;
    if (hasContext && !candidate.labelBound) score = Math.min(1, score + this.config.context.boost);
    if (prep.negative?.test(window)) score *= this.config.context.negativeFactor;
    // Policy rule 8: a value is typed by its label. A strongly validated value (Luhn) yields only to an
    // explicit non-PII label (注文番号, JANコード); a self-evident shape (an e-mail address) to none.
    // Only values that have labels of their own compete with other labels (names and places do not).
    const label = recognizer.selfEvident || !recognizer.labels ? undefined : this.competingLabel(prep, candidate, view, precedingText, labels);
    if (label === "non-pii" || (label === "other-type" && !(validated && recognizer.strongValidation))) {
      score *= this.config.competingLabelFactor;
    }
    return { score, validated };
  }

  /** Whether the nearest label before the value names something else: a non-PII kind, or another type. */
  private competingLabel(
    prep: PreparedRecognizer,
    candidate: Candidate,
    view: string,
    precedingText: string,
    labels: readonly LabelHit[],
  ): "non-pii" | "other-type" | undefined {
    const windowStart = candidate.start - this.config.labelWindow;
    let nearest: LabelHit | undefined;
    for (const hit of labels) {
      if (hit.end > candidate.start) break;
      if (hit.end >= windowStart) nearest = hit;
    }
    if (!nearest || nearest.owners.has(prep.recognizer.entity)) return undefined;
    // A label names the next value only: 型番KX-2040Bカードは4111… leaves the card alone, also when the label
    // and its value end the previous utterance.
    const between = nearest.end >= 0 ? view.slice(nearest.end, candidate.start) : `${precedingText.slice(precedingText.length + nearest.end)}${view.slice(0, candidate.start)}`;
    if (/[A-Za-z0-9]{2,}/.test(between)) return undefined;
    // An explicit non-PII label (エラーコード, 注文番号) right before the value settles it.
    if (nearest.owners.has(NON_PII)) return "non-pii";
    const ownStart = windowStart - this.config.labelWindow;
    const own = labels.some((hit) => hit.end <= candidate.start && hit.end >= ownStart && hit.owners.has(prep.recognizer.entity));
    return own ? undefined : "other-type";
  }

  private findLabels(view: string): LabelHit[] {
    const hits: LabelHit[] = [];
    for (const m of this.labelWords.matchAll(view)) {
      hits.push({ start: m.index, end: m.index + m[0].length, owners: this.labelOwners.get(m[0].toLowerCase()) ?? new Set() });
    }
    return hits;
  }
}

/** The end of the previous utterance that is read, not starting inside a word (IPv6 cut to v6 would read as "v"). */
function precedingTail(text: string): string {
  let start = Math.max(0, text.length - PRECEDING_CHARS);
  while (start > 0 && start < text.length && /[A-Za-z0-9]/.test(text[start - 1]!) && /[A-Za-z0-9]/.test(text[start]!)) start++;
  return text.slice(start);
}

/** あ、違う / じゃなくて / 間違えました …: a speaker correcting what they just said. */
const CORRECTION = /^[、。,.\s]*(?:あ[、,\s]*)?(?:違う|違います|ちがう|間違え(?:ました|た)?|じゃなくて|ではなくて|いや|失礼しました)[、。,.\s]*(?:(?:えーと|えっと|えー|あの)[、,\s]*)?(?<value>[0-9A-Za-z](?:-?[0-9A-Za-z])*)/;

/**
 * A value corrected right after it was said: a partial correction (the last group again) extends the span
 * over it; a whole new value becomes a second span of the same type.
 */
function withCorrection(candidate: Candidate, view: string): Candidate[] {
  const match = CORRECTION.exec(view.slice(candidate.end, candidate.end + 40));
  const value = match?.groups?.["value"];
  if (!match || !value) return [candidate];
  const alnum = (s: string) => s.replace(/[^0-9A-Za-z]/g, "").length;
  const end = candidate.end + match[0].length;
  if (alnum(value) < alnum(view.slice(candidate.start, candidate.end))) return [{ ...candidate, end, patternName: `${candidate.patternName}+correction` }];
  return [candidate, { ...candidate, start: end - value.length, end, patternName: `${candidate.patternName}-correction`, canonical: undefined }];
}

function optionalMatcher(words: readonly string[]): WordsMatcher | undefined {
  return words.length === 0 ? undefined : new WordsMatcher(words);
}

/** Normalised, separator-free form used to compare values (allow-list, default canonical form). */
function comparable(value: string): string {
  return normalize(value).text.replace(/[\s\-()]/g, "").toLowerCase();
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
