import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { parquetReadObjects } from "hyparquet";
import type { EventBridgeEvent, SQSEvent, SQSRecord } from "aws-lambda";
import { vi } from "vitest";
import { readEventJson } from "../helpers/fixtures.js";

/** The sample events under `events/aws/`. */
export type AwsEventName =
  | "sqs-s3-put-chat"
  | "sqs-s3-put-transcript"
  | "sqs-s3-put-audio"
  | "sqs-s3-test-event"
  | "sqs-sns-s3-put";

/**
 * A fresh copy of a sample SQS event from `events/aws/<name>.json`.
 *
 * @example
 * const event = getTestEvent("sqs-s3-put-chat");
 */
export function getTestEvent(name: AwsEventName): SQSEvent {
  return readEventJson<SQSEvent>(`aws/${name}.json`);
}

/** The sample EventBridge event of a failed Transcribe job. */
export function getTranscribeFailedEvent(): EventBridgeEvent<"Transcribe Job State Change", Record<string, string>> {
  return readEventJson(`aws/eventbridge-transcribe-failed.json`);
}

/**
 * An SQS event of the sample records given, each with its own message id (`<prefix>-<n>`), so that one
 * batch can hold several messages.
 *
 * @example
 * const event = batchOf(getTestEvent("sqs-s3-put-chat").Records[0]!, getTestEvent("sqs-s3-put-transcript").Records[0]!);
 */
export function batchOf(...records: SQSRecord[]): SQSEvent {
  return { Records: records.map((record, i) => ({ ...record, messageId: `message-${i + 1}` })) };
}

/**
 * An SQS record from an S3 notification for `bucket`/`rawKey` (the key as S3 sends it, URL-encoded),
 * built on the chat sample.
 *
 * @example
 * const record = s3Message("raw", "incoming/chat/bad.json", "message-9");
 */
export function s3Message(bucket: string, rawKey: string, messageId: string, eventName = "ObjectCreated:Put"): SQSRecord {
  const sample = getTestEvent("sqs-s3-put-chat").Records[0]!;
  const body = JSON.parse(sample.body) as { Records: [{ eventName: string; s3: { bucket: { name: string; arn: string }; object: { key: string } } }] };
  body.Records[0].eventName = eventName;
  body.Records[0].s3.bucket.name = bucket;
  body.Records[0].s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  body.Records[0].s3.object.key = rawKey;
  return { ...sample, messageId, body: JSON.stringify(body) };
}

/** The decoded key and bucket of the chat sample event. */
export const CHAT_SAMPLE = {
  bucket: "tokumei-raw-111122223333",
  key: "incoming/chat/2024-11-05/営業 チャット+A.jsonl",
} as const;

/** The decoded key and bucket of the transcript sample event. */
export const TRANSCRIPT_SAMPLE = {
  bucket: "tokumei-transcripts-111122223333",
  key: "transcripts/tokumei-A-78f1b13e58807f7cef781e47d999a20df8e4f96ae766a21619c1b69c0df27abe.json",
} as const;

/** A GetObject body as the SDK returns it, reduced to what S3Storage uses. */
export function objectBody(content: string | Uint8Array): GetObjectCommandOutput["Body"] {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput["Body"];
}

/**
 * Captures what the functions print (Powertools logs and EMF metrics go to stdout/stderr) instead of
 * printing it. Call `restore()` after the test.
 *
 * @example
 * const output = captureOutput();
 * await handler(event);
 * output.restore();
 * expect(output.text()).not.toContain("080-2468-1357");
 */
export function captureOutput() {
  const chunks: string[] = [];
  const collect = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(collect);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(collect);
  return {
    text: () => chunks.join(""),
    /** Every printed JSON line, parsed. */
    json: (): Record<string, unknown>[] =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** One metric value from an EMF blob, with the blob's dimension values. */
export interface EmittedMetric {
  readonly name: string;
  readonly value: unknown;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * The metrics in printed EMF blobs (namespace Tokumei), without the `service` dimension, sorted by name
 * and dimensions.
 *
 * @example
 * emittedMetrics(output.json()); // [{ name: "Utterances", value: 12, dimensions: {} }, …]
 */
export function emittedMetrics(lines: readonly Record<string, unknown>[]): EmittedMetric[] {
  const metrics: EmittedMetric[] = [];
  for (const line of lines) {
    const aws = line["_aws"] as { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      if (directive.Namespace !== "Tokumei") continue;
      const dimensions: Record<string, string> = {};
      for (const name of directive.Dimensions.flat()) if (name !== "service") dimensions[name] = String(line[name]);
      for (const { Name } of directive.Metrics) metrics.push({ name: Name, value: line[Name], dimensions });
    }
  }
  const order = (m: EmittedMetric) => `${m.name} ${JSON.stringify(m.dimensions)}`;
  return metrics.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/**
 * An object's content as searchable text: Parquet files (compressed, so a value would not show in their
 * bytes) are read with hyparquet and serialized as JSON rows; anything else is decoded as UTF-8.
 *
 * @example
 * expect(await readable("datasets/utterances/…parquet", bytes)).toContain("<PHONE_1>");
 */
export async function readable(key: string, body: string | Uint8Array): Promise<string> {
  if (typeof body === "string") return body;
  if (!key.endsWith(".parquet")) return new TextDecoder().decode(body);
  const rows = await parquetRows(body);
  return rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))).join("\n");
}

/** The rows of a Parquet file. */
export async function parquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({ file });
}
