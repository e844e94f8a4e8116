import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAnonymizeHandler } from "../../functions/anonymize.js";
import { datasetKey } from "../../shared/dataset/keys.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";
import { outputKeys } from "../../shared/pipeline.js";
import { AuditRecordSchema, QuarantineRecordSchema } from "../../shared/schema/audit.js";
import { readEvent } from "../helpers/fixtures.js";
import { batchOf, CHAT_SAMPLE, captureOutput, getTestEvent, parquetRows, readable, s3Message, TRANSCRIPT_SAMPLE } from "./helpers.js";

/**
 * The anonymize handler against a local S3-compatible server (s3rver, in a temporary directory on a free
 * port) with a real S3Client: a Transcribe JSON and a chat log go in, Parquet, JSONL and audit objects come
 * out, and no personal data of the inputs is in any of them.
 */

const RAW_BUCKET = CHAT_SAMPLE.bucket;
const TRANSCRIPTS_BUCKET = TRANSCRIPT_SAMPLE.bucket;
const OUTPUT_BUCKET = "tokumei-anonymized-111122223333";
const BROKEN_KEY = "incoming/chat/2024-11-05/壊れた ログ.json";

/** The inputs and every piece of personal data in them, in the forms they take there. */
const TRANSCRIPT = readEvent("conversations/sales-call-diarized.json");
const CHAT = readEvent("conversations/chatbot-log.jsonl");
const PII = [
  // the call: names, companies, a phone number read out digit by digit, an e-mail spelled out
  "山口", "佐々木", "ミナトシステムズ", "北斗物産", "〇九〇", "三八二七", "一六五四", "sasaki", "アットマーク",
  // the chat: a name, a phone number, a postal code, an address, an e-mail
  "小林美咲", "080-2468-1357", "222-0033", "神奈川県横浜市", "新横浜", "サンプルマンション", "h.tanaka.1985@example.com",
];

let server: S3rver;
let directory: string;
let client: S3Client;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "tokumei-s3rver-"));
  server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: RAW_BUCKET }, { name: TRANSCRIPTS_BUCKET }, { name: OUTPUT_BUCKET }],
  });
  const { port } = await server.run();
  client = new S3Client({
    region: "ap-northeast-1",
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await client.send(new PutObjectCommand({ Bucket: TRANSCRIPTS_BUCKET, Key: TRANSCRIPT_SAMPLE.key, Body: TRANSCRIPT }));
  await client.send(new PutObjectCommand({ Bucket: RAW_BUCKET, Key: CHAT_SAMPLE.key, Body: CHAT }));
  await client.send(new PutObjectCommand({ Bucket: RAW_BUCKET, Key: BROKEN_KEY, Body: '{"messages": [{"text": "電話は080-2468-1357' }));
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

/** Every object in the output bucket, key → bytes. */
async function outputObjects(): Promise<Map<string, Uint8Array>> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: OUTPUT_BUCKET }));
  const objects = new Map<string, Uint8Array>();
  for (const { Key } of listed.Contents ?? []) {
    const object = await client.send(new GetObjectCommand({ Bucket: OUTPUT_BUCKET, Key: Key! }));
    objects.set(Key!, await object.Body!.transformToByteArray());
  }
  return objects;
}

/** The sample events for the transcript and the chat log, and an S3 event for the broken file. */
function threeMessages() {
  return batchOf(
    getTestEvent("sqs-s3-put-transcript").Records[0]!,
    getTestEvent("sqs-s3-put-chat").Records[0]!,
    s3Message(RAW_BUCKET, "incoming/chat/2024-11-05/%E5%A3%8A%E3%82%8C%E3%81%9F+%E3%83%AD%E3%82%B0.json", "x"),
  );
}

function expectedKeys(): string[] {
  const dataset = (inputKey: string, source: "call" | "chat") => [
    datasetKey(UTTERANCES, { dt: "2024-11-05", source, inputKey }),
    datasetKey(CONVERSATIONS, { dt: "2024-11-05", source, inputKey }),
    outputKeys(inputKey).utterances,
    outputKeys(inputKey).audit,
  ];
  return [...dataset(TRANSCRIPT_SAMPLE.key, "call"), ...dataset(CHAT_SAMPLE.key, "chat"), outputKeys(BROKEN_KEY).quarantine].sort();
}

describe("anonymize handler against a local S3 server", () => {
  it("anonymizes a Transcribe JSON and a chat log and quarantines a broken file", async () => {
    // Prepare
    const handler = createAnonymizeHandler({ s3: client, env: { OUTPUT_BUCKET, KMS_KEY_ID: "alias/tokumei" } });

    // Act
    const response = await handler(threeMessages());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const objects = await outputObjects();
    expect([...objects.keys()].sort()).toEqual(expectedKeys());

    const call = await parquetRows(objects.get(datasetKey(UTTERANCES, { dt: "2024-11-05", source: "call", inputKey: TRANSCRIPT_SAMPLE.key }))!);
    expect(call.map((r) => r["text"])).toEqual(
      expect.arrayContaining([
        "お電話ありがとうございます。<ORGANIZATION_1>営業部の<PERSON_1>でございます。",
        "<ORGANIZATION_2>の<PERSON_2>と申します。",
        "携帯で、<PHONE_1>です。",
        "<EMAIL_1>です。",
      ]),
    );
    expect(new Set(call.map((r) => r["speaker"]))).toEqual(new Set(["spk_0", "spk_1"]));

    const chat = await parquetRows(objects.get(datasetKey(UTTERANCES, { dt: "2024-11-05", source: "chat", inputKey: CHAT_SAMPLE.key }))!);
    expect(chat.map((r) => r["text"])).toEqual(
      expect.arrayContaining(["<PERSON_1>です。電話は<PHONE_1>です。", "〒<POSTAL_CODE_1> <ADDRESS_1>にお願いします。"]),
    );

    const audit = AuditRecordSchema.parse(JSON.parse(new TextDecoder().decode(objects.get(outputKeys(TRANSCRIPT_SAMPLE.key).audit))));
    expect(call).toHaveLength(21);
    expect(audit).toMatchObject({ format: "transcribe", utterances: 21, entities: { ORGANIZATION: 2, PERSON: 3, PHONE: 2, EMAIL: 1 } });
    const quarantine = QuarantineRecordSchema.parse(JSON.parse(new TextDecoder().decode(objects.get(outputKeys(BROKEN_KEY).quarantine))));
    expect(quarantine).toMatchObject({ inputKey: BROKEN_KEY, errorType: "InputFormatError" });
  });

  it("leaves no surface of the inputs' personal data in any object written, nor in the logs", async () => {
    // Prepare
    const handler = createAnonymizeHandler({ s3: client, env: { OUTPUT_BUCKET } });

    // Act
    await handler(threeMessages());

    // Assess
    const texts: string[] = [];
    for (const [key, body] of await outputObjects()) texts.push(`${key}\n${await readable(key, body)}`);
    const everything = texts.join("\n");
    expect(everything).toContain("<PHONE_1>");
    for (const value of PII) expect(everything).not.toContain(value);
    for (const value of PII) expect(output.text()).not.toContain(value);
  });

  it("overwrites the same objects when the events are delivered again", async () => {
    // Prepare
    const handler = createAnonymizeHandler({ s3: client, env: { OUTPUT_BUCKET } });
    await handler(threeMessages());

    // Act
    const again = await handler(threeMessages());

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect([...(await outputObjects()).keys()].sort()).toEqual(expectedKeys());
  });

  it("reports a missing input object as a batch item failure", async () => {
    // Prepare
    const handler = createAnonymizeHandler({ s3: client, env: { OUTPUT_BUCKET } });
    const event = batchOf(getTestEvent("sqs-s3-test-event").Records[0]!, s3Message(RAW_BUCKET, "incoming/chat/not-there.jsonl", "x"));

    // Act
    const response = await handler(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-2" }] });
    expect([...(await outputObjects()).keys()].some((key) => key.includes("not-there"))).toBe(false);
  });
});
