import { describe, expect, it } from "vitest";
import { type AnonymizedText, Anonymizer } from "../../shared/anonymize/anonymizer.js";
import { parsePolicy } from "../../shared/anonymize/policy.js";
import { ConfigError, DetectionError } from "../../shared/errors.js";
import { finding, span } from "./findings.js";

const KEY = Buffer.from("anonymizer-test-key-0123456789abcdef", "utf8");

/** Runs `act`, expects a DetectionError, and returns its message. */
function detectionErrorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DetectionError);
    return (error as Error).message;
  }
  throw new Error("expected a DetectionError");
}

/**
 * The untouched text between replacements, read through `applied`: the same slices must come out of the
 * original (start/end) and of the output (outStart/outEnd), or an offset is wrong.
 */
function gaps(original: string, result: AnonymizedText): string[] {
  const fromOriginal: string[] = [];
  const fromOutput: string[] = [];
  let inPos = 0;
  let outPos = 0;
  for (const a of result.applied) {
    fromOriginal.push(original.slice(inPos, a.start));
    fromOutput.push(result.text.slice(outPos, a.outStart));
    inPos = a.end;
    outPos = a.outEnd;
  }
  fromOriginal.push(original.slice(inPos));
  fromOutput.push(result.text.slice(outPos));
  expect(fromOutput).toEqual(fromOriginal);
  return fromOutput;
}

describe("Anonymizer.anonymize", () => {
  it("replaces right to left and reports where each placeholder went", () => {
    // Prepare
    const text = "電話は090-1234-5678、メールはtaro@example.jp、もう一度090-1234-5678です";
    const findings = [
      finding("PHONE", text, "090-1234-5678", { canonical: "+819012345678" }),
      finding("EMAIL", text, "taro@example.jp"),
      finding("PHONE", text, "090-1234-5678", { canonical: "+819012345678", from: 20 }),
    ];
    const anonymizer = new Anonymizer();

    // Act
    const result = anonymizer.anonymize(text, findings, anonymizer.newScope());

    // Assess
    expect(result.text).toBe("電話は<PHONE_1>、メールは<EMAIL_1>、もう一度<PHONE_1>です");
    expect(result.applied.map((a) => [a.entity, a.operator, text.slice(a.start, a.end), result.text.slice(a.outStart, a.outEnd)])).toEqual([
      ["PHONE", "replace", "090-1234-5678", "<PHONE_1>"],
      ["EMAIL", "replace", "taro@example.jp", "<EMAIL_1>"],
      ["PHONE", "replace", "090-1234-5678", "<PHONE_1>"],
    ]);
  });

  it("numbers in reading order whatever order the findings come in", () => {
    // Prepare
    const text = "080-2222-3333と090-1234-5678";
    const first = finding("PHONE", text, "080-2222-3333");
    const second = finding("PHONE", text, "090-1234-5678");
    const anonymizer = new Anonymizer();

    // Act
    const result = anonymizer.anonymize(text, [second, first], anonymizer.newScope());

    // Assess
    expect(result.text).toBe("<PHONE_1>と<PHONE_2>");
    expect(result.applied.map((a) => [a.start, a.outStart, a.outEnd])).toEqual([
      [0, 0, 9],
      [14, 10, 19],
    ]);
  });

  it("keeps UTF-16 offsets right after a surrogate pair", () => {
    // Prepare
    const text = "𠮷田です。携帯は090-1234-5678です";
    const phone = finding("PHONE", text, "090-1234-5678");
    const anonymizer = new Anonymizer();

    // Act
    const result = anonymizer.anonymize(text, [phone], anonymizer.newScope());

    // Assess
    expect(phone.start).toBe(9);
    expect(result.text).toBe("𠮷田です。携帯は<PHONE_1>です");
    expect(result.applied[0]).toMatchObject({ start: 9, end: 22, outStart: 9, outEnd: 18 });
  });

  it("accepts adjacent findings", () => {
    // Prepare
    const text = "taro@example.jp090-1234-5678";
    const findings = [finding("EMAIL", text, "taro@example.jp"), finding("PHONE", text, "090-1234-5678")];
    const anonymizer = new Anonymizer();

    // Act
    const result = anonymizer.anonymize(text, findings, anonymizer.newScope());

    // Assess
    expect(result.text).toBe("<EMAIL_1><PHONE_1>");
  });

  it("returns the text unchanged without findings", () => {
    // Prepare
    const text = "月額9,800円、来週の火曜日14時にお伺いします";
    const anonymizer = new Anonymizer();

    // Act
    const result = anonymizer.anonymize(text, [], anonymizer.newScope());

    // Assess
    expect(result).toEqual({ text, applied: [] });
  });

  it("continues the numbering across calls that share a scope, and restarts in a new scope", () => {
    // Prepare
    const anonymizer = new Anonymizer();
    const scope = anonymizer.newScope();
    const a = "携帯は090-1234-5678です";
    const b = "会社は03-1111-2222です";

    // Act
    const first = anonymizer.anonymize(a, [finding("PHONE", a, "090-1234-5678")], scope).text;
    const second = anonymizer.anonymize(b, [finding("PHONE", b, "03-1111-2222")], scope).text;
    const again = anonymizer.anonymize(b, [finding("PHONE", b, "03-1111-2222")], anonymizer.newScope()).text;

    // Assess
    expect([first, second, again]).toEqual(["携帯は<PHONE_1>です", "会社は<PHONE_2>です", "会社は<PHONE_1>です"]);
  });

  it("applies the operator the policy gives each type", () => {
    // Prepare
    const policy = parsePolicy(`
entities:
  CREDIT_CARD: { operator: mask, keepLast: 4, keepSeparators: true }
  AGE: { operator: generalize }
  EMAIL: { operator: redact }
  PHONE: { operator: hmac, length: 8 }
`);
    const text = "カードは4111 1111 1111 1111、42歳、メールtaro@example.jp、電話090-1234-5678";
    const findings = [
      finding("CREDIT_CARD", text, "4111 1111 1111 1111"),
      finding("AGE", text, "42歳"),
      finding("EMAIL", text, "taro@example.jp"),
      finding("PHONE", text, "090-1234-5678", { canonical: "+819012345678" }),
    ];
    const anonymizer = new Anonymizer(policy, { hmacKey: KEY });

    // Act
    const result = anonymizer.anonymize(text, findings, anonymizer.newScope());

    // Assess
    expect(result.text).toMatch(/^カードは\*{4} \*{4} \*{4} 1111、40代、メール、電話<PHONE:[0-9a-f]{8}>$/);
    expect(result.applied.map((a) => a.operator)).toEqual(["mask", "generalize", "redact", "hmac"]);
    const redacted = result.applied[2]!;
    expect(redacted.outStart).toBe(redacted.outEnd);
    expect(gaps(text, result)).toEqual(["カードは", "、", "、メール", "、電話", ""]);
  });

  it("points outStart/outEnd at each replacement for every operator", () => {
    // Prepare
    const policy = parsePolicy('{"entities": {"AGE": {"operator": "generalize"}, "EMAIL": {"operator": "redact"}}}');
    const text = "A:42歳 B:taro@example.jp C:090-1234-5678 D";
    const findings = [finding("AGE", text, "42歳"), finding("EMAIL", text, "taro@example.jp"), finding("PHONE", text, "090-1234-5678")];
    const anonymizer = new Anonymizer(policy);

    // Act
    const result = anonymizer.anonymize(text, findings, anonymizer.newScope());

    // Assess
    expect(result.text).toBe("A:40代 B: C:<PHONE_1> D");
    expect(result.applied.map((a) => result.text.slice(a.outStart, a.outEnd))).toEqual(["40代", "", "<PHONE_1>"]);
    expect(gaps(text, result)).toEqual(["A:", " B:", " C:", " D"]);
  });

  it("needs the key for hmac: ConfigError without one", () => {
    // Prepare
    const policy = parsePolicy("mode: pseudonymize");
    const text = "携帯は090-1234-5678です";
    const anonymizer = new Anonymizer(policy);

    // Act
    const act = () => anonymizer.anonymize(text, [finding("PHONE", text, "090-1234-5678")], anonymizer.newScope());

    // Assess
    expect(act).toThrow(ConfigError);
  });

  it.each([
    ["overlapping", [span("PHONE", 3, 16), span("ACCOUNT_ID", 10, 20)]],
    ["nested", [span("EMAIL", 0, 20), span("PERSON", 2, 6)]],
    ["identical", [span("PHONE", 3, 16), span("PHONE", 3, 16)]],
  ])("refuses %s findings with a DetectionError", (_what, findings) => {
    // Prepare
    const text = "携帯は090-1234-5678です。会員番号は12345678です";
    const anonymizer = new Anonymizer();

    // Act
    const message = detectionErrorMessage(() => anonymizer.anonymize(text, findings, anonymizer.newScope()));

    // Assess
    expect(message).not.toContain("090");
  });

  it.each([
    ["past the end", span("PHONE", 3, 99)],
    ["before the start", span("PHONE", -1, 5)],
    ["empty", span("PHONE", 4, 4)],
    ["reversed", span("PHONE", 8, 4)],
  ])("refuses a finding %s of the text with a DetectionError", (_what, bad) => {
    // Prepare
    const text = "携帯は090-1234-5678です";
    const anonymizer = new Anonymizer();

    // Act
    const message = detectionErrorMessage(() => anonymizer.anonymize(text, [bad], anonymizer.newScope()));

    // Assess
    expect(message).not.toContain("090-1234-5678");
  });
});
