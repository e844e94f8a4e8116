import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { StorageReadError } from "../../shared/errors.js";
import type { ListableStoragePort, StoragePort } from "../../shared/storage-port.js";

/** Where an {@link S3Storage} reads and writes. */
export interface S3StorageOptions {
  /** The bucket the input object is in (taken from the S3 event). */
  readonly inputBucket: string;
  /** The anonymized bucket: rows, audit records and quarantine records all go here. */
  readonly outputBucket: string;
  /** A customer-managed KMS key (id, ARN or alias) for SSE-KMS; the bucket's default key when absent. */
  readonly kmsKeyId?: string | undefined;
}

/**
 * The pipeline's storage port on S3, over an injected client: reads the input bucket, writes the output
 * bucket with SSE-KMS. The pipeline's keys already carry their prefix (`datasets/`, `anonymized/`, `audit/`,
 * `quarantine/`), so a quarantine record lands under the output bucket's `quarantine/`.
 *
 * Each write is one PutObject, which S3 makes visible whole or not at all; the pipeline writes the data
 * objects first and the audit record last, so an audit record means its data is complete.
 *
 * @example
 * const storage = new S3Storage(new S3Client({}), { inputBucket: "raw", outputBucket: "anonymized", kmsKeyId: "alias/tokumei" });
 * await processObject("incoming/chat/log.jsonl", storage, engine);
 */
export class S3Storage implements ListableStoragePort {
  constructor(
    private readonly client: S3Client,
    private readonly options: S3StorageOptions,
  ) {}

  /** GetObject from the input bucket, the body streamed into one Uint8Array. S3 errors propagate. */
  async read(key: string): Promise<Uint8Array> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.inputBucket, Key: key }));
    if (response.Body === undefined) throw new Error(`GetObject returned no body for s3://${this.options.inputBucket}/${key}`);
    return response.Body.transformToByteArray();
  }

  /**
   * GetObject from the input bucket, the body handed on chunk by chunk (never held whole). GetObject's own
   * errors (NoSuchKey, AccessDenied, throttling) throw here; a failure while the body streams becomes a
   * StorageReadError so the pipeline retries instead of quarantining.
   */
  async readStream(key: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.inputBucket, Key: key }));
    const body: unknown = response.Body;
    if (body === undefined || body === null) throw new Error(`GetObject returned no body for s3://${this.options.inputBucket}/${key}`);
    if (!isAsyncIterable(body)) {
      // Non-Node bodies (a web ReadableStream or Blob in tests): one chunk.
      const bytes = await response.Body!.transformToByteArray();
      return (async function* () {
        yield bytes;
      })();
    }
    const bucket = this.options.inputBucket;
    return (async function* () {
      try {
        for await (const chunk of body) yield chunk instanceof Uint8Array ? chunk : new TextEncoder().encode(String(chunk));
      } catch (error) {
        throw new StorageReadError(`reading s3://${bucket}/${key} failed while streaming (${error instanceof Error ? error.name : "error"})`);
      }
    })();
  }

  /** Every key under `prefix` in the input bucket (ListObjectsV2, all pages), sorted. S3 errors propagate. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.inputBucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  /** PutObject to the output bucket, encrypted with SSE-KMS. */
  async write(key: string, body: string | Uint8Array): Promise<void> {
    await putEncrypted(this.client, { bucket: this.options.outputBucket, key, body, kmsKeyId: this.options.kmsKeyId });
  }
}

/**
 * One PutObject with `ServerSideEncryption: "aws:kms"` (and `SSEKMSKeyId` when a key is given) and a content
 * type from the key's extension.
 *
 * @example
 * await putEncrypted(s3, { bucket: "anonymized", key: "quarantine/transcribe/job.json", body: "{}\n", kmsKeyId: "alias/tokumei" });
 */
export async function putEncrypted(
  client: S3Client,
  object: { bucket: string; key: string; body: string | Uint8Array; kmsKeyId?: string | undefined },
): Promise<void> {
  const input: PutObjectCommandInput = {
    Bucket: object.bucket,
    Key: object.key,
    Body: object.body,
    ContentType: contentTypeOf(object.key),
    ServerSideEncryption: "aws:kms",
  };
  if (object.kmsKeyId) input.SSEKMSKeyId = object.kmsKeyId;
  await client.send(new PutObjectCommand(input));
}

function contentTypeOf(key: string): string {
  if (key.endsWith(".jsonl")) return "application/x-ndjson";
  if (key.endsWith(".json")) return "application/json";
  if (key.endsWith(".parquet")) return "application/vnd.apache.parquet";
  if (key.endsWith(".html")) return "text/html; charset=utf-8";
  return "application/octet-stream";
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
