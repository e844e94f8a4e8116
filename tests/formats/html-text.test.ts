import { describe, expect, it } from "vitest";
import { decodeEntities, encodeText, htmlPieces, renderHtml, tokenizeHtml } from "../../shared/formats/html-text.js";
import { joinPieces } from "../../shared/formats/keep-format-kit.js";

/** A stand-in mask: the invented values of these tests → placeholders. */
const mask = (value: string): string =>
  value.replace(/yuko\.nakamura@example\.com/g, "<EMAIL_1>").replace(/中村 優子/g, "<PERSON_1>").replace(/080-4444-5555/g, "<PHONE_1>");

/** Renders HTML with every text token masked by `mask` (what a renderer does with an utterance's pieces). */
function maskAll(html: string): string {
  const tokens = tokenizeHtml(html);
  const masked = new Map<number, string>();
  tokens.forEach((token, index) => {
    if (token.kind === "text") masked.set(index, mask(token.text));
  });
  return renderHtml(tokens, masked, mask);
}

describe("htmlPieces: the text of a body", () => {
  it.each([
    ["paragraphs become lines", "<p>こんにちは。</p><p>中村です。</p>", "こんにちは。\n中村です。"],
    ["br and div", '<div class="zd-comment" dir="auto">一行目<br>二行目<br/>三行目</div>', "一行目\n二行目\n三行目"],
    ["inline markup joins", "<p>宛名は<b>株式会社青葉商事</b> <i>小林</i>様</p>", "宛名は株式会社青葉商事 小林様"],
    ["entities are decoded", "<p>A &amp; B&nbsp;&lt;C&gt; &#x3042;&#12354; &unknown;</p>", "A & B\u00a0<C> ああ &unknown;"],
    ["whitespace between blocks is left out", "<ul>\n  <li>一</li>\n  <li>二</li>\n</ul>", "一\n二"],
    ["comments, script and style are not text", "<p>本文<!-- 090-0000-1111 --></p><script>var a = '<p>x</p>';</script><style>p{}</style>", "本文"],
    ["a lone < is text", "<p>3 < 5 と a<b</p>", "3 < 5 と a<b"],
    ["empty body", "", ""],
  ])("%s", (_name, html, text) => {
    // Act
    const { pieces } = htmlPieces(tokenizeHtml(html));

    // Assess
    expect(joinPieces(pieces)).toBe(text);
  });
});

describe("renderHtml: masked text, markup kept", () => {
  it.each([
    [
      "text nodes and mailto hrefs are masked; rel, target and class are kept",
      '<p class="x">連絡先: <a href="mailto:yuko.nakamura@example.com" target="_blank" rel="nofollow">yuko.nakamura@example.com</a></p>',
      '<p class="x">連絡先: <a href="mailto:&lt;EMAIL_1&gt;" target="_blank" rel="nofollow">&lt;EMAIL_1&gt;</a></p>',
    ],
    [
      "single-quoted and unquoted attributes keep their quote (unquoted become double-quoted when masked)",
      "<img alt='中村 優子' src=https://example.com/a.png title=080-4444-5555>",
      "<img alt='&lt;PERSON_1&gt;' src=https://example.com/a.png title=\"&lt;PHONE_1&gt;\">",
    ],
    [
      "untouched text keeps its original entities",
      "<p>A&nbsp;&amp;&nbsp;B &#x3042;</p><p>中村 優子</p>",
      "<p>A&nbsp;&amp;&nbsp;B &#x3042;</p><p>&lt;PERSON_1&gt;</p>",
    ],
    ["comments are kept as written", "<!-- 社内用 --><p>本文</p>", "<!-- 社内用 --><p>本文</p>"],
    ["upper-case tags keep their case", '<P><A HREF="mailto:yuko.nakamura@example.com">x</A></P>', '<P><A HREF="mailto:&lt;EMAIL_1&gt;">x</A></P>'],
  ])("%s", (_name, html, expected) => {
    // Act
    const rendered = maskAll(html);

    // Assess
    expect(rendered).toBe(expected);
  });

  it("writes a body without personal data back byte for byte", () => {
    // Prepare
    const html = '<div class="zd-comment" dir="auto">\n  <p dir="auto">ありがとうございます&#12290;</p>\n<br/>\n</div>';

    // Act
    const rendered = maskAll(html);

    // Assess
    expect(rendered).toBe(html);
  });

  it("re-reading the rendered body gives the masked text (valid markup)", () => {
    // Prepare
    const html = "<p>私は中村 優子です。<br>電話は080-4444-5555です &amp; 以上</p>";

    // Act
    const rendered = maskAll(html);
    const text = joinPieces(htmlPieces(tokenizeHtml(rendered)).pieces);

    // Assess
    expect(text).toBe("私は<PERSON_1>です。\n電話は<PHONE_1>です & 以上");
  });
});

describe("entities", () => {
  it.each([
    ["&lt;&gt;&amp;&quot;&apos;", "<>&\"'"],
    ["&#0; &#xD800; &#x110000;", "&#0; &#xD800; &#x110000;"],
    ["&copy;&yen;&hellip;", "©¥…"],
    ["AT&T", "AT&T"],
  ])("decodeEntities(%s)", (raw, text) => {
    // Act / Assess
    expect(decodeEntities(raw)).toBe(text);
  });

  it("encodeText escapes markup characters and non-breaking spaces", () => {
    // Act / Assess
    expect(encodeText("<PHONE_1> & \u00a0")).toBe("&lt;PHONE_1&gt; &amp; &nbsp;");
  });
});
