import { prepareText } from "../text/analysis-text.js";
import { isSurname } from "./lexicon/names.js";
import { toOriginalRange, type MappedText } from "../text/mapped-text.js";
import type { Finding } from "./finding.js";
import { resolveOverlaps } from "./overlap.js";

/**
 * Policy rule 2: every occurrence is found, including read-backs and repeats in another form
 * (`〇九〇の三八二七…` said, `090-3827-…` read back). Values found anywhere in a conversation are searched for
 * in the other utterances by their skeleton: letters and digits only, upper-cased.
 */
export interface RepeatOptions {
  /** Values shorter than `longValue` characters (a PIN, a short ID) are only searched this many utterances away. */
  readonly nearWindow: number;
  /** How far longer values are searched; Infinity for the whole conversation. */
  readonly farWindow: number;
  readonly longValue: number;
  readonly minValue: number;
}

export const DEFAULT_REPEAT_OPTIONS: RepeatOptions = { nearWindow: 3, farWindow: Number.POSITIVE_INFINITY, longValue: 6, minValue: 4 };

/** A value known before detection (a participant's name from the export's sender column). */
export interface KnownValue {
  readonly surface: string;
  readonly entity: Finding["entity"];
  readonly canonical: string;
  /** Where it came from, kept as the finding's pattern name. */
  readonly source: string;
}

const SEED = -1;
const SKELETON_CHAR = /[\p{L}\p{N}]/u;
const ASCII_ALNUM = /[A-Za-z0-9]/;
const HIRAGANA = /[\u3041-\u309F]/u;
const KATAKANA = /[\u30A0-\u30FF]/u;

interface Skeleton {
  readonly chars: string;
  /** Index into the analysis text of each skeleton character. */
  readonly at: number[];
}

/** Per UTF-16 code unit: its upper-case form when it is a letter or digit, "" when not; filled as units are met. */
const SKELETON_FORM: (string | undefined)[] = new Array(0x10000);

function skeletonForm(code: number): string {
  let form = SKELETON_FORM[code];
  if (form === undefined) {
    const c = String.fromCharCode(code);
    form = SKELETON_CHAR.test(c) ? c.toUpperCase() : "";
    SKELETON_FORM[code] = form;
  }
  return form;
}

function skeletonOf(view: string): Skeleton {
  let chars = "";
  const at: number[] = [];
  for (let i = 0; i < view.length; i++) {
    const form = skeletonForm(view.charCodeAt(i));
    if (form !== "") {
      chars += form;
      at.push(i);
    }
  }
  return { chars, at };
}

const HAN = /[\p{Script=Han}々]/u;
/** Titles that may follow a name part directly (山本社長). */
const TITLE_AFTER = /^(?:さん|様|氏|君|くん|ちゃん|先生|社長|部長|課長|教授|選手|投手|監督|[一二三四五六七八九]段)/;

/** A kanji name part must not sit inside a longer kanji word (山本 in 松山本店). */
function kanjiBoundary(view: string, start: number, end: number): boolean {
  if (!HAN.test(view[start] ?? "")) return true;
  return !HAN.test(view[start - 1] ?? "") && (!HAN.test(view[end] ?? "") || TITLE_AFTER.test(view.slice(end, end + 3)));
}

/** Parts of a name that name the person alone: words split by spaces or ・, or surname and given name. */
function nameParts(name: string): string[] {
  const parts = name.split(/[\s\u3000・]+/).filter((p) => [...p].length >= 2);
  if (parts.length > 1) return parts;
  if (/^[\p{Script=Han}々]{3,}$/u.test(name)) {
    for (let s = 2; s <= Math.min(3, name.length - 2); s++) {
      if (isSurname(name.slice(0, s))) return [name.slice(0, s), name.slice(s)];
    }
  }
  return [];
}

/** A match must not be the middle of a longer word of the same kind. */
function atBoundary(view: string, start: number, end: number): boolean {
  const edge = (inside: string | undefined, outside: string | undefined) =>
    outside === undefined ||
    !(
      (ASCII_ALNUM.test(inside ?? "") && ASCII_ALNUM.test(outside)) ||
      (HIRAGANA.test(inside ?? "") && HIRAGANA.test(outside)) ||
      (KATAKANA.test(inside ?? "") && KATAKANA.test(outside))
    );
  return edge(view[start], view[start - 1]) && edge(view[end - 1], view[end]);
}

/**
 * Adds the repeats of known values to each utterance's findings, keeping them non-overlapping.
 *
 * The utterances come prepared (`prepareText`), as the analyzer read them; findings are in their original offsets.
 *
 * @example
 * addRepeats(["携帯は090-1234-5678です", "09012345678ですね"].map(prepareText), [[phone], []])
 * // → [[phone], [PHONE over 09012345678]]
 */
export function addRepeats(
  views: readonly MappedText[],
  findings: readonly (readonly Finding[])[],
  options: RepeatOptions = DEFAULT_REPEAT_OPTIONS,
  seeds: readonly KnownValue[] = [],
): Finding[][] {
  const texts = views.map((view) => view.original);
  const known: Array<{ skeleton: string; finding: Finding; utterance: number; namePart?: boolean }> = [];
  for (const seed of seeds) {
    const skeleton = skeletonOf(prepareText(seed.surface).text).chars;
    const finding: Finding = {
      entity: seed.entity,
      start: 0,
      end: 0,
      score: 0.9,
      recognizerId: "known-value",
      patternName: seed.source,
      validated: false,
      canonical: seed.canonical,
    };
    // Seeds hold for the whole conversation: NaN distance passes no window test, so mark them apart.
    if (skeleton.length >= 2) known.push({ skeleton, finding, utterance: SEED });
  }
  findings.forEach((list, u) => {
    for (const f of list) {
      const skeleton = skeletonOf(prepareText(texts[u]!.slice(f.start, f.end)).text).chars;
      if (skeleton.length >= options.minValue) known.push({ skeleton, finding: f, utterance: u });
      // 早瀬陸斗投手 … 早瀬は: a person's surname or given name alone names them again.
      if (f.entity === "PERSON") {
        for (const part of nameParts(texts[u]!.slice(f.start, f.end))) {
          const skeleton = skeletonOf(prepareText(part).text).chars;
          // A part with no letter of its own (𠮷 of 𠮷野田中: a surrogate pair) matches nowhere; searched for, the
          // empty string would match everywhere, without end.
          if (skeleton.length > 0) known.push({ skeleton, finding: f, utterance: u, namePart: true });
        }
      }
    }
  });
  if (known.length === 0) return findings.map((list) => [...list]);
  return views.map((view, u) => {
    const skeleton = skeletonOf(view.text);
    const extra: Finding[] = [];
    for (const value of known) {
      if (value.utterance !== SEED) {
        const distance = Math.abs(value.utterance - u);
        const window = value.skeleton.length >= options.longValue || value.namePart ? options.farWindow : options.nearWindow;
        if ((distance === 0 && !value.namePart) || distance > window) continue;
      }
      for (let k = skeleton.chars.indexOf(value.skeleton); k !== -1; k = skeleton.chars.indexOf(value.skeleton, k + 1)) {
        const start = skeleton.at[k]!;
        const end = skeleton.at[k + value.skeleton.length - 1]! + 1;
        if (!atBoundary(view.text, start, end) || (value.namePart && !kanjiBoundary(view.text, start, end))) continue;
        const range = toOriginalRange(view, start, end);
        extra.push({
          ...value.finding,
          start: range.start,
          end: range.end,
          recognizerId: value.utterance === SEED ? value.finding.recognizerId : "repeat",
          patternName: value.utterance === SEED ? value.finding.patternName : "known-value",
          validated: false,
        });
      }
    }
    const own = findings[u] ?? [];
    return extra.length === 0 ? [...own] : resolveOverlaps([...own, ...extra]);
  });
}
