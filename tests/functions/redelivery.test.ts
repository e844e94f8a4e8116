import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnonymizeHandler } from "../../functions/anonymize.js";
import { readEvent } from "../helpers/fixtures.js";
import { captureOutput, getTestEvent, objectBody } from "./helpers.js";

/**
 * The same S3 event delivered twice (SQS is at-least-once; a message whose processing crashed comes back), by
 * another container, after midnight: one set of outputs, the same keys, the same data.
 */

const s3 = mockClient(S3Client);
const CHAT = readEvent("conversations/chatbot-log.jsonl");
const ENV = { OUTPUT_BUCKET: "tokumei-anonymized-111122223333" };
const FIRST_DELIVERY = () => new Date("2024-11-05T23:59:00.000Z");
const REDELIVERY = () => new Date("2024-11-06T00:30:00.000Z");

let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

afterAll(() => {
  s3.restore();
});

/** A fresh container (handler, engine and clock of its own). */
function container(now: () => Date) {
  return createAnonymizeHandler({ s3: new S3Client({ region: "ap-northeast-1" }), env: ENV, now });
}

/** The objects written so far: the last body put to each key, as text (Parquet as its bytes in base64). */
function objects(): Map<string, string> {
  const out = new Map<string, string>();
  for (const call of s3.commandCalls(PutObjectCommand)) {
    const { Key, Body } = call.args[0].input;
    out.set(Key!, typeof Body === "string" ? Body : Buffer.from(Body as Uint8Array).toString("base64"));
  }
  return out;
}

/** Drops what only says when a run happened (the audit's processedAt). */
function withoutRunTime(body: string): string {
  return body.replace(/"processedAt": "[^"]*"/g, '"processedAt": "…"');
}

describe("the same event delivered twice", () => {
  it("writes one set of outputs: the redelivery, a day later in another container, rewrites the same keys with the same rows", async () => {
    // Prepare
    await container(FIRST_DELIVERY)(getTestEvent("sqs-s3-put-chat"));
    const first = objects();
    s3.resetHistory();

    // Act
    const again = await container(REDELIVERY)(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    const second = objects();
    expect([...second.keys()]).toEqual([...first.keys()]);
    expect([...first.keys()].filter((key) => key.startsWith("datasets/")).every((key) => key.includes("/dt=2024-11-05/"))).toBe(true);
    const jsonl = [...first.keys()].find((key) => key.startsWith("anonymized/"))!;
    expect(second.get(jsonl)).toBe(first.get(jsonl));
    const audit = [...first.keys()].find((key) => key.startsWith("audit/"))!;
    expect(withoutRunTime(second.get(audit)!)).toBe(withoutRunTime(first.get(audit)!));
  });

  it.each([1, 2, 3, 4])("leaves one set of outputs after a first delivery that failed at write %i and its redelivery", async (failingWrite) => {
    // Prepare: a clean delivery, to know what one set of outputs is
    await container(REDELIVERY)(getTestEvent("sqs-s3-put-chat"));
    const clean = objects();
    s3.reset();
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
    let writes = 0;
    s3.on(PutObjectCommand).callsFake(() => {
      writes++;
      if (writes === failingWrite) throw new S3ServiceException({ name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 }, message: "We encountered an internal error." });
      return {};
    });
    const failed = await container(FIRST_DELIVERY)(getTestEvent("sqs-s3-put-chat")).catch((error: unknown) => error);
    s3.on(PutObjectCommand).resolves({});

    // Act
    const again = await container(REDELIVERY)(getTestEvent("sqs-s3-put-chat"));

    // Assess: the failure returned the message (the whole one-message batch), the redelivery completed it, and
    // every key ever written is a key of one clean set, now holding the clean set's data.
    expect(failed).toBeInstanceOf(Error);
    expect(again).toEqual({ batchItemFailures: [] });
    const final = objects();
    expect([...final.keys()].sort()).toEqual([...clean.keys()].sort());
    for (const [key, body] of clean) expect(withoutRunTime(final.get(key)!)).toBe(withoutRunTime(body));
  });
});
