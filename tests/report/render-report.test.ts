import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AppliedOperator } from "../../shared/anonymize/anonymizer.js";
import type { EntityType } from "../../shared/detect/entity-types.js";
import { createEngine } from "../../shared/engine.js";
import { ReportError } from "../../shared/errors.js";
import { renderEntityChart } from "../../shared/report/entity-chart.js";
import { escapeHtml, highlightMark, highlightText } from "../../shared/report/html.js";
import { plural, RAW_DATA_WARNING, renderReport, type ReviewReport, totalsByTypeAndSource } from "../../shared/report/render-report.js";
import { type ReviewedConversation, reviewInput } from "../../shared/report/review-input.js";
import type { Conversation, Source } from "../../shared/schema/conversation.js";
import { eventPath } from "../helpers/fixtures.js";

/** An utterance as the test writes it: original and masked text, and where each entity is in both. */
interface Line {
  readonly speaker: string;
  readonly maskedSpeaker: string;
  readonly text: string;
  readonly masked: string;
  readonly entities: readonly { type: EntityType; value: string; placeholder: string }[];
}

/**
 * A reviewed conversation built by hand (no engine), so the expected markup is known exactly: each entity's
 * offsets are found in the original and masked texts by its value and placeholder.
 */
function reviewed(id: string, source: Source, lines: readonly Line[]): ReviewedConversation {
  const original: Conversation = {
    conversationId: id,
    source,
    metadata: { format: "test" },
    utterances: lines.map((l, index) => ({ index, speaker: l.speaker, text: l.text, ...(source === "call" ? { startMs: index * 61_500 } : {}) })),
  };
  const counts: Partial<Record<EntityType, number>> = {};
  const utterances = lines.map((l, index) => {
    let from = 0;
    let outFrom = 0;
    const entities: AppliedOperator[] = l.entities.map((e) => {
      const start = l.text.indexOf(e.value, from);
      const outStart = l.masked.indexOf(e.placeholder, outFrom);
      if (start < 0 || outStart < 0) throw new Error(`test data: ${e.type} not found`);
      from = start + e.value.length;
      outFrom = outStart + e.placeholder.length;
      counts[e.type] = (counts[e.type] ?? 0) + 1;
      return { entity: e.type, operator: "replace", start, end: from, outStart, outEnd: outFrom };
    });
    return { index, text: l.masked, entities };
  });
  return {
    original,
    anonymized: {
      conversation: { ...original, utterances: original.utterances.map((u, i) => ({ ...u, speaker: lines[i]!.maskedSpeaker, text: lines[i]!.masked })) },
      utterances,
      counts,
      quasiIdentifiers: { ageBand: null, prefecture: null, birthYearBand: null },
    },
  };
}

const HOSTILE = `<script>alert("x")</script>`;

const chat = reviewed(`chat-${HOSTILE}`, "chat", [
  {
    speaker: `山田 ${HOSTILE}`,
    maskedSpeaker: "speaker_1",
    text: `${HOSTILE} 山田です。電話は090-1234-5678 & 'A' > B`,
    masked: `${HOSTILE} <PERSON_1>です。電話は<PHONE_1> & 'A' > B`,
    entities: [
      { type: "PERSON", value: "山田", placeholder: "<PERSON_1>" },
      { type: "PHONE", value: "090-1234-5678", placeholder: "<PHONE_1>" },
    ],
  },
  { speaker: "bot", maskedSpeaker: "bot", text: "承知しました。", masked: "承知しました。", entities: [] },
]);

const call = reviewed("call-1", "call", [
  {
    speaker: "spk_0",
    maskedSpeaker: "spk_0",
    text: "お電話番号は03-1111-2222、予備は03-3333-4444です",
    masked: "お電話番号は<PHONE_1>、予備は<PHONE_2>です",
    entities: [
      { type: "PHONE", value: "03-1111-2222", placeholder: "<PHONE_1>" },
      { type: "PHONE", value: "03-3333-4444", placeholder: "<PHONE_2>" },
    ],
  },
  {
    speaker: "spk_1",
    maskedSpeaker: "spk_1",
    text: "メールはtaro@example.jpです",
    masked: "メールは<EMAIL_1>です",
    entities: [{ type: "EMAIL", value: "taro@example.jp", placeholder: "<EMAIL_1>" }],
  },
]);

const REPORT: ReviewReport = {
  generatedAt: new Date("2026-11-05T01:02:03.000Z"),
  engineVersion: "9.9.9",
  policyHash: "sha256:abc",
  mode: "mask",
  inputs: [
    { status: "reviewed", inputKey: `in/${HOSTILE}.jsonl`, format: "chat-jsonl", conversations: [chat] },
    { status: "reviewed", inputKey: "in/call.json", format: "transcribe", conversations: [call] },
    { status: "failed", inputKey: "in/bad&.json", errorType: "InputFormatError", reason: `in/bad&.json, line 2: expected "," or "}"` },
  ],
};

/** The page with every original cell removed: what a reviewer sees with "Show original text" off. */
function withoutOriginals(html: string): string {
  return html.replace(/<td class="original">.*?<\/td>/g, "");
}

describe("escapeHtml", () => {
  it("escapes the five characters that matter in content and quoted attributes", () => {
    // Act
    const escaped = escapeHtml(`<a href="x" title='y'>&amp;</a>`);

    // Assess
    expect(escaped).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
});

describe("highlightText", () => {
  it("wraps each span in a mark of its type and escapes the text inside and between spans", () => {
    // Arrange
    const text = "<PERSON_1>様、電話は<PHONE_1>&です";

    // Act
    const html = highlightText(text, [
      { start: 15, end: 24, type: "PHONE" },
      { start: 0, end: 10, type: "PERSON" },
    ]);

    // Assess
    expect(html).toBe(
      '<mark class="pii t-PERSON" title="PERSON">&lt;PERSON_1&gt;</mark>様、電話は<mark class="pii t-PHONE" title="PHONE">&lt;PHONE_1&gt;</mark>&amp;です',
    );
  });

  it("marks a value removed by the redact operator with an empty mark", () => {
    // Act
    const html = highlightText("電話はです", [{ start: 3, end: 3, type: "PHONE" }]);

    // Assess
    expect(html).toBe('電話は<mark class="pii t-PHONE removed" title="PHONE (removed)"></mark>です');
    expect(highlightMark("AGE", "")).toBe('<mark class="pii t-AGE removed" title="AGE (removed)"></mark>');
  });

  it.each([
    ["past the end", [{ start: 2, end: 9, type: "PHONE" as const }]],
    ["overlapping", [
      { start: 0, end: 3, type: "PERSON" as const },
      { start: 2, end: 4, type: "PHONE" as const },
    ]],
    ["reversed", [{ start: 3, end: 1, type: "AGE" as const }]],
  ])("refuses spans %s, naming offsets but not the text", (_name, spans) => {
    // Act
    const render = () => highlightText("秘密の文字", spans);

    // Assess
    expect(render).toThrow(ReportError);
    expect(render).not.toThrow(/秘密/);
  });
});

describe("renderReport", () => {
  const html = renderReport(REPORT);

  it("is one self-contained page: no external asset, link or request, and a CSP that forbids any", () => {
    // Assess
    expect(html.startsWith("<!doctype html>\n<html lang=\"ja\">")).toBe(true);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/\bsrc=/);
    expect([...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1])).toEqual(["#c1", "#c2"]);
    // The only URL is the SVG namespace, which is an identifier, not a request.
    expect([...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0])).toEqual(["http://www.w3.org/2000/svg"]);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-`);
  });

  it("allows exactly its own inline style and script by hash", () => {
    // Arrange
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

    // Act
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];

    // Assess
    expect(csp).toBe(`default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; base-uri 'none'; form-action 'none'`);
  });

  it("shows the raw-data banner first and names it in the title", () => {
    // Assess
    expect(html).toContain(`<body>\n<header class="banner" role="alert"><strong>${RAW_DATA_WARNING}</strong>`);
    expect(RAW_DATA_WARNING).toBe("Contains raw personal data: for authorised reviewers only.");
    expect(html).toContain("<title>tokumei review report (raw personal data): 2 conversations</title>");
  });

  it("escapes every input string: texts, speakers, conversation ids, file names and failure reasons", () => {
    // Assess
    expect(html.split(HOSTILE)).toHaveLength(1);
    expect(html).toContain(`<h2>chat-&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h2>`);
    expect(html).toContain(`<code>in/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.jsonl</code>`);
    expect(html).toContain(
      `<tr class="failed"><td><code>in/bad&amp;.json</code></td><td colspan="4">not included: InputFormatError: in/bad&amp;.json, line 2: expected &quot;,&quot; or &quot;}&quot;</td></tr>`,
    );
  });

  it("puts the masked utterance with its placeholders highlighted beside the original with its values highlighted", () => {
    // Assess
    const escapedScript = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";
    expect(html).toContain(
      `<tr><td class="num">0</td><td></td><td></td>` +
        `<td class="masked"><span class="speaker">speaker_1</span><span class="text">${escapedScript} <mark class="pii t-PERSON" title="PERSON">&lt;PERSON_1&gt;</mark>です。電話は<mark class="pii t-PHONE" title="PHONE">&lt;PHONE_1&gt;</mark> &amp; &#39;A&#39; &gt; B</span></td>` +
        `<td class="original"><span class="speaker">山田 ${escapedScript}</span><span class="text">${escapedScript} <mark class="pii t-PERSON" title="PERSON">山田</mark>です。電話は<mark class="pii t-PHONE" title="PHONE">090-1234-5678</mark> &amp; &#39;A&#39; &gt; B</span></td></tr>`,
    );
    expect(html).toContain(
      `<tr><td class="num">1</td><td>1:01</td><td></td><td class="masked"><span class="speaker">spk_1</span><span class="text">メールは<mark class="pii t-EMAIL" title="EMAIL">&lt;EMAIL_1&gt;</mark>です</span></td>`,
    );
  });

  it("highlights each entity once in the masked column and once in the original, and nowhere else", () => {
    // Assess
    expect(html.match(/<td class="masked">/g)).toHaveLength(4);
    expect(html.match(/<mark class="pii t-/g)).toHaveLength(2 * 5);
    expect(withoutOriginals(html).match(/<mark class="pii t-/g)).toHaveLength(5);
  });

  it("keeps raw values and names out of everything but the original column", () => {
    // Act
    const rest = withoutOriginals(html);

    // Assess
    for (const value of ["山田", "090-1234-5678", "03-1111-2222", "03-3333-4444", "taro@example.jp"]) {
      expect(html, value).toContain(value);
      expect(rest, value).not.toContain(value);
    }
  });

  it("counts entities per type and source in a table with totals", () => {
    // Assess
    const body = /<table class="counts">[\s\S]*?<\/table>/.exec(html)![0];
    expect(body).toContain(
      "<tbody>" +
        '<tr><td><span class="swatch t-PERSON"></span>PERSON</td><td class="num">0</td><td class="num">1</td><td class="num">1</td></tr>' +
        '<tr><td><span class="swatch t-PHONE"></span>PHONE</td><td class="num">2</td><td class="num">1</td><td class="num">3</td></tr>' +
        '<tr><td><span class="swatch t-EMAIL"></span>EMAIL</td><td class="num">1</td><td class="num">0</td><td class="num">1</td></tr>' +
        "</tbody>",
    );
    expect(body).toContain('<tfoot><tr><th>Total</th><th class="num">3</th><th class="num">2</th><th class="num">5</th></tr></tfoot>');
    expect(html).toContain(
      '<div class="legend"><button type="button" class="chip t-PERSON" data-type="PERSON" aria-pressed="true">PERSON <b>1</b></button>' +
        '<button type="button" class="chip t-PHONE" data-type="PHONE" aria-pressed="true">PHONE <b>3</b></button>' +
        '<button type="button" class="chip t-EMAIL" data-type="EMAIL" aria-pressed="true">EMAIL <b>1</b></button></div>',
    );
  });

  it("lists per conversation its counts by type and the facts of its input", () => {
    // Assess
    expect(html).toContain('<p class="conv-meta">call · <code>in/call.json</code> · transcribe · 2 utterances · 3 entities</p>');
    expect(html).toContain('<ul class="type-counts"><li><span class="swatch t-PHONE"></span>PHONE <b>2</b></li><li><span class="swatch t-EMAIL"></span>EMAIL <b>1</b></li></ul>');
    expect(html).toContain("<dt>Inputs</dt><dd>3, <span class=\"failed\">1 not readable</span></dd>");
    expect(html).toContain("<dt>Generated</dt><dd>2026-11-05T01:02:03.000Z</dd>");
    expect(html).toContain("<dt>Entities</dt><dd>5</dd>");
  });

  it("draws the chart of entities per type and source", () => {
    // Assess
    expect(html).toContain(renderEntityChart(totalsByTypeAndSource([chat, call])));
    expect(html.match(/<g class="row" data-type="/g)).toHaveLength(3);
  });

  it("gives the same page for the same report", () => {
    // Assess
    expect(renderReport(REPORT)).toBe(html);
  });

  it("says so when nothing was detected, and draws no chart", () => {
    // Act
    const empty = renderReport({ ...REPORT, inputs: [{ status: "reviewed", inputKey: "x.txt", format: "plain-text", conversations: [] }] });

    // Assess
    expect(empty).toContain("<p>No personal information was detected.</p>");
    expect(empty).not.toContain("<svg");
    expect(empty).toContain("<title>tokumei review report (raw personal data): 0 conversations</title>");
  });
});

describe("plural", () => {
  it.each([
    [0, "conversation", undefined, "0 conversations"],
    [1, "conversation", undefined, "1 conversation"],
    [1, "entity", "entities", "1 entity"],
    [2, "entity", "entities", "2 entities"],
  ])("counts %i %s", (n, one, many, expected) => {
    // Assess
    expect(plural(n, one, many)).toBe(expected);
  });
});

describe("totalsByTypeAndSource", () => {
  it("adds counts per type and source in the policy's type order, leaving out types with none", () => {
    // Act
    const totals = totalsByTypeAndSource([call, chat, call]);

    // Assess
    expect(totals).toEqual([
      { type: "PERSON", call: 0, chat: 1 },
      { type: "PHONE", call: 4, chat: 1 },
      { type: "EMAIL", call: 2, chat: 0 },
    ]);
  });
});

describe("renderEntityChart", () => {
  it("scales bars to the largest count and writes each count beside its bar", () => {
    // Act
    const svg = renderEntityChart([
      { type: "PERSON", call: 4, chat: 1 },
      { type: "AGE", call: 0, chat: 2 },
    ]);

    // Assess
    expect(svg).toContain('<rect class="bar bar-call" x="170" y="34" width="420" height="12" fill="#3b6ea8"><title>call: 4</title></rect><text class="value" x="594" y="44">4</text>');
    expect(svg).toContain('<rect class="bar bar-chat" x="170" y="46" width="105" height="12" fill="#d9822b"><title>chat: 1</title></rect>');
    expect(svg).toContain('<rect class="bar bar-call" x="170" y="68" width="0" height="12" fill="#3b6ea8"><title>call: 0</title></rect>');
    expect(svg).toContain('<rect class="bar bar-chat" x="170" y="80" width="210" height="12" fill="#d9822b"><title>chat: 2</title></rect>');
    expect(svg).toContain("<desc id=\"chart-desc\">PERSON 4 call, 1 chat; AGE 0 call, 2 chat</desc>");
  });
});

describe("a report of a real chat log", () => {
  it("highlights every entity the engine found, and shows its values only in the original column", async () => {
    // Arrange
    const engine = createEngine();
    const bytes = readFileSync(eventPath("conversations/chatbot-log.jsonl"));

    // Act
    const input = await reviewInput("chatbot-log.jsonl", bytes, engine);
    const html = renderReport({ generatedAt: new Date(0), engineVersion: engine.version, policyHash: engine.policyHash, mode: "mask", inputs: [input] });

    // Assess
    expect(input.status).toBe("reviewed");
    if (input.status !== "reviewed") return;
    const entities = input.conversations.flatMap((c) => c.anonymized.utterances.flatMap((u) => u.entities));
    expect(entities.length).toBeGreaterThanOrEqual(5);
    expect(html.match(/<mark class="pii t-/g)).toHaveLength(2 * entities.length);
    // Every highlight in the masked column is a placeholder of its own type.
    const masked = [...withoutOriginals(html).matchAll(/<mark class="pii t-([A-Z_]+)" title="[A-Z_]+">([^<]*)<\/mark>/g)];
    expect(masked).toHaveLength(entities.length);
    for (const [, type, text] of masked) expect(text).toMatch(new RegExp(`^&lt;${type}_\\d+&gt;$`));
    for (const value of ["小林美咲", "080-2468-1357", "神奈川県横浜市港北区新横浜2丁目4-15"]) {
      expect(html).toContain(value);
      expect(withoutOriginals(html)).not.toContain(value);
    }
  });

  it("lists an unreadable input with the reason, never its content", async () => {
    // Arrange
    const bytes = new TextEncoder().encode('{"message": "山田太郎 090-1234-5678", \n');

    // Act
    const input = await reviewInput("broken.json", bytes, createEngine());

    // Assess
    expect(input).toMatchObject({ status: "failed", inputKey: "broken.json", errorType: "InputFormatError" });
    const html = renderReport({ ...REPORT, inputs: [input] });
    expect(html).not.toContain("山田太郎");
    expect(html).not.toContain("090-1234-5678");
  });
});
