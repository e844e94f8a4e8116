import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, arnOf, identityStatements, logicalId, resourcesOf, type Synthesized, synthesize } from "./synth.js";

/** The 匿名加工 release function: a direct-invoke Lambda that reads datasets/ and writes releases/, nothing else. */
describe("release function", () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  });
  const release = () => synth.stack.release.release;
  const properties = (s: Synthesized = synth) => s.template.toJSON().Resources[logicalId(s.stack.release.release.function)].Properties;
  const key = () => arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));

  it("is a Node.js 22 arm64 function with 15 minutes, 3008 MB, its own encrypted log group and the bucket and key in its environment", () => {
    expect(properties()).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      Timeout: 900,
      MemorySize: 3008,
      LoggingConfig: { LogGroup: { Ref: logicalId(release().logGroup) } },
    });
    expect(properties().Environment.Variables).toEqual({
      DATASET_BUCKET: { Ref: logicalId(synth.stack.buckets.anonymized) },
      KMS_KEY_ID: key(),
      NODE_OPTIONS: "--enable-source-maps",
    });
    expect(synth.template.toJSON().Resources[logicalId(release().logGroup)].Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: key() });
  });

  it("takes its memory from context releaseMemoryMb", () => {
    // Act
    const custom = synthesize({ releaseMemoryMb: "8192" });

    // Assess
    expect(properties(custom).MemorySize).toBe(8192);
  });

  it("is never retried asynchronously (a retry would be a second release) and has no event source", () => {
    synth.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: logicalId(release().function) },
      MaximumRetryAttempts: 0,
    });
    const mappings = Object.values(synth.template.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings.map((m) => m.Properties.FunctionName)).not.toContainEqual({ Ref: logicalId(release().function) });
  });

  it("may list datasets/ and releases/, read datasets/, write releases/ and use the stack key; nothing more", () => {
    // Act
    const statements = identityStatements(synth.template)
      .filter(({ roles }) => roles.includes(logicalId(release().role)))
      .map(({ statement }) => statement)
      .filter((s) => !actionsOf(s).some((a) => a.startsWith("logs:")));

    // Assess
    const anonymized = arnOf(synth.stack.buckets.anonymized);
    const objects = (prefix: string) => ({ "Fn::Join": ["", [anonymized, `/${prefix}*`]] });
    expect(statements.map(({ Sid, Action, Resource, Condition }) => ({ Sid, Action, Resource, Condition }))).toEqual([
      { Sid: "ListDatasetsAndReleases", Action: "s3:ListBucket", Resource: anonymized, Condition: { StringLike: { "s3:prefix": ["datasets/*", "releases/*"] } } },
      { Sid: "ReadDatasets", Action: "s3:GetObject", Resource: objects("datasets/"), Condition: undefined },
      { Sid: "WriteReleases", Action: "s3:PutObject", Resource: objects("releases/"), Condition: undefined },
      { Sid: "UseTheStackKey", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key(), Condition: undefined },
    ]);
  });

  it("is the only principal that writes releases/, and cannot read the HMAC secret", () => {
    // Act
    const writers = identityStatements(synth.template).filter(
      ({ statement }) => actionsOf(statement).includes("s3:PutObject") && resourcesOf(statement).some((r) => JSON.stringify(r).includes("/releases/")),
    );

    // Assess
    expect(writers.flatMap(({ roles }) => roles)).toEqual([logicalId(release().role)]);
    const secretReaders = identityStatements(synth.template).filter(({ statement }) => actionsOf(statement).includes("secretsmanager:GetSecretValue"));
    expect(secretReaders.flatMap(({ roles }) => roles)).not.toContain(logicalId(release().role));
  });

  it("outputs its name for `aws lambda invoke`", () => {
    synth.template.hasOutput("ReleaseFunctionName", { Value: { Ref: logicalId(release().function) } });
  });
});
