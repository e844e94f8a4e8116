import { fixedPiece, type Piece, textPiece } from "./keep-format-kit.js";

/**
 * HTML message bodies (Intercom conversation parts, Zendesk html_body): the text a person wrote is in the
 * text nodes; the markup around it is kept byte for byte. A tolerant tokenizer (no DOM, no dependency) that
 * never drops input: every token keeps its raw source, and rendering writes raw source back for everything
 * that masking did not change.
 */

export interface HtmlAttribute {
  readonly name: string;
  /** Decoded value; undefined for a bare attribute (`<input disabled>`). */
  readonly value: string | undefined;
  readonly quote: '"' | "'" | "";
  /** The attribute as written, leading space included. */
  readonly raw: string;
}

export type HtmlToken =
  | { readonly kind: "text"; readonly raw: string; readonly text: string }
  | {
      readonly kind: "tag";
      readonly raw: string;
      /** Lower-case element name. */
      readonly name: string;
      readonly closing: boolean;
      readonly attributes: readonly HtmlAttribute[];
      /** The tag's end as written: `>` or `/>` with any space before it. */
      readonly end: string;
    }
  /** Comments, doctype, processing instructions and the content of script/style: kept, never read. */
  | { readonly kind: "other"; readonly raw: string };

/** Elements that start a new line of text. */
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
  "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
  "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
]);

/** Attributes whose values are markup, not content: kept as written. Every other value is masked. */
const STRUCTURAL_ATTRIBUTES = new Set([
  "class", "style", "dir", "lang", "rel", "target", "width", "height", "align", "valign", "colspan", "rowspan",
  "type", "role", "tabindex", "border", "cellpadding", "cellspacing", "start", "reversed", "loading",
  "referrerpolicy", "crossorigin", "id", "contenteditable", "draggable", "spellcheck", "translate", "hidden",
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", copy: "©", reg: "®", trade: "™",
  hellip: "…", mdash: "—", ndash: "–", laquo: "«", raquo: "»", ldquo: "“", rdquo: "”", lsquo: "‘",
  rsquo: "’", yen: "¥", times: "×", divide: "÷", middot: "·", bull: "•", deg: "°", para: "¶", sect: "§",
};

/**
 * Splits HTML into text, tags and other tokens. Malformed markup (a lone `<`, an unclosed comment) is read
 * as text or kept whole, never dropped.
 *
 * @example
 * tokenizeHtml('<p>山田です</p>').map((t) => t.kind); // ["tag", "text", "tag"]
 */
export function tokenizeHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let at = 0;
  let textStart = 0;
  const flushText = (end: number): void => {
    if (end > textStart) {
      const raw = html.slice(textStart, end);
      tokens.push({ kind: "text", raw, text: decodeEntities(raw) });
    }
  };
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    if (lt === -1) break;
    const next = html[lt + 1] ?? "";
    let end = -1;
    let token: HtmlToken | undefined;
    if (html.startsWith("<!--", lt)) {
      const close = html.indexOf("-->", lt + 4);
      end = close === -1 ? html.length : close + 3;
      token = { kind: "other", raw: html.slice(lt, end) };
    } else if (next === "!" || next === "?") {
      const close = html.indexOf(">", lt);
      end = close === -1 ? html.length : close + 1;
      token = { kind: "other", raw: html.slice(lt, end) };
    } else if (/[A-Za-z]/.test(next) || (next === "/" && /[A-Za-z]/.test(html[lt + 2] ?? ""))) {
      const tag = readTag(html, lt);
      if (tag) {
        end = tag.end;
        token = tag.token;
      }
    }
    if (token === undefined) {
      at = lt + 1;
      continue;
    }
    flushText(lt);
    tokens.push(token);
    at = end;
    textStart = end;
    // The content of script and style is not text a person wrote.
    if (token.kind === "tag" && !token.closing && (token.name === "script" || token.name === "style")) {
      const close = html.toLowerCase().indexOf(`</${token.name}`, at);
      const stop = close === -1 ? html.length : close;
      if (stop > at) tokens.push({ kind: "other", raw: html.slice(at, stop) });
      at = stop;
      textStart = stop;
    }
  }
  flushText(html.length);
  return tokens;
}

/** The utterance pieces of tokenized HTML and, for each text piece, the index of its token. */
export interface HtmlPieces {
  readonly pieces: Piece[];
  /** Token index of each piece (undefined for the line breaks that block elements add). */
  readonly tokenOf: (number | undefined)[];
}

/**
 * Reads the text of HTML as an utterance: text nodes as they are, a line break where a block element
 * (p, div, br, li …) starts or ends, no leading or doubled line breaks, whitespace-only nodes next to a
 * break left out.
 *
 * @example
 * joinPieces(htmlPieces(tokenizeHtml("<p>こんにちは</p><p>山田です</p>")).pieces); // "こんにちは\n山田です"
 */
export function htmlPieces(tokens: readonly HtmlToken[]): HtmlPieces {
  const pieces: Piece[] = [];
  const tokenOf: (number | undefined)[] = [];
  let pendingBreak = false;
  tokens.forEach((token, index) => {
    if (token.kind === "tag" && BLOCK.has(token.name)) {
      pendingBreak = pieces.length > 0;
      return;
    }
    if (token.kind !== "text") return;
    if (token.text.trim() === "" && (pendingBreak || pieces.length === 0)) return;
    if (pendingBreak) {
      pieces.push(fixedPiece("\n"));
      tokenOf.push(undefined);
      pendingBreak = false;
    }
    pieces.push(textPiece(token.text));
    tokenOf.push(index);
  });
  return { pieces, tokenOf };
}

/**
 * The HTML again with masked text nodes and masked attribute values. `maskedText` gives the new decoded
 * text of a text token by index (absent: unchanged); `maskValue` masks any other text (text nodes the
 * utterance left out, attribute values other than markup ones such as class or style). Whatever masking left
 * unchanged is written back exactly as it was in the input.
 *
 * @example
 * renderHtml(tokenizeHtml('<a href="mailto:a@example.com">a@example.com</a>'), new Map([[1, "<EMAIL_1>"]]), mask);
 * // '<a href="mailto:&lt;EMAIL_1&gt;">&lt;EMAIL_1&gt;</a>'
 */
export function renderHtml(
  tokens: readonly HtmlToken[],
  maskedText: ReadonlyMap<number, string>,
  maskValue: (value: string) => string,
): string {
  return tokens
    .map((token, index) => {
      if (token.kind === "other") return token.raw;
      if (token.kind === "text") {
        const masked = maskedText.get(index) ?? maskValue(token.text);
        return masked === token.text ? token.raw : encodeText(masked);
      }
      if (token.closing || token.attributes.length === 0) return token.raw;
      const attributes = token.attributes.map((attribute) => {
        if (attribute.value === undefined || STRUCTURAL_ATTRIBUTES.has(attribute.name.toLowerCase())) return attribute.raw;
        const masked = maskValue(attribute.value);
        if (masked === attribute.value) return attribute.raw;
        const quote = attribute.quote === "'" ? "'" : '"';
        const leading = /^\s*/.exec(attribute.raw)?.[0] ?? " ";
        return `${leading}${attribute.name}=${quote}${encodeAttribute(masked, quote)}${quote}`;
      });
      return `<${token.raw.slice(1, 1 + token.name.length)}${attributes.join("")}${token.end}`;
    })
    .join("");
}

/**
 * Decodes character references: the common named ones and every numeric one. Unknown names stay as written.
 *
 * @example
 * decodeEntities("山田&amp;佐藤&#x3002;&nbsp;"); // "山田&佐藤。\u00a0"
 */
export function decodeEntities(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (whole, dec, hex, name) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex as string, 16);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name as string] ?? whole;
  });
}

/**
 * Text for a text node: `&`, `<`, `>` and non-breaking spaces as references.
 *
 * @example
 * encodeText("<PHONE_1>"); // "&lt;PHONE_1&gt;"
 */
export function encodeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\u00a0/g, "&nbsp;");
}

// ---------------------------------------------------------------------------------------------------------

function encodeAttribute(value: string, quote: '"' | "'"): string {
  const encoded = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return quote === '"' ? encoded.replace(/"/g, "&quot;") : encoded.replace(/'/g, "&#39;");
}

/** Reads `<name attr=… …>` or `</name>` at `start`; undefined when it is not a well-formed tag. */
function readTag(html: string, start: number): { token: HtmlToken; end: number } | undefined {
  const closing = html[start + 1] === "/";
  let at = start + (closing ? 2 : 1);
  const nameMatch = /^[A-Za-z][A-Za-z0-9:-]*/.exec(html.slice(at, at + 64));
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  at += name.length;
  const attributes: HtmlAttribute[] = [];
  for (;;) {
    const rest = html.slice(at);
    const end = /^\s*\/?>/.exec(rest);
    if (end) {
      const stop = at + end[0].length;
      return {
        token: { kind: "tag", raw: html.slice(start, stop), name: name.toLowerCase(), closing, attributes, end: end[0] },
        end: stop,
      };
    }
    const attribute = /^(\s+)([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/.exec(rest);
    if (!attribute) return undefined;
    const [raw, , attributeName, , doubleQuoted, singleQuoted, unquoted] = attribute;
    const rawValue = doubleQuoted ?? singleQuoted ?? unquoted;
    attributes.push({
      name: attributeName as string,
      value: rawValue === undefined ? undefined : decodeEntities(rawValue),
      quote: doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : "",
      raw,
    });
    at += raw.length;
  }
}
