import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReleaseHandler } from "../../functions/release.js";
import { ConfigError, ReleaseError } from "../../shared/errors.js";
import { kOf } from "../../shared/release/k-anonymity.js";
import { ReleaseManifestSchema } from "../../shared/release/schema.js";
import { MemoryBucket, rowsOf, salesCall, writeSourceFile } from "../release/fixtures.js";
import { captureOutput, emittedMetrics, objectBody } from "./helpers.js";

const s3 = mockClient(S3Client);
const BUCKET = "tokumei-anonymized-111122223333";
const KMS_KEY_ID = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENV = { DATASET_BUCKET: BUCKET, KMS_KEY_ID };
const NOW = () => new Date("2026-11-23T03:00:00.000Z");
const QI = ["customer_age_band", "customer_prefecture", "customer_birth_year_band"] as const;

/** The anonymized bucket's datasets: 6 + 5 customers in two classes and one alone in hers. */
async function datasets(): Promise<MemoryBucket> {
  const bucket = new MemoryBucket();
  await writeSourceFile(bucket, {
    dt: "2026-11-20",
    source: "call",
    inputKey: "transcripts/tokumei-A-1.json",
    processedAt: new Date("2026-11-20T01:00:00Z"),
    conversations: [1, 2, 3, 4, 5, 6].map((n) => salesCall(`call-${n}`, ["40代", "東京都", "1980年代"], "3fa9c1d2e0")),
  });
  await writeSourceFile(bucket, {
    dt: "2026-11-21",
    source: "chat",
    inputKey: "incoming/chat/export.jsonl",
    processedAt: new Date("2026-11-21T01:00:00Z"),
    conversations: [
      ...[1, 2, 3, 4, 5].map((n) => salesCall(`chat-${n}`, ["30代", "神奈川県", "1990年代"], "5b7e0a9c14")),
      salesCall("chat-alone", ["90歳以上", "沖縄県", "1920年代"], "0000000000"),
    ],
  });
  return bucket;
}

/** Serves the bucket through the S3 mock: ListObjectsV2 one key per page (to exercise paging), GetObject, PutObject. */
function serve(bucket: MemoryBucket): void {
  s3.on(ListObjectsV2Command).callsFake(async (input: { Bucket: string; Prefix: string; ContinuationToken?: string }) => {
    const keys = await bucket.list(input.Prefix);
    const start = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken);
    const page = keys.slice(start, start + 1);
    const more = start + 1 < keys.length;
    return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1) } : {}), KeyCount: page.length };
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => ({ Body: objectBody(await bucket.read(input.Key)) }));
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string | Uint8Array }) => {
    await bucket.write(input.Key, input.Body);
    return {};
  });
}

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  s3.reset();
  output = captureOutput();
});
afterEach(() => output.restore());
afterAll(() => s3.restore());

const handlerWith = (env: Record<string, string> = ENV) => createReleaseHandler({ s3: new S3Client({ region: "ap-northeast-1" }), env, now: NOW });

describe("release handler", () => {
  it("reads datasets/ through ListObjectsV2 (all pages) and GetObject, writes releases/<id>/ with SSE-KMS, manifest last", async () => {
    // Prepare
    const bucket = await datasets();
    serve(bucket);

    // Act
    const response = await handlerWith()({ k: 5, maxSuppression: 0.1, releaseId: "2026-11-research" });

    // Assess
    expect(response).toEqual({
      releaseId: "2026-11-research",
      manifestKey: "releases/2026-11-research/manifest.json",
      kRequested: 5,
      kAchieved: 5,
      conversations: 11,
      utterances: 33,
      suppressedConversations: 1,
      generalised: [],
    });
    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists[0]).toEqual({ Bucket: BUCKET, Prefix: "releases/2026-11-research/", ContinuationToken: undefined });
    expect(lists.filter((l) => l.Prefix === "datasets/conversations/").map((l) => l.ContinuationToken)).toEqual([undefined, "1"]);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key).sort()).toEqual([...bucket.objects.keys()].filter((k) => k.startsWith("datasets/")).sort());
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      "releases/2026-11-research/conversations/part-00000.parquet",
      "releases/2026-11-research/utterances/part-00000.parquet",
      "releases/2026-11-research/manifest.json",
    ]);
    for (const put of puts) expect(put).toMatchObject({ Bucket: BUCKET, ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_KEY_ID });
    const manifest = ReleaseManifestSchema.parse(JSON.parse(bucket.text("releases/2026-11-research/manifest.json")));
    const conversations = await rowsOf(bucket.objects.get("releases/2026-11-research/conversations/part-00000.parquet")!);
    expect(kOf(conversations as never, QI)).toBe(manifest.kAnonymity.kAchieved);
  });

  it("logs and meters counts only: no text, token, input key or quasi-identifier value", async () => {
    // Prepare
    serve(await datasets());

    // Act
    await handlerWith()({ k: 5, maxSuppression: 0.1, releaseId: "r1" });

    // Assess
    const printed = output.text();
    for (const value of ["<PERSON_1>", "<PHONE:3fa9c1d2e0>", "transcripts/tokumei-A-1.json", "export.jsonl", "東京都", "40代", "call-1", "1234"]) {
      expect(printed, value).not.toContain(value);
    }
    expect(output.json().find((line) => line["message"] === "release written")).toMatchObject({ kAchieved: 5, rows: { conversationsOut: 11 } });
    expect(emittedMetrics(output.json())).toEqual([
      { name: "ReleasedConversations", value: 11, dimensions: {} },
      { name: "SuppressedConversations", value: 1, dimensions: {} },
    ]);
  });

  it("rejects invalid settings with a ConfigError naming them, before touching S3", async () => {
    // Act
    const act = handlerWith()({ k: 1, quasiIdentifiers: ["customer_name"] });

    // Assess
    await expect(act).rejects.toThrow(ConfigError);
    await expect(handlerWith()({ k: 1 })).rejects.toThrow("release event: k:");
    expect(s3.calls()).toEqual([]);
  });

  it("fails on a missing environment variable, naming it", async () => {
    // Act
    const act = handlerWith({ KMS_KEY_ID })({});

    // Assess
    await expect(act).rejects.toThrow(new ConfigError("invalid environment: DATASET_BUCKET"));
  });

  it("writes nothing when k cannot be met", async () => {
    // Prepare
    serve(await datasets());

    // Act
    const act = handlerWith()({ k: 20 });

    // Assess
    await expect(act).rejects.toThrow(ReleaseError);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  });

  it("lets an S3 error through (the invoker retries), having written nothing", async () => {
    // Prepare
    serve(await datasets());
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 } }));

    // Act
    const act = handlerWith()({});

    // Assess
    await expect(act).rejects.toMatchObject({ name: "SlowDown" });
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    expect(output.json().find((line) => line["message"] === "release failed")).toMatchObject({ errorName: "SlowDown", httpStatusCode: 503 });
  });
});
