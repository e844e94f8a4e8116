import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, arnOf, identityStatements, logicalId, resourcesOf, type Synthesized, synthesize } from "./synth.js";

/** The opt-in review-report function: off by default; when on, it reads raw inputs and writes only review/ of the raw bucket. */
describe("review report", () => {
  let synth: Synthesized;
  let enabled: Synthesized;
  // Two synths take a few seconds each; more on a busy machine than the default hook timeout allows.
  beforeAll(() => {
    synth = synthesize();
    enabled = synthesize({ reviewReport: "true" });
  }, 120_000);
  const keyArn = (s: Synthesized) => arnOf(s.stack.node.findChild("EncryptionKey").node.findChild("Key"));
  /** `{ "Fn::Join": ["", [<bucket arn>, "/prefix*"]] }` as arnForObjects renders it. */
  const objects = (bucket: Parameters<typeof arnOf>[0], pattern: string) => ({ "Fn::Join": ["", [arnOf(bucket), `/${pattern}`]] });

  it("is not deployed unless reviewReport=true", () => {
    // Assess
    expect(synth.stack.reviewReport).toBeUndefined();
    synth.template.resourceCountIs("AWS::Lambda::Function", 3 + 1 + 1); // pipeline functions, the bucket-notification handler, the release function
    expect(Object.keys(synth.template.findOutputs("ReviewReportFunctionName"))).toEqual([]);

    expect(enabled.stack.reviewReport).toBeDefined();
    enabled.template.resourceCountIs("AWS::Lambda::Function", 4 + 1 + 1); // with the review-report function
    expect(Object.keys(enabled.template.findOutputs("ReviewReportFunctionName"))).toEqual(["ReviewReportFunctionName"]);
  });

  it("runs on Node.js 22 arm64 with kuromoji's dictionary, the raw and transcripts buckets and the mask policy", () => {
    // Arrange
    const fn = enabled.stack.reviewReport!.report;

    // Act
    const properties = enabled.template.toJSON().Resources[logicalId(fn.function)].Properties;

    // Assess
    expect(properties.Runtime).toBe("nodejs22.x");
    expect(properties.Architectures).toEqual(["arm64"]);
    expect(properties.MemorySize).toBe(2048);
    expect(properties.Timeout).toBe(300);
    expect(properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalId(fn.logGroup) });
    expect(properties.Environment.Variables).toEqual({
      RAW_BUCKET: { Ref: logicalId(enabled.stack.buckets.raw) },
      TRANSCRIPTS_BUCKET: { Ref: logicalId(enabled.stack.buckets.transcripts) },
      KMS_KEY_ID: keyArn(enabled),
      TOKUMEI_POLICY: JSON.stringify({ mode: "mask" }),
      TOKUMEI_KUROMOJI_DICT: "/var/task/dict",
      TOKUMEI_COMPREHEND: "false",
      NODE_OPTIONS: "--enable-source-maps",
    });
  });

  it("masks with placeholders even when the stack pseudonymizes, and never gets the HMAC key", () => {
    // Act
    const pseudonymizing = synthesize({ reviewReport: "true", mode: "pseudonymize" });

    // Assess
    const fn = pseudonymizing.stack.reviewReport!.report;
    const variables = pseudonymizing.template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
    expect(variables.TOKUMEI_POLICY).toBe(JSON.stringify({ mode: "mask" }));
    expect(variables).not.toHaveProperty("TOKUMEI_HMAC_SECRET_ARN");
    const readers = identityStatements(pseudonymizing.template).filter(({ statement }) => actionsOf(statement).includes("secretsmanager:GetSecretValue"));
    expect(readers.flatMap(({ roles }) => roles)).toEqual([logicalId(pseudonymizing.stack.anonymizer.anonymize.role)]);
  });

  it("may read only incoming/chat/ and transcripts/, write only review/ of the raw bucket, and use the stack key", () => {
    // Arrange
    const role = logicalId(enabled.stack.reviewReport!.report.role);
    const { raw, transcripts } = enabled.stack.buckets;

    // Act
    const statements = identityStatements(enabled.template)
      .filter(({ roles }) => roles.includes(role))
      .map(({ statement }) => ({ actions: actionsOf(statement), resources: resourcesOf(statement) }))
      // Its own log group (TokumeiFunction) is checked by the pipeline tests.
      .filter(({ actions }) => !actions.every((a) => a.startsWith("logs:")));

    // Assess
    expect(statements).toEqual([
      { actions: ["s3:GetObject"], resources: [objects(raw, "incoming/chat/*"), objects(transcripts, "transcripts/*")] },
      { actions: ["s3:PutObject"], resources: [objects(raw, "review/*")] },
      { actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [keyArn(enabled)] },
    ]);
  });

  it("gives no principal but the review function write access to review/, and never writes to the anonymized bucket", () => {
    // Arrange
    const anonymized = logicalId(enabled.stack.buckets.anonymized);
    const role = logicalId(enabled.stack.reviewReport!.report.role);

    // Act
    const reviewWriters = identityStatements(enabled.template).filter(
      ({ statement }) => actionsOf(statement).includes("s3:PutObject") && JSON.stringify(statement.Resource).includes('/review/*"'),
    );
    const ownWrites = identityStatements(enabled.template).filter(
      ({ statement, roles }) => roles.includes(role) && actionsOf(statement).some((a) => a.startsWith("s3:Put")),
    );

    // Assess
    expect(reviewWriters.flatMap(({ roles }) => roles)).toEqual([role]);
    for (const { statement } of ownWrites) expect(JSON.stringify(statement.Resource)).not.toContain(anonymized);
  });

  it("uses Comprehend only when the stack does, as the anonymizer", () => {
    // Act
    const withComprehend = synthesize({ reviewReport: "true", comprehend: "true" });

    // Assess
    const role = logicalId(withComprehend.stack.reviewReport!.report.role);
    const comprehend = identityStatements(withComprehend.template).filter(
      ({ statement, roles }) => roles.includes(role) && actionsOf(statement).some((a) => a.startsWith("comprehend:")),
    );
    expect(comprehend.map(({ statement }) => actionsOf(statement).sort())).toEqual([["comprehend:BatchDetectEntities", "comprehend:DetectEntities"]]);
    const variables = withComprehend.template.toJSON().Resources[logicalId(withComprehend.stack.reviewReport!.report.function)].Properties.Environment.Variables;
    expect(variables.TOKUMEI_COMPREHEND).toBe("true");
    expect(identityStatements(enabled.template).filter(({ statement, roles }) => roles.includes(logicalId(enabled.stack.reviewReport!.report.role)) && actionsOf(statement).some((a) => a.startsWith("comprehend:")))).toEqual([]);
  });

  it("expires review reports in the raw bucket with the retention of raw audio and transcripts", () => {
    // Act
    const custom = synthesize({ reviewReport: "true", retentionDays: "14" });

    // Assess
    const rules = custom.template.toJSON().Resources[logicalId(custom.stack.buckets.raw)].Properties.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual({ Id: "expire-review-reports", Prefix: "review/", ExpirationInDays: 14, Status: "Enabled" });
  });
});
