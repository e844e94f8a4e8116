import { describe, expect, it } from "vitest";
import { ConversationScope } from "../../shared/anonymize/operator.js";
import { generalizeOperator } from "../../shared/anonymize/operators/generalize.js";
import { hmacOperator } from "../../shared/anonymize/operators/hmac.js";
import { OPERATORS } from "../../shared/anonymize/operators/index.js";
import { maskOperator } from "../../shared/anonymize/operators/mask.js";
import { redactOperator } from "../../shared/anonymize/operators/redact.js";
import { replaceOperator } from "../../shared/anonymize/operators/replace.js";
import type { EntityType } from "../../shared/detect/entity-types.js";
import { ConfigError } from "../../shared/errors.js";
import { operatorInput } from "./findings.js";

const KEY = Buffer.from("k".repeat(16) + "test-hmac-key-0123456789", "utf8");
const OTHER_KEY = Buffer.from("o".repeat(16) + "another-hmac-key-987654", "utf8");

describe("OPERATORS", () => {
  it("maps every operator by its own name", () => {
    // Prepare
    const names = Object.keys(OPERATORS);

    // Act
    const selfNamed = Object.entries(OPERATORS).map(([name, operator]) => [name, operator.name]);

    // Assess
    expect(names).toEqual(["replace", "redact", "mask", "hmac", "generalize"]);
    expect(selfNamed).toEqual(names.map((n) => [n, n]));
  });
});

describe("replace operator", () => {
  const defaults = replaceOperator.params.parse({});

  it("writes a typed, numbered placeholder: <PHONE_1>", () => {
    // Prepare
    const input = operatorInput("PHONE", "090-1234-5678", { canonical: "+819012345678" });

    // Act
    const out = replaceOperator.apply(input, defaults);

    // Assess
    expect(out).toBe("<PHONE_1>");
  });

  it("gives the same canonical value the same number within a scope, a new value the next number", () => {
    // Prepare
    const scope = new ConversationScope();
    const values: Array<[string, string]> = [
      ["090-1234-5678", "+819012345678"],
      ["〇九〇の一二三四の五六七八", "+819012345678"],
      ["080-2222-3333", "+818022223333"],
      ["09012345678", "+819012345678"],
    ];

    // Act
    const out = values.map(([surface, canonical]) => replaceOperator.apply(operatorInput("PHONE", surface, { canonical, scope }), defaults));

    // Assess
    expect(out).toEqual(["<PHONE_1>", "<PHONE_1>", "<PHONE_2>", "<PHONE_1>"]);
  });

  it("numbers each type on its own", () => {
    // Prepare
    const scope = new ConversationScope();
    const inputs: Array<[EntityType, string]> = [
      ["PHONE", "090-1234-5678"],
      ["EMAIL", "taro@example.jp"],
      ["EMAIL", "hanako@example.jp"],
      ["PHONE", "080-2222-3333"],
    ];

    // Act
    const out = inputs.map(([entity, surface]) => replaceOperator.apply(operatorInput(entity, surface, { scope }), defaults));

    // Assess
    expect(out).toEqual(["<PHONE_1>", "<EMAIL_1>", "<EMAIL_2>", "<PHONE_2>"]);
  });

  it("restarts at 1 in a new scope", () => {
    // Prepare
    const first = new ConversationScope();
    replaceOperator.apply(operatorInput("PHONE", "080-2222-3333", { scope: first }), defaults);
    const second = new ConversationScope();

    // Act
    const inFirst = replaceOperator.apply(operatorInput("PHONE", "090-1234-5678", { scope: first }), defaults);
    const inSecond = replaceOperator.apply(operatorInput("PHONE", "090-1234-5678", { scope: second }), defaults);

    // Assess
    expect(inFirst).toBe("<PHONE_2>");
    expect(inSecond).toBe("<PHONE_1>");
  });

  it.each([
    ["[{type}]", "PHONE", "[PHONE]"],
    ["＜個人情報＞", "EMAIL", "＜個人情報＞"],
    ["{type}/{type}", "EMAIL", "EMAIL/EMAIL"],
    ["<{type}#{n}>", "PHONE", "<PHONE#1>"],
  ] as const)("custom format %s on %s → %s", (format, entity, expected) => {
    // Prepare
    const params = replaceOperator.params.parse({ format });

    // Act
    const out = replaceOperator.apply(operatorInput(entity, "x-value"), params);

    // Assess
    expect(out).toBe(expected);
  });

  it("gives every value of a type the same placeholder when the format has no {n}", () => {
    // Prepare
    const scope = new ConversationScope();
    const params = replaceOperator.params.parse({ format: "<{type}>" });

    // Act
    const out = ["090-1234-5678", "080-2222-3333"].map((s) => replaceOperator.apply(operatorInput("PHONE", s, { scope }), params));

    // Assess
    expect(out).toEqual(["<PHONE>", "<PHONE>"]);
  });

  it("rejects an empty format", () => {
    // Prepare
    const params = { format: "" };

    // Act
    const result = replaceOperator.params.safeParse(params);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe("redact operator", () => {
  it.each([["PHONE", "090-1234-5678"], ["EMAIL", "taro@example.jp"], ["PERSON", "山田太郎"]] as const)("removes a %s entirely", (entity, surface) => {
    // Prepare
    const input = operatorInput(entity, surface);

    // Act
    const out = redactOperator.apply(input, redactOperator.params.parse({}));

    // Assess
    expect(out).toBe("");
  });
});

describe("mask operator", () => {
  it.each([
    ["half-width digits and hyphens", "090-1234-5678", {}, "*************"],
    ["full-width digits", "０９０１２３４", {}, "＊＊＊＊＊＊＊"],
    ["mixed widths, one mask per character", "０９０-1234", {}, "＊＊＊*****"],
    ["kanji name", "山田太郎", {}, "＊＊＊＊"],
    ["half-width katakana stays half-width", "ﾔﾏﾀﾞ", {}, "****"],
    ["e-mail", "taro@example.jp", {}, "***************"],
    ["keepLast 4 on a phone", "090-1234-5678", { keepLast: 4 }, "*********5678"],
    ["keepLast 4 with keepSeparators", "090-1234-5678", { keepLast: 4, keepSeparators: true }, "***-****-5678"],
    ["keepSeparators alone", "090-1234-5678", { keepSeparators: true }, "***-****-****"],
    ["card, keepLast 4 with keepSeparators", "4111 1111 1111 1111", { keepLast: 4, keepSeparators: true }, "**** **** **** 1111"],
    ["card, keepLast 4 counts digits, not spaces", "4111 1111 1111 1111", { keepLast: 4 }, "***************1111"],
    ["full-width separators kept", "０９０－１２３４－５６７８", { keepLast: 4, keepSeparators: true }, "＊＊＊－＊＊＊＊－５６７８"],
    ["keepLast longer than the value keeps only letters and digits", "12-34", { keepLast: 10 }, "12*34"],
    ["custom mask characters", "09０", { char: "#", wideChar: "■" }, "##■"],
  ] as const)("%s: %s → %s", (_what, surface, options, expected) => {
    // Prepare
    const params = maskOperator.params.parse(options);

    // Act
    const out = maskOperator.apply(operatorInput("PHONE", surface), params);

    // Assess
    expect(out).toBe(expected);
    expect([...out]).toHaveLength([...surface].length);
  });

  it("masks a surrogate pair (𠮷) with one mask character", () => {
    // Prepare
    const params = maskOperator.params.parse({});

    // Act
    const out = maskOperator.apply(operatorInput("PERSON", "𠮷田"), params);

    // Assess
    expect([...out]).toHaveLength(2);
    expect(out).not.toContain("\uD842");
  });

  it("masks a full-width surrogate-pair character (𠮷, CJK Ext. B) with the full-width ＊", () => {
    // Prepare
    const params = maskOperator.params.parse({});

    // Act
    const out = maskOperator.apply(operatorInput("PERSON", "𠮷田"), params);

    // Assess
    expect(out).toBe("＊＊");
  });

  it.each([
    [{ char: "**" }],
    [{ wideChar: "" }],
    [{ keepLast: -1 }],
    [{ keepLast: 1.5 }],
    [{ unknown: true }],
  ])("rejects params %j", (options) => {
    // Prepare
    const schema = maskOperator.params;

    // Act
    const result = schema.safeParse(options);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe("hmac operator", () => {
  const defaults = hmacOperator.params.parse({});

  it("writes <TYPE:token> with 10 hex characters by default", () => {
    // Prepare
    const input = operatorInput("PHONE", "090-1234-5678", { canonical: "+819012345678", secrets: { hmacKey: KEY } });

    // Act
    const out = hmacOperator.apply(input, defaults);

    // Assess
    expect(out).toMatch(/^<PHONE:[0-9a-f]{10}>$/);
  });

  it("gives the same key and canonical value the same token in different scopes and surfaces", () => {
    // Prepare
    const a = operatorInput("PHONE", "090-1234-5678", { canonical: "+819012345678", scope: new ConversationScope(), secrets: { hmacKey: KEY } });
    const b = operatorInput("PHONE", "〇九〇の一二三四の五六七八", { canonical: "+819012345678", scope: new ConversationScope(), secrets: { hmacKey: KEY } });

    // Act
    const tokens = [hmacOperator.apply(a, defaults), hmacOperator.apply(b, defaults)];

    // Assess
    expect(tokens[0]).toBe(tokens[1]);
  });

  it("gives different values, different types and different keys different tokens", () => {
    // Prepare
    const phone = hmacOperator.apply(operatorInput("PHONE", "1", { canonical: "+819012345678", secrets: { hmacKey: KEY } }), defaults);

    // Act
    const otherValue = hmacOperator.apply(operatorInput("PHONE", "1", { canonical: "+818022223333", secrets: { hmacKey: KEY } }), defaults);
    const otherType = hmacOperator.apply(operatorInput("ACCOUNT_ID", "1", { canonical: "+819012345678", secrets: { hmacKey: KEY } }), defaults);
    const otherKey = hmacOperator.apply(operatorInput("PHONE", "1", { canonical: "+819012345678", secrets: { hmacKey: OTHER_KEY } }), defaults);

    // Assess
    expect(otherValue).not.toBe(phone);
    expect(otherType.slice("<ACCOUNT_ID:".length, -1)).not.toBe(phone.slice("<PHONE:".length, -1));
    expect(otherKey).not.toBe(phone);
  });

  it.each([8, 16, 64])("keeps %i hex characters when asked", (length) => {
    // Prepare
    const params = hmacOperator.params.parse({ length, format: "{token}" });

    // Act
    const out = hmacOperator.apply(operatorInput("EMAIL", "taro@example.jp", { secrets: { hmacKey: KEY } }), params);

    // Assess
    expect(out).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
  });

  it("gives a shorter token that is a prefix of the longer one", () => {
    // Prepare
    const input = operatorInput("EMAIL", "taro@example.jp", { secrets: { hmacKey: KEY } });

    // Act
    const short = hmacOperator.apply(input, hmacOperator.params.parse({ length: 8, format: "{token}" }));
    const long = hmacOperator.apply(input, hmacOperator.params.parse({ length: 64, format: "{token}" }));

    // Assess
    expect(long.startsWith(short)).toBe(true);
  });

  it.each([7, 65, 0])("rejects a token length of %i", (length) => {
    // Prepare
    const params = { length };

    // Act
    const result = hmacOperator.params.safeParse(params);

    // Assess
    expect(result.success).toBe(false);
  });

  it("throws ConfigError without a key, naming neither the value nor any key", () => {
    // Prepare
    const input = operatorInput("PHONE", "090-1234-5678", { canonical: "+819012345678" });

    // Act
    let caught: unknown;
    try {
      hmacOperator.apply(input, defaults);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain("TOKUMEI_HMAC_KEY");
    expect(message).not.toContain("090-1234-5678");
    expect(message).not.toContain("+819012345678");
  });

  it("never writes the key or the value into the token", () => {
    // Prepare
    const input = operatorInput("EMAIL", "taro@example.jp", { secrets: { hmacKey: KEY } });

    // Act
    const out = hmacOperator.apply(input, hmacOperator.params.parse({ length: 64, format: "{type}:{token}" }));

    // Assess
    expect(out).not.toContain(KEY.toString("utf8"));
    expect(out).not.toContain(KEY.toString("hex"));
    expect(out).not.toContain("taro");
  });
});

describe("generalize operator", () => {
  const defaults = generalizeOperator.params.parse({});

  it.each([
    ["AGE", "42歳", "40代"],
    ["AGE", "七十二歳", "70代"],
    ["AGE", "95歳", "90歳以上"],
    ["AGE", "90歳", "90歳以上"],
    ["AGE", "89歳", "80代"],
    ["AGE", "30代後半", "30代"],
    ["AGE", "４２歳", "40代"],
    ["AGE", "36 years old", "30代"],
    ["AGE", "いい年", "<AGE>"],
    ["DATE_OF_BIRTH", "昭和58年2月14日", "1980年代"],
    ["DATE_OF_BIRTH", "昭和五十八年二月十四日", "1980年代"],
    ["DATE_OF_BIRTH", "S58.2.14", "1980年代"],
    ["DATE_OF_BIRTH", "1992年", "1990年代"],
    ["DATE_OF_BIRTH", "一九九二年", "1990年代"],
    ["DATE_OF_BIRTH", "H2.5.3", "1990年代"],
    ["DATE_OF_BIRTH", "平成元年", "1980年代"],
    ["DATE_OF_BIRTH", "令和元年5月1日", "2010年代"],
    ["DATE_OF_BIRTH", "2月14日", "<DATE_OF_BIRTH>"],
    ["ADDRESS", "東京都渋谷区神南1-2-3", "東京都"],
    ["ADDRESS", "神奈川県横浜市港北区新横浜2丁目4-15", "神奈川県"],
    ["ADDRESS", "近所", "<ADDRESS>"],
    ["LOCATION", "大阪", "大阪府"],
    ["LOCATION", "北海道札幌市", "北海道"],
    ["LOCATION", "海外", "<LOCATION>"],
    ["PHONE", "090-1234-5678", "<PHONE>"],
  ] as const)("%s %s → %s", (entity, surface, expected) => {
    // Prepare
    const input = operatorInput(entity, surface);

    // Act
    const out = generalizeOperator.apply(input, defaults);

    // Assess
    expect(out).toBe(expected);
  });

  it.each([
    [{ ageTopCode: 80 }, "AGE", "85歳", "80歳以上"],
    [{ ageTopCode: 80 }, "AGE", "79歳", "70代"],
    [{ yearBand: 5 }, "DATE_OF_BIRTH", "昭和58年2月14日", "1980-1984年"],
    [{ yearBand: 5 }, "DATE_OF_BIRTH", "1987年", "1985-1989年"],
  ] as const)("with %j: %s %s → %s", (options, entity, surface, expected) => {
    // Prepare
    const params = generalizeOperator.params.parse(options);

    // Act
    const out = generalizeOperator.apply(operatorInput(entity, surface), params);

    // Assess
    expect(out).toBe(expected);
  });
});
