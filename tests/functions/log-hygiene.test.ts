import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnonymizeHandler } from "../../functions/anonymize.js";
import { AuditRecordSchema, QuarantineRecordSchema } from "../../shared/schema/audit.js";
import { devsetConversations, type DevsetConversation } from "../helpers/devset-conversations.js";
import { batchOf, captureOutput, emittedMetrics, objectBody, s3Message } from "./helpers.js";

/**
 * Log hygiene: the anonymize handler runs over the whole labelled dev set (calls as Transcribe JSON, chats as
 * JSONL) plus inputs that fail in each way it knows (broken JSON, undecodable bytes, a missing object, a failing
 * write), with Powertools' logs and EMF metrics captured. No personal value of the dev set's labels may appear
 * in a log line, a metric, an error, a batch response, an audit record or a quarantine record.
 */

const RAW_BUCKET = "tokumei-raw-111122223333";
const TRANSCRIPTS_BUCKET = "tokumei-transcripts-111122223333";
const OUTPUT_BUCKET = "tokumei-anonymized-111122223333";
/** SQS delivers at most ten messages in a batch. */
const BATCH_SIZE = 10;

const s3 = mockClient(S3Client);
const conversations = devsetConversations();

/**
 * What must not be printed, per labelled value: the value itself, or, for a bare number of up to five digits (an
 * age 58, a PIN 7351) that a log line holds anyway as a count or in a timestamp, the value with the two characters
 * on each side of it in its utterance (は58歳, 7351で).
 */
const NEEDLES = [
  ...new Set(
    conversations.flatMap((c) =>
      c.items.flatMap((item) =>
        item.entities.map((e) => (/^[0-9]{1,5}$/.test(e.surface) ? item.text.slice(Math.max(0, e.start - 2), e.end + 2) : e.surface)),
      ),
    ),
  ),
];
/** Whole utterances: raw text must not be printed either, with or without labelled values. */
const UTTERANCES = [...new Set(conversations.flatMap((c) => c.items.map((item) => item.text)).filter((t) => [...t].length >= 8))];

interface Input {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
}

function transcribeJson(c: DevsetConversation): string {
  const texts = c.items.map((item) => item.text);
  const seconds = (i: number, offset: number) => `${i * 6 + offset}.00`;
  const items = texts.map((content, i) => ({ id: i, type: "pronunciation", alternatives: [{ confidence: "0.98", content }], start_time: seconds(i, 0), end_time: seconds(i, 5), speaker_label: `spk_${i % 2}` }));
  const segments = texts.map((transcript, i) => ({ id: i, transcript, start_time: seconds(i, 0), end_time: seconds(i, 5), speaker_label: `spk_${i % 2}`, items: [i] }));
  return JSON.stringify({ jobName: `devset-${c.id}`, accountId: "111122223333", status: "COMPLETED", results: { transcripts: [{ transcript: texts.join("") }], items, audio_segments: segments } });
}

function chatJsonl(c: DevsetConversation): string {
  return c.items.map((item, i) => JSON.stringify({ session_id: c.id, timestamp: `2024-11-05T10:${String(i % 60).padStart(2, "0")}:00+09:00`, role: i % 2 === 0 ? "user" : "assistant", text: item.text })).join("\n") + "\n";
}

const encode = (text: string) => new TextEncoder().encode(text);

/** The dev set as the pipeline receives it, and one input for each way an input fails. */
function inputs(): Input[] {
  const out: Input[] = conversations.map((c) =>
    c.source === "call"
      ? { bucket: TRANSCRIPTS_BUCKET, key: `transcripts/devset-${c.id}.json`, body: encode(transcribeJson(c)) }
      : { bucket: RAW_BUCKET, key: `incoming/chat/devset/${c.id}.jsonl`, body: encode(chatJsonl(c)) },
  );
  const withValues = conversations.filter((c) => c.items.some((item) => item.entities.length > 0));
  const [first, second, third] = [withValues[0]!, withValues[1]!, withValues[2]!];
  const jsonl = chatJsonl(first);
  // Cut in the middle of a line that holds personal values: the parser's error must not quote it.
  out.push({ bucket: RAW_BUCKET, key: "incoming/chat/devset/broken.jsonl", body: encode(jsonl.slice(0, jsonl.indexOf("\n", jsonl.length / 2) - 12)) });
  // Shift_JIS is read now; these bytes break off into 0x80 0xFF, which no supported encoding decodes.
  out.push({ bucket: RAW_BUCKET, key: "incoming/chat/devset/undecodable.jsonl", body: new Uint8Array([...iconv.encode(chatJsonl(second), "Shift_JIS"), 0x80, 0xff]) });
  out.push({ bucket: RAW_BUCKET, key: "incoming/chat/devset/write-fails.jsonl", body: encode(chatJsonl(third)) });
  return out;
}

let printed = "";
let metrics: ReturnType<typeof emittedMetrics> = [];
const responses: SQSBatchResponse[] = [];
const errors: string[] = [];
const records = new Map<string, string>();

beforeAll(async () => {
  // Prepare
  const all = inputs();
  const byKey = new Map(all.map((i) => [`${i.bucket}/${i.key}`, i.body]));
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = byKey.get(`${input.Bucket}/${input.Key}`);
    if (!body) throw new S3ServiceException({ name: "NoSuchKey", $fault: "client", $metadata: { httpStatusCode: 404, requestId: "R1" }, message: "The specified key does not exist." });
    return { Body: objectBody(body) };
  });
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string | Uint8Array }) => {
    if (input.Key.includes("write-fails")) throw new S3ServiceException({ name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500, requestId: "R2" }, message: "We encountered an internal error." });
    if (/^(?:audit|quarantine)\//.test(input.Key)) records.set(input.Key, typeof input.Body === "string" ? input.Body : new TextDecoder().decode(input.Body));
    return {};
  });
  const messages = [...all, { bucket: RAW_BUCKET, key: "incoming/chat/devset/missing.jsonl" }].map((i, n) =>
    s3Message(i.bucket, encodeURIComponent(i.key).replace(/%2F/g, "/"), `message-${n + 1}`),
  );
  const handler = createAnonymizeHandler({ s3: new S3Client({ region: "ap-northeast-1" }), env: { OUTPUT_BUCKET }, now: () => new Date("2024-11-06T00:30:00.000Z") });
  const output = captureOutput();

  // Act
  try {
    for (let k = 0; k < messages.length; k += BATCH_SIZE) {
      const event: SQSEvent = batchOf(...messages.slice(k, k + BATCH_SIZE));
      try {
        responses.push(await handler(event));
      } catch (error) {
        errors.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
    }
  } finally {
    output.restore();
  }
  printed = output.text();
  metrics = emittedMetrics(output.json());
}, 120_000);

afterAll(() => {
  s3.restore();
});

describe("log hygiene over the whole dev set", () => {
  it("went through every input: the dev set anonymized, each failing input quarantined or retried", () => {
    const quarantined = [...records.keys()].filter((k) => k.startsWith("quarantine/")).sort();
    const audited = [...records.keys()].filter((k) => k.startsWith("audit/"));
    expect(NEEDLES.length).toBeGreaterThan(900);
    expect(NEEDLES.every((needle) => !/^[0-9]{1,5}$/.test(needle))).toBe(true);
    expect(audited).toHaveLength(conversations.length);
    for (const key of audited) AuditRecordSchema.parse(JSON.parse(records.get(key)!));
    expect(quarantined).toEqual(["quarantine/incoming/chat/devset/broken.jsonl.json", "quarantine/incoming/chat/devset/undecodable.jsonl.json"]);
    for (const key of quarantined) QuarantineRecordSchema.parse(JSON.parse(records.get(key)!));
    expect(responses.flatMap((r) => r.batchItemFailures)).toHaveLength(2); // the failing write and the missing object
    expect(printed.match(/"input anonymized"/g)).toHaveLength(conversations.length);
    expect(printed).toContain("object failed; the message will be retried");
    expect(metrics.filter((m) => m.name === "Entities").length).toBeGreaterThan(10);
  });

  it("puts no labelled personal value, nor any utterance, in any log line, metric, error, batch response or audit and quarantine record", () => {
    const sinks: Record<string, string> = {
      "log lines and EMF metrics": printed,
      "metrics (names, dimensions)": JSON.stringify(metrics),
      errors: errors.join("\n"),
      "batch responses": JSON.stringify(responses),
      "audit and quarantine records": [...records.values()].join("\n"),
    };
    const found: string[] = [];
    for (const [sink, text] of Object.entries(sinks)) {
      NEEDLES.forEach((needle, n) => {
        if (text.includes(needle)) found.push(`${sink}: labelled value #${n}`);
      });
      UTTERANCES.forEach((utterance, n) => {
        if (text.includes(utterance)) found.push(`${sink}: utterance #${n}`);
      });
    }
    expect(found).toEqual([]);
  });
});
