import { describe, expect, it } from "vitest";
import { parseConfig } from "../../infra/config.js";

describe("infra config (CDK context → TokumeiConfig)", () => {
  it("gives the documented defaults for an empty context", () => {
    // Act
    const config = parseConfig({});

    // Assess
    expect(config).toMatchObject({
      stackName: "Tokumei",
      retentionDays: 30,
      resultsRetentionDays: 7,
      mode: "mask",
      maxSpeakerLabels: 2,
      channelIdentification: false,
      comprehend: false,
      kmsKeyAlias: "alias/tokumei",
      tracing: false,
      logRetentionDays: 30,
      releaseMemoryMb: 3008,
    });
    expect(config.region).toBeUndefined();
    expect(config.chatRetentionDays).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });

  it("coerces the strings that `cdk -c key=value` passes", () => {
    // Act
    const config = parseConfig({ retentionDays: "14", channelIdentification: "true", comprehend: "FALSE", maxSpeakerLabels: "4", logRetentionDays: "90" });

    // Assess
    expect(config.retentionDays).toBe(14);
    expect(config.channelIdentification).toBe(true);
    expect(config.comprehend).toBe(false);
    expect(config.maxSpeakerLabels).toBe(4);
    expect(config.logRetentionDays).toBe(90);
  });

  it("ignores context keys it does not own (CDK feature flags)", () => {
    // Act
    const config = parseConfig({ "@aws-cdk/aws-iam:minimizePolicies": true, "aws:cdk:bundling-stacks": [] });

    // Assess
    expect(config.mode).toBe("mask");
  });

  it.each([
    [{ mode: "redact" }, "mode"],
    [{ retentionDays: "0" }, "retentionDays"],
    [{ retentionDays: "thirty" }, "retentionDays"],
    [{ maxSpeakerLabels: 31 }, "maxSpeakerLabels"],
    [{ channelIdentification: "yes" }, "channelIdentification"],
    [{ kmsKeyAlias: "tokumei" }, "kmsKeyAlias"],
    [{ kmsKeyAlias: "alias/aws/s3" }, "kmsKeyAlias"],
    [{ logRetentionDays: 10 }, "logRetentionDays"],
    [{ alarmEmail: "not-an-address" }, "alarmEmail"],
    [{ anonymizeMaxConcurrency: 1 }, "anonymizeMaxConcurrency"],
  ])("rejects %j and names the key", (context, key) => {
    // Act + Assess
    expect(() => parseConfig(context)).toThrow(new RegExp(`Invalid tokumei CDK context[\\s\\S]*${key}`));
  });
});
