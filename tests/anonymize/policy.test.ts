import { describe, expect, it } from "vitest";
import { operatorFor, parsePolicy, PolicySchema, policyHash } from "../../shared/anonymize/policy.js";
import { ConfigError } from "../../shared/errors.js";

/** Runs `act`, expects a ConfigError, and returns its message. */
function configErrorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const JSON_POLICY = `{
  "mode": "mask",
  "default": { "operator": "redact" },
  "entities": {
    "CREDIT_CARD": { "operator": "mask", "keepLast": 4, "keepSeparators": true },
    "AGE": { "operator": "generalize" },
    "PHONE": { "operator": "replace", "format": "[{type}]" }
  }
}`;

const YAML_POLICY = `
mode: mask
default:
  operator: redact
entities:
  CREDIT_CARD:
    operator: mask
    keepLast: 4
    keepSeparators: true
  AGE:
    operator: generalize
  PHONE:
    operator: replace
    format: "[{type}]"
`;

describe("parsePolicy", () => {
  it.each([
    ["JSON", JSON_POLICY],
    ["YAML", YAML_POLICY],
  ])("reads a %s policy and fills in operator defaults", (_format, content) => {
    // Prepare
    const file = "policy";

    // Act
    const policy = parsePolicy(content, file);

    // Assess
    expect(policy).toEqual({
      mode: "mask",
      default: { operator: "redact" },
      entities: {
        CREDIT_CARD: { operator: "mask", char: "*", wideChar: "＊", keepLast: 4, keepSeparators: true },
        AGE: { operator: "generalize", ageTopCode: 90, yearBand: 10 },
        PHONE: { operator: "replace", format: "[{type}]" },
      },
    });
  });

  it.each([
    ["an empty file", ""],
    ["an empty object", "{}"],
  ])("reads %s as the default policy (mask mode, replace)", (_what, content) => {
    // Prepare
    const file = "policy.yaml";

    // Act
    const policy = parsePolicy(content, file);

    // Assess
    expect(policy).toEqual({ mode: "mask", entities: {} });
    expect(operatorFor(policy, "PHONE")).toEqual({ operator: "replace", format: "<{type}_{n}>" });
  });

  it.each([
    ["an unknown operator", '{"entities": {"PHONE": {"operator": "scramble"}}}', "entities.PHONE.operator"],
    ["generalize on PHONE", '{"entities": {"PHONE": {"operator": "generalize"}}}', "entities.PHONE"],
    ["generalize on EMAIL (YAML)", "entities:\n  EMAIL:\n    operator: generalize\n", "entities.EMAIL"],
    ["generalize as the default", '{"default": {"operator": "generalize"}}', "default"],
    ["an unknown entity type", '{"entities": {"SHOE_SIZE": {"operator": "redact"}}}', "entities"],
    ["an unknown mode", '{"mode": "scramble-all"}', "mode"],
    ["a bad operator parameter", '{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": -1}}}', "entities.CREDIT_CARD.keepLast"],
    ["an unknown operator parameter", '{"entities": {"PHONE": {"operator": "redact", "secretSauce": 1}}}', "entities.PHONE"],
    ["a too-short hmac token", '{"entities": {"PHONE": {"operator": "hmac", "length": 4}}}', "entities.PHONE.length"],
    ["an unknown top-level key", '{"modes": "mask"}', "(root)"],
  ])("rejects %s with a ConfigError naming the file and the path", (_what, content, path) => {
    // Prepare
    const file = "team-policy.json";

    // Act
    const message = configErrorMessage(() => parsePolicy(content, file));

    // Assess
    expect(message).toContain("team-policy.json");
    expect(message).toContain(`${path}:`);
  });

  it.each([
    ['{"entities": {"PHONE": {"operator": "scramble"}}}', "scramble"],
    ['{"mode": "scramble-all"}', "scramble-all"],
  ])("does not quote the invalid value of %s", (content, value) => {
    // Prepare
    const file = "team-policy.json";

    // Act
    const message = configErrorMessage(() => parsePolicy(content, file));

    // Assess
    expect(message).not.toContain(value);
  });

  it("rejects text that is neither JSON nor YAML without quoting it", () => {
    // Prepare
    const content = '{ "entities": [ 090-1234-5678';

    // Act
    const message = configErrorMessage(() => parsePolicy(content, "broken.json"));

    // Assess
    expect(message).toContain("broken.json");
    expect(message).not.toContain("090-1234-5678");
  });

  it.each(["AGE", "DATE_OF_BIRTH", "ADDRESS", "LOCATION"] as const)("accepts generalize on %s", (entity) => {
    // Prepare
    const content = JSON.stringify({ entities: { [entity]: { operator: "generalize" } } });

    // Act
    const policy = parsePolicy(content);

    // Assess
    expect(operatorFor(policy, entity).operator).toBe("generalize");
  });
});

describe("operatorFor", () => {
  it("selects hmac with its default parameters in pseudonymize mode", () => {
    // Prepare
    const policy = parsePolicy("mode: pseudonymize\n");

    // Act
    const spec = operatorFor(policy, "PHONE");

    // Assess
    expect(spec).toEqual({ operator: "hmac", length: 10, format: "<{type}:{token}>" });
  });

  it("prefers the type's own operator, then the default, then the mode", () => {
    // Prepare
    const policy = parsePolicy(
      JSON.stringify({ mode: "pseudonymize", default: { operator: "redact" }, entities: { EMAIL: { operator: "mask" } } }),
    );
    const modeOnly = parsePolicy(JSON.stringify({ mode: "pseudonymize", entities: { EMAIL: { operator: "mask" } } }));

    // Act
    const chosen = [operatorFor(policy, "EMAIL").operator, operatorFor(policy, "PHONE").operator, operatorFor(modeOnly, "PHONE").operator];

    // Assess
    expect(chosen).toEqual(["mask", "redact", "hmac"]);
  });
});

describe("policyHash", () => {
  it("is a sha256 fingerprint", () => {
    // Prepare
    const policy = PolicySchema.parse({});

    // Act
    const hash = policyHash(policy);

    // Assess
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("does not depend on key order or on the file format", () => {
    // Prepare
    const reordered = `{
      "entities": {
        "PHONE": { "format": "[{type}]", "operator": "replace" },
        "AGE": { "operator": "generalize" },
        "CREDIT_CARD": { "keepSeparators": true, "keepLast": 4, "operator": "mask" }
      },
      "default": { "operator": "redact" },
      "mode": "mask"
    }`;

    // Act
    const hashes = [JSON_POLICY, YAML_POLICY, reordered].map((content) => policyHash(parsePolicy(content)));

    // Assess
    expect(new Set(hashes).size).toBe(1);
  });

  it("is the same when defaults are spelled out", () => {
    // Prepare
    const implicit = parsePolicy('{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": 4}}}');
    const explicit = parsePolicy(
      '{"mode": "mask", "entities": {"CREDIT_CARD": {"operator": "mask", "char": "*", "wideChar": "＊", "keepLast": 4, "keepSeparators": false}}}',
    );

    // Act
    const hashes = [policyHash(implicit), policyHash(explicit)];

    // Assess
    expect(hashes[0]).toBe(hashes[1]);
  });

  it.each([
    ['{"mode": "pseudonymize"}'],
    ['{"default": {"operator": "redact"}}'],
    ['{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": 4}}}'],
    ['{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": 6}}}'],
    ['{"entities": {"AGE": {"operator": "generalize", "ageTopCode": 80}}}'],
  ])("differs from the default policy for %s", (content) => {
    // Prepare
    const defaultHash = policyHash(PolicySchema.parse({}));

    // Act
    const hash = policyHash(parsePolicy(content));

    // Assess
    expect(hash).not.toBe(defaultHash);
  });

  it("tells the keepLast 4 and keepLast 6 policies apart", () => {
    // Prepare
    const four = parsePolicy('{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": 4}}}');
    const six = parsePolicy('{"entities": {"CREDIT_CARD": {"operator": "mask", "keepLast": 6}}}');

    // Act
    const hashes = [policyHash(four), policyHash(six)];

    // Assess
    expect(hashes[0]).not.toBe(hashes[1]);
  });
});
