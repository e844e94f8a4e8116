import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { S3Storage, withInputRead } from "../../functions/lib/s3-storage.js";
import { objectBody } from "./helpers.js";

const s3 = mockClient(S3Client);
const client = new S3Client({ region: "ap-northeast-1" });
const OPTIONS = { inputBucket: "raw", outputBucket: "anonymized", kmsKeyId: "alias/tokumei" };

beforeEach(() => {
  s3.reset();
});

afterAll(() => {
  s3.restore();
});

describe("S3Storage", () => {
  it("reads an object of the input bucket into bytes", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody("こんにちは") });
    const storage = new S3Storage(client, OPTIONS);

    // Act
    const bytes = await storage.read("incoming/chat/営業 チャット+A.jsonl");

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe("こんにちは");
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: "raw", Key: "incoming/chat/営業 チャット+A.jsonl" }]);
  });

  it("fails when GetObject returns no body", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({});
    const storage = new S3Storage(client, OPTIONS);

    // Act
    const act = storage.read("a.json");

    // Assess
    await expect(act).rejects.toThrow("GetObject returned no body for s3://raw/a.json");
  });

  it.each([
    ["datasets/utterances/dt=2024-11-05/source=chat/a-0123456789abcdef.parquet", new Uint8Array([80, 65, 82, 49]), "application/vnd.apache.parquet"],
    ["anonymized/a.jsonl.jsonl", '{"text":"<PHONE_1>"}\n', "application/x-ndjson"],
    ["audit/a.jsonl.audit.json", "{}\n", "application/json"],
    ["quarantine/a.bin.json", "{}\n", "application/json"],
    ["other/a.bin", "x", "application/octet-stream"],
  ])("writes %s to the output bucket with SSE-KMS", async (key, body, contentType) => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const storage = new S3Storage(client, OPTIONS);

    // Act
    await storage.write(key, body);

    // Assess
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: "anonymized", Key: key, Body: body, ContentType: contentType, ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/tokumei" },
    ]);
  });
});

describe("withInputRead", () => {
  it("reads the input once, up front, and answers the pipeline's read from memory", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody("本文") });
    const storage = new S3Storage(client, OPTIONS);

    // Act
    const input = await withInputRead(storage, "a.jsonl");
    const bytes = await input.read("a.jsonl");

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe("本文");
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it("lets an S3 error reach the caller instead of the pipeline", async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } }));
    const storage = new S3Storage(client, OPTIONS);

    // Act
    const act = withInputRead(storage, "gone.jsonl");

    // Assess
    await expect(act).rejects.toBeInstanceOf(NoSuchKey);
  });

  it("passes writes and other reads through", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody("x") });
    s3.on(PutObjectCommand).resolves({});
    const input = await withInputRead(new S3Storage(client, OPTIONS), "a.jsonl");

    // Act
    await input.read("b.jsonl");
    await input.write("audit/a.jsonl.audit.json", "{}\n");

    // Assess
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual(["a.jsonl", "b.jsonl"]);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(["audit/a.jsonl.audit.json"]);
  });

  it("lists every key under a prefix of the input bucket, following continuation tokens, sorted", async () => {
    // Prepare: two pages, the second out of order.
    s3.on(ListObjectsV2Command, { Bucket: "raw", Prefix: "datasets/", ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: "datasets/b.parquet" }], IsTruncated: true, NextContinuationToken: "t2" })
      .on(ListObjectsV2Command, { Bucket: "raw", Prefix: "datasets/", ContinuationToken: "t2" })
      .resolves({ Contents: [{ Key: "datasets/a.parquet" }, { Key: "datasets/c.parquet" }], IsTruncated: false });
    const storage = new S3Storage(client, OPTIONS);

    // Act
    const keys = await storage.list("datasets/");

    // Assess
    expect(keys).toEqual(["datasets/a.parquet", "datasets/b.parquet", "datasets/c.parquet"]);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(2);
  });

  it("lists nothing under an empty prefix", async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

    // Act
    const keys = await new S3Storage(client, OPTIONS).list("releases/r1/");

    // Assess
    expect(keys).toEqual([]);
  });
});
