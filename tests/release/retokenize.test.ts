import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ReleaseError } from "../../shared/errors.js";
import { releaseTokenizer, retokenize } from "../../shared/release/retokenize.js";

const KEY = Buffer.from("0123456789abcdef0123456789abcdef", "utf8");
const token = releaseTokenizer(KEY);
const inConversation = (id: string, tokenScope: "conversation" | "release" = "conversation") => ({ conversationScope: id, tokenScope, token });
const TOKEN = /^<[A-Z_]+:[0-9a-f]{12}>$/;

describe("releaseTokenizer", () => {
  it("writes <TYPE:12 hex> from the key, the scope, the type and the value", () => {
    // Act
    const a = token("c1", "PHONE", "<PHONE_1>");

    // Assess
    expect(a).toMatch(/^<PHONE:[0-9a-f]{12}>$/);
    expect(token("c1", "PHONE", "<PHONE_1>")).toBe(a);
    expect(new Set([a, token("c2", "PHONE", "<PHONE_1>"), token("c1", "EMAIL", "<PHONE_1>"), token("c1", "PHONE", "<PHONE_2>")]).size).toBe(4);
    expect(releaseTokenizer(randomBytes(32))("c1", "PHONE", "<PHONE_1>")).not.toBe(a);
  });
});

describe("retokenize", () => {
  it("replaces each entity span, whatever the operator left there, and moves the spans", () => {
    // Prepare: a numbered placeholder, a card masked with its last 4 digits, a generalised age.
    const text = "<PERSON_1>様、カード＊＊＊＊1234、40代";
    const spans = [
      { type: "PERSON", start: 0, end: 10 },
      { type: "CREDIT_CARD", start: 15, end: 23 },
      { type: "AGE", start: 24, end: 27 },
    ];

    // Act
    const result = retokenize(text, spans, inConversation("c1"));

    // Assess
    const [person, card, age] = [token("c1", "PERSON", "<PERSON_1>"), token("c1", "CREDIT_CARD", "＊＊＊＊1234"), token("c1", "AGE", "40代")];
    expect(result.text).toBe(`${person}様、カード${card}、${age}`);
    expect(result.spans).toEqual([
      { type: "PERSON", start: 0, end: 21 },
      { type: "CREDIT_CARD", start: 26, end: 52 },
      { type: "AGE", start: 53, end: 71 },
    ]);
    for (const span of result.spans) expect(result.text.slice(span.start, span.end)).toMatch(TOKEN);
    expect(result.replaced).toBe(3);
  });

  it("re-tokenizes placeholders that are not entity spans (the input's own), and keeps redacted spans empty", () => {
    // Act
    const result = retokenize("担当<PERSON_9>から<PHONE:3fa9c1d2e0>へ。住所は。", [{ type: "ADDRESS", start: 37, end: 37 }], inConversation("c1"));

    // Assess
    expect(result.text).toBe(`担当${token("c1", "PERSON", "<PERSON_9>")}から${token("c1", "PHONE", "<PHONE:3fa9c1d2e0>")}へ。住所は。`);
    expect(result.spans).toEqual([{ type: "ADDRESS", start: 50, end: 50 }]);
    expect(result.replaced).toBe(2);
  });

  it("leaves text without placeholders alone (<XX>, ＊＊ and tags are not tokens)", () => {
    expect(retokenize("<XX>さん、＊＊様、<b>太字</b>", [], inConversation("c1"))).toEqual({ text: "<XX>さん、＊＊様、<b>太字</b>", spans: [], replaced: 0 });
  });

  it("links HMAC tokens across conversations only with tokenScope release; numbered placeholders never", () => {
    // Prepare
    const hmac = "<PHONE:3fa9c1d2e0>";
    const at = (scope: "conversation" | "release", id: string, value: string) => retokenize(value, [{ type: value.slice(1, 6) === "PHONE" ? "PHONE" : "PERSON", start: 0, end: value.length }], inConversation(id, scope)).text;

    // Assess
    expect(at("release", "c1", hmac)).toBe(at("release", "c2", hmac));
    expect(at("conversation", "c1", hmac)).not.toBe(at("conversation", "c2", hmac));
    expect(at("release", "c1", "<PERSON_1>")).not.toBe(at("release", "c2", "<PERSON_1>"));
  });

  it.each([
    ["a span past the end", [{ type: "PHONE", start: 2, end: 99 }], "entity span 0 lies outside its text"],
    ["a reversed span", [{ type: "PHONE", start: 3, end: 2 }], "entity span 0 lies outside its text"],
    ["overlapping spans", [{ type: "PHONE", start: 0, end: 4 }, { type: "EMAIL", start: 3, end: 6 }], "entity spans 0 and 1 overlap"],
  ])("refuses %s (a corrupt dataset) with a ReleaseError", (_what, spans, message) => {
    // Act
    const act = () => retokenize("電話は<PHONE_1>です", spans, inConversation("c1"));

    // Assess
    expect(act).toThrow(new ReleaseError(message));
  });
});
