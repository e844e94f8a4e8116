import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { StorageReadError } from "../../shared/errors.js";
import { S3Storage } from "../../functions/lib/s3-storage.js";
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

describe("S3Storage.readStream", () => {
  async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts).toString("utf8");
  }

  it("hands on the body chunk by chunk", async () => {
    // Prepare: a Node stream body in three chunks, as the SDK gives in Lambda
    const chunks = ["一行目\n", "二行目\n", "三行目\n"].map((s) => Buffer.from(s));
    s3.on(GetObjectCommand).resolves({ Body: Readable.from(chunks) as never });
    const seen: number[] = [];

    // Act
    const stream = await new S3Storage(client, OPTIONS).readStream("a.jsonl");
    for await (const chunk of stream) seen.push(chunk.length);

    // Assess
    expect(seen).toEqual(chunks.map((c) => c.length));
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: "raw", Key: "a.jsonl" }]);
  });

  it("throws GetObject's own error when opening (a missing key is not bad input)", async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } }));

    // Act
    const act = new S3Storage(client, OPTIONS).readStream("gone.jsonl");

    // Assess
    await expect(act).rejects.toBeInstanceOf(NoSuchKey);
  });

  it("turns a failure while streaming into a StorageReadError naming the key, not the data", async () => {
    // Prepare: the connection drops after the first chunk
    const body = new Readable({ read() {} });
    body.push(Buffer.from("一行目\n"));
    setTimeout(() => body.destroy(Object.assign(new Error("socket hang up 一行目"), { name: "TimeoutError" })), 5);
    s3.on(GetObjectCommand).resolves({ Body: body as never });

    // Act
    const act = collect(await new S3Storage(client, OPTIONS).readStream("big.jsonl"));

    // Assess
    await expect(act).rejects.toThrow(new StorageReadError("reading s3://raw/big.jsonl failed while streaming (TimeoutError)"));
  });

  it("reads a body that is not a Node stream as one chunk", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody("本文") });

    // Act
    const text = await collect(await new S3Storage(client, OPTIONS).readStream("a.jsonl"));

    // Assess
    expect(text).toBe("本文");
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
