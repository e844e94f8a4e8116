import type { EntityType } from "../detect/entity-types.js";
import { ReportError } from "../errors.js";

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values. Every string that
 * comes from an input (utterances, speakers, ids, file names) goes through this before it reaches the page.
 *
 * @example
 * escapeHtml(`<a href="x">&'`); // "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c as keyof typeof ESCAPES]);
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" } as const;

/** A typed span of a text (UTF-16 offsets) to highlight. */
export interface HighlightSpan {
  readonly start: number;
  readonly end: number;
  readonly type: EntityType;
}

/**
 * The markup of one highlight: a `<mark>` with the type's colour class and the type as its tooltip. An empty
 * span (a value the `redact` operator removed) still gets a mark, styled as a removal sign.
 *
 * @example
 * highlightMark("PHONE", "<PHONE_1>"); // '<mark class="pii t-PHONE" title="PHONE">&lt;PHONE_1&gt;</mark>'
 */
export function highlightMark(type: EntityType, text: string): string {
  if (text === "") return `<mark class="pii t-${type} removed" title="${type} (removed)"></mark>`;
  return `<mark class="pii t-${type}" title="${type}">${escapeHtml(text)}</mark>`;
}

/**
 * Escapes `text` with each span wrapped in {@link highlightMark}. Spans must lie inside the text and must not
 * overlap (the engine guarantees both); otherwise a ReportError is thrown rather than a misleading page.
 *
 * @example
 * highlightText("電話は090-1234-5678です", [{ start: 3, end: 16, type: "PHONE" }]);
 * // '電話は<mark class="pii t-PHONE" title="PHONE">090-1234-5678</mark>です'
 */
export function highlightText(text: string, spans: readonly HighlightSpan[]): string {
  const ordered = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  let html = "";
  let at = 0;
  for (const span of ordered) {
    if (span.start < at || span.end < span.start || span.end > text.length) {
      throw new ReportError(`a ${span.type} highlight at ${span.start}–${span.end} does not fit its text (length ${text.length})`);
    }
    html += escapeHtml(text.slice(at, span.start)) + highlightMark(span.type, text.slice(span.start, span.end));
    at = span.end;
  }
  return html + escapeHtml(text.slice(at));
}
