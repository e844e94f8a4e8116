import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { arnOf, logicalId, type Synthesized, synthesize } from "./synth.js";

/** Buckets, key and queues: encryption, public access, TLS, logging, versioning, lifecycle, dead-letter queues. */
describe("storage and queues", () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  });

  const dataBuckets = () => {
    const { raw, transcripts, anonymized, athenaResults } = synth.stack.buckets;
    return { raw, transcripts, anonymized, athenaResults };
  };

  it("has exactly five buckets: raw, transcripts, anonymized, Athena results and access logs", () => {
    synth.template.resourceCountIs("AWS::S3::Bucket", 5);
  });

  it("rotates the customer-managed key and gives it the configured alias", () => {
    synth.template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    synth.template.hasResourceProperties("AWS::KMS::Alias", { AliasName: "alias/tokumei" });
  });

  it("encrypts every data bucket with the stack's KMS key (S3 Bucket Keys on)", () => {
    const key = arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));
    for (const [name, bucket] of Object.entries(dataBuckets())) {
      const properties = synth.template.toJSON().Resources[logicalId(bucket)].Properties;
      expect(properties.BucketEncryption, name).toEqual({
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key } }],
      });
    }
  });

  it("encrypts the access-log bucket with SSE-S3, the only encryption S3 server access logging delivers to", () => {
    const properties = synth.template.toJSON().Resources[logicalId(synth.stack.buckets.accessLogs)].Properties;
    expect(properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] });
  });

  it("blocks all public access on every bucket", () => {
    const buckets = synth.template.findResources("AWS::S3::Bucket");
    for (const [id, bucket] of Object.entries(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it("denies requests without TLS (and below TLS 1.2) on every bucket", () => {
    const policies = synth.template.findResources("AWS::S3::BucketPolicy");
    const bucketsWithTlsOnly = new Set<string>();
    for (const policy of Object.values(policies)) {
      const statements = policy.Properties.PolicyDocument.Statement as { Effect: string; Condition?: Record<string, Record<string, unknown>> }[];
      const insecureDenied = statements.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false");
      const oldTlsDenied = statements.some((s) => s.Effect === "Deny" && s.Condition?.NumericLessThan?.["s3:TlsVersion"] === 1.2);
      if (insecureDenied && oldTlsDenied) bucketsWithTlsOnly.add(policy.Properties.Bucket.Ref);
    }
    expect([...bucketsWithTlsOnly].sort()).toEqual(Object.keys(synth.template.findResources("AWS::S3::Bucket")).sort());
  });

  it("logs access to every data bucket into the access-log bucket", () => {
    for (const [name, bucket] of Object.entries(dataBuckets())) {
      const properties = synth.template.toJSON().Resources[logicalId(bucket)].Properties;
      expect(properties.LoggingConfiguration?.DestinationBucketName, name).toEqual({ Ref: logicalId(synth.stack.buckets.accessLogs) });
    }
  });

  it("versions the raw and anonymized buckets and expires old versions", () => {
    for (const bucket of [synth.stack.buckets.raw, synth.stack.buckets.anonymized]) {
      const properties = synth.template.toJSON().Resources[logicalId(bucket)].Properties;
      expect(properties.VersioningConfiguration).toEqual({ Status: "Enabled" });
      expect(properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: "Enabled" }));
    }
  });

  it("expires raw audio and transcripts after the retention (30 days) and query results after 7 days", () => {
    const rules = (bucket: Parameters<typeof logicalId>[0]) => synth.template.toJSON().Resources[logicalId(bucket)].Properties.LifecycleConfiguration.Rules;
    expect(rules(synth.stack.buckets.raw)).toContainEqual(expect.objectContaining({ Prefix: "incoming/audio/", ExpirationInDays: 30 }));
    expect(rules(synth.stack.buckets.raw)).not.toContainEqual(expect.objectContaining({ Prefix: "incoming/chat/" }));
    expect(rules(synth.stack.buckets.transcripts)).toContainEqual(expect.objectContaining({ ExpirationInDays: 30 }));
    expect(rules(synth.stack.buckets.athenaResults)).toContainEqual(expect.objectContaining({ ExpirationInDays: 7 }));
  });

  it("takes the retention periods from context", () => {
    // Act
    const custom = synthesize({ retentionDays: "14", resultsRetentionDays: "3", chatRetentionDays: "90" });

    // Assess
    const rules = (bucket: Parameters<typeof logicalId>[0]) => custom.template.toJSON().Resources[logicalId(bucket)].Properties.LifecycleConfiguration.Rules;
    expect(rules(custom.stack.buckets.raw)).toContainEqual(expect.objectContaining({ Prefix: "incoming/audio/", ExpirationInDays: 14 }));
    expect(rules(custom.stack.buckets.raw)).toContainEqual(expect.objectContaining({ Prefix: "incoming/chat/", ExpirationInDays: 90 }));
    expect(rules(custom.stack.buckets.transcripts)).toContainEqual(expect.objectContaining({ ExpirationInDays: 14 }));
    expect(rules(custom.stack.buckets.athenaResults)).toContainEqual(expect.objectContaining({ ExpirationInDays: 3 }));
  });

  it("encrypts every queue with the stack's KMS key", () => {
    const key = arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));
    const queues = synth.template.findResources("AWS::SQS::Queue");
    expect(Object.keys(queues)).toHaveLength(5);
    for (const [id, queue] of Object.entries(queues)) expect(queue.Properties.KmsMasterKeyId, id).toEqual(key);
  });

  it("denies queue access without TLS on every queue", () => {
    const queues = Object.keys(synth.template.findResources("AWS::SQS::Queue"));
    for (const id of queues) {
      synth.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: Match.arrayWith([{ Ref: id }]),
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]),
        },
      });
    }
  });

  it("gives both work queues a dead-letter queue with a redrive policy", () => {
    for (const queue of [synth.stack.transcription.queue, synth.stack.anonymizer.queue]) {
      synth.template.hasResourceProperties("AWS::SQS::Queue", {
        RedrivePolicy: { deadLetterTargetArn: arnOf(queue.deadLetterQueue), maxReceiveCount: 5 },
      });
      synth.template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike({ MessageRetentionPeriod: 1_209_600 }));
    }
  });

  it("keeps each work queue's visibility timeout at six times its function's timeout", () => {
    const resources = synth.template.toJSON().Resources;
    const pairs = [
      [synth.stack.transcription.queue.queue, synth.stack.transcription.start.function],
      [synth.stack.anonymizer.queue.queue, synth.stack.anonymizer.anonymize.function],
    ] as const;
    for (const [queue, fn] of pairs) {
      expect(resources[logicalId(queue)].Properties.VisibilityTimeout).toBe(6 * resources[logicalId(fn)].Properties.Timeout);
    }
  });

  it("announces new audio, chat logs and transcripts on the queues", () => {
    const notifications = synth.template.findResources("Custom::S3BucketNotifications");
    const byBucket = Object.fromEntries(
      Object.values(notifications).map((n) => [n.Properties.BucketName.Ref, n.Properties.NotificationConfiguration.QueueConfigurations]),
    );
    const rule = (prefix?: string, suffix?: string) => ({
      Key: { FilterRules: expect.arrayContaining([...(prefix ? [{ Name: "prefix", Value: prefix }] : []), ...(suffix ? [{ Name: "suffix", Value: suffix }] : [])]) },
    });
    expect(byBucket[logicalId(synth.stack.buckets.raw)]).toEqual(
      expect.arrayContaining([
        { Events: ["s3:ObjectCreated:*"], Filter: rule("incoming/audio/"), QueueArn: arnOf(synth.stack.transcription.queue.queue) },
        { Events: ["s3:ObjectCreated:*"], Filter: rule("incoming/chat/"), QueueArn: arnOf(synth.stack.anonymizer.queue.queue) },
      ]),
    );
    expect(byBucket[logicalId(synth.stack.buckets.transcripts)]).toEqual([
      { Events: ["s3:ObjectCreated:*"], Filter: rule("transcripts/", ".json"), QueueArn: arnOf(synth.stack.anonymizer.queue.queue) },
    ]);
  });
});
