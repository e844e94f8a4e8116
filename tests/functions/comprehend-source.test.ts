import {
  BatchDetectEntitiesCommand,
  type BatchDetectEntitiesCommandInput,
  type BatchDetectEntitiesCommandOutput,
  ComprehendClient,
  ComprehendServiceException,
  DetectEntitiesCommand,
  type DetectEntitiesCommandInput,
  type Entity,
  InternalServerException,
  TextSizeLimitExceededException,
  TooManyRequestsException,
  UnsupportedLanguageException,
} from "@aws-sdk/client-comprehend";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  COMPREHEND_LIMITS,
  type ComprehendOptionsInput,
  chunkText,
  createComprehendSource,
} from "../../functions/lib/comprehend-source.js";
import type { ExternalEntitySource } from "../../shared/detect/external-source.js";
import { ConfigError, DetectionError } from "../../shared/errors.js";

const comprehend = mockClient(ComprehendClient);
const client = new ComprehendClient({ region: "ap-northeast-1" });
const sleep = vi.fn(async (_ms: number): Promise<void> => {});

beforeEach(() => {
  comprehend.reset();
  sleep.mockClear();
});

afterAll(() => {
  comprehend.restore();
});

/** A source whose backoff is recorded, never waited for, and whose jitter is pinned to one half. */
function source(options: ComprehendOptionsInput = {}): ExternalEntitySource {
  return createComprehendSource(client, { sleep, random: () => 0.5, ...options });
}

/** Comprehend's offsets: code points, not UTF-16 units. */
function codePoints(text: string): number {
  return [...text].length;
}

/** What a fake Comprehend finds in one document: every occurrence of each surface, offsets in code points. */
function fakeEntities(document: string, surfaces: Record<string, [Entity["Type"], number]>): Entity[] {
  const entities: Entity[] = [];
  for (const [surface, [type, score]] of Object.entries(surfaces)) {
    for (let at = document.indexOf(surface); at >= 0; at = document.indexOf(surface, at + 1)) {
      const begin = codePoints(document.slice(0, at));
      entities.push({ Type: type, Score: score, Text: surface, BeginOffset: begin, EndOffset: begin + codePoints(surface) });
    }
  }
  return entities;
}

/** A BatchDetectEntities fake that answers every document. */
function answerBatch(surfaces: Record<string, [Entity["Type"], number]>) {
  return (input: BatchDetectEntitiesCommandInput): Partial<BatchDetectEntitiesCommandOutput> => ({
    ResultList: (input.TextList ?? []).map((text, Index) => ({ Index, Entities: fakeEntities(text, surfaces) })),
    ErrorList: [],
  });
}

/** The TextList of every BatchDetectEntities call, in order. */
function sentBatches(): string[][] {
  return comprehend.commandCalls(BatchDetectEntitiesCommand).map((call) => call.args[0].input.TextList ?? []);
}

/** Runs `act`, expects a DetectionError, and returns its message. */
async function detectionErrorMessage(act: () => Promise<unknown>): Promise<string> {
  try {
    await act();
  } catch (error) {
    expect(error).toBeInstanceOf(DetectionError);
    return (error as Error).message;
  }
  throw new Error("expected a DetectionError");
}

function throttling(message: string): ComprehendServiceException {
  return new ComprehendServiceException({ name: "ThrottlingException", $fault: "client", message, $metadata: { httpStatusCode: 400 } });
}

describe("createComprehendSource: requests", () => {
  it("sends the texts as one batch with LanguageCode ja and names itself comprehend", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).callsFake(answerBatch({ 田中: ["PERSON", 0.99] }));
    const detector = source();

    // Act
    const result = await detector.detect(["田中です。", "よろしくお願いします。"]);

    // Assess
    expect(detector.id).toBe("comprehend");
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand).map((call) => call.args[0].input)).toEqual([
      { TextList: ["田中です。", "よろしくお願いします。"], LanguageCode: "ja" },
    ]);
    expect(result).toEqual([[{ entity: "PERSON", start: 0, end: 2, score: 0.99 }], []]);
  });

  it("cuts a 12,000-character text into documents of at most 5,000 bytes after 。 and merges the offsets", async () => {
    // Prepare
    const sentence = "田中さんは東京本社の会議に出席しました。"; // 20 characters, 60 bytes
    const text = sentence.repeat(600);
    comprehend.on(BatchDetectEntitiesCommand).callsFake(answerBatch({ 田中: ["PERSON", 0.9], 東京: ["LOCATION", 0.8] }));

    // Act
    const [entities] = await source().detect([text]);

    // Assess
    expect(text).toHaveLength(12_000);
    const [documents = []] = sentBatches();
    expect(sentBatches()).toHaveLength(1);
    expect(documents.map((document) => document.length)).toEqual([1660, 1660, 1660, 1660, 1660, 1660, 1660, 380]);
    for (const document of documents) {
      expect(Buffer.byteLength(document, "utf8")).toBeLessThanOrEqual(5_000);
      expect(document.endsWith("。")).toBe(true);
    }
    expect(documents.join("")).toBe(text);
    expect(entities).toHaveLength(1_200);
    expect(entities?.filter((e) => e.entity === "PERSON").map((e) => e.start)).toEqual(
      Array.from({ length: 600 }, (_, k) => k * 20),
    );
    expect(entities?.filter((e) => e.entity === "LOCATION").map((e) => [e.start, e.end])).toEqual(
      Array.from({ length: 600 }, (_, k) => [k * 20 + 5, k * 20 + 7]),
    );
  });

  it("sends at most 25 documents per call: 60 short texts take 3 calls", async () => {
    // Prepare
    const texts = Array.from({ length: 60 }, (_, k) => `お客様番号${k}の件です。`);
    comprehend.on(BatchDetectEntitiesCommand).callsFake(answerBatch({}));

    // Act
    const result = await source().detect(texts);

    // Assess
    expect(sentBatches().map((batch) => batch.length)).toEqual([25, 25, 10]);
    expect(sentBatches().flat()).toEqual(texts);
    expect(result).toEqual(texts.map(() => []));
  });

  it("does not send empty or whitespace-only texts, and keeps one result per text", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).callsFake(answerBatch({ 佐藤: ["PERSON", 0.95] }));

    // Act
    const result = await source().detect(["", "  \n　", "佐藤です。", "\n"]);

    // Assess
    expect(sentBatches()).toEqual([["佐藤です。"]]);
    expect(result).toEqual([[], [], [{ entity: "PERSON", start: 0, end: 2, score: 0.95 }], []]);
  });

  it("makes no call at all when every text is empty", async () => {
    // Prepare
    const detector = source();

    // Act
    const result = await detector.detect(["", " "]);

    // Assess
    expect(comprehend.calls()).toHaveLength(0);
    expect(result).toEqual([[], []]);
  });

  it("uses one DetectEntitiesCommand per text in single mode", async () => {
    // Prepare
    comprehend.on(DetectEntitiesCommand).callsFake((input: DetectEntitiesCommandInput) => ({
      Entities: fakeEntities(input.Text ?? "", { 鈴木: ["PERSON", 0.97] }),
    }));

    // Act
    const result = await source({ mode: "single" }).detect(["鈴木です。", "", "😀鈴木さん"]);

    // Assess
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand)).toHaveLength(0);
    expect(comprehend.commandCalls(DetectEntitiesCommand).map((call) => call.args[0].input)).toEqual([
      { Text: "鈴木です。", LanguageCode: "ja" },
      { Text: "😀鈴木さん", LanguageCode: "ja" },
    ]);
    expect(result).toEqual([
      [{ entity: "PERSON", start: 0, end: 2, score: 0.97 }],
      [],
      [{ entity: "PERSON", start: 2, end: 4, score: 0.97 }],
    ]);
  });
});

describe("createComprehendSource: offsets", () => {
  it("turns code-point offsets into UTF-16 offsets after 𠮷 and an emoji", async () => {
    // Prepare
    const text = "𠮷野家で😀田中さんに会った。";
    comprehend.on(BatchDetectEntitiesCommand).resolves({
      ResultList: [{ Index: 0, Entities: [{ Type: "PERSON", Score: 0.9, Text: "田中", BeginOffset: 5, EndOffset: 7 }] }],
      ErrorList: [],
    });

    // Act
    const [entities] = await source().detect([text]);

    // Assess
    expect(entities).toEqual([{ entity: "PERSON", start: 7, end: 9, score: 0.9 }]);
    expect(text.slice(7, 9)).toBe("田中");
  });

  it("cuts an over-long run of emoji between surrogate pairs and adds the chunk start", async () => {
    // Prepare
    const text = `${"😀".repeat(1251)}。田中さん。`; // 5,004 bytes of emoji before the 。
    comprehend.on(BatchDetectEntitiesCommand).callsFake(answerBatch({ 田中: ["PERSON", 0.9] }));

    // Act
    const [entities] = await source().detect([text]);

    // Assess
    expect(sentBatches()).toEqual([["😀".repeat(1250), "😀。田中さん。"]]);
    expect(entities).toEqual([{ entity: "PERSON", start: 2503, end: 2505, score: 0.9 }]);
    expect(text.slice(2503, 2505)).toBe("田中");
  });

  it("rejects an offset outside its document instead of clamping it", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).resolves({
      ResultList: [{ Index: 0, Entities: [{ Type: "PERSON", Score: 0.9, Text: "田中", BeginOffset: 3, EndOffset: 9 }] }],
      ErrorList: [],
    });

    // Act
    const message = await detectionErrorMessage(() => source().detect(["田中です。"]));

    // Assess
    expect(message).toBe("Comprehend returned PERSON offsets 3..9 outside its document of 5 code points");
  });
});

describe("createComprehendSource: scores and types", () => {
  const entities: Entity[] = [
    { Type: "PERSON", Score: 0.9, BeginOffset: 0, EndOffset: 2 },
    { Type: "PERSON", Score: 0.49, BeginOffset: 3, EndOffset: 5 },
    { Type: "LOCATION", Score: 0.5, BeginOffset: 6, EndOffset: 8 },
    { Type: "ORGANIZATION", Score: 0.7, BeginOffset: 9, EndOffset: 13 },
    { Type: "DATE", Score: 0.99, BeginOffset: 14, EndOffset: 16 },
    { Type: "QUANTITY", Score: 0.99, BeginOffset: 16, EndOffset: 17 },
  ];
  const text = "田中と佐藤は東京のトクメイで明日会う。";

  it("keeps PERSON, ORGANIZATION and LOCATION scoring at least 0.5 by default", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).resolves({ ResultList: [{ Index: 0, Entities: entities }], ErrorList: [] });

    // Act
    const [found] = await source().detect([text]);

    // Assess
    expect(found).toEqual([
      { entity: "PERSON", start: 0, end: 2, score: 0.9 },
      { entity: "LOCATION", start: 6, end: 8, score: 0.5 },
      { entity: "ORGANIZATION", start: 9, end: 13, score: 0.7 },
    ]);
  });

  it("follows a custom mapping and minScore", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).resolves({ ResultList: [{ Index: 0, Entities: entities }], ErrorList: [] });

    // Act
    const [found] = await source({ minScore: 0.4, types: { PERSON: "PERSON", LOCATION: "ADDRESS" } }).detect([text]);

    // Assess
    expect(found).toEqual([
      { entity: "PERSON", start: 0, end: 2, score: 0.9 },
      { entity: "PERSON", start: 3, end: 5, score: 0.49 },
      { entity: "ADDRESS", start: 6, end: 8, score: 0.5 },
    ]);
  });

  it.each([
    [{ minScore: 2 }, "invalid Comprehend options: minScore: Too big: expected number to be <=1"],
    [{ types: { PEOPLE: "PERSON" } }, 'invalid Comprehend options: types: Unrecognized key: "PEOPLE"'],
    [{ mode: "stream" }, 'invalid Comprehend options: mode: Invalid option: expected one of "batch"|"single"'],
    [{ enabled: true }, 'invalid Comprehend options: (root): Unrecognized key: "enabled"'],
  ])("rejects invalid options %j with a ConfigError", (options, message) => {
    // Prepare
    const act = () => createComprehendSource(client, options as ComprehendOptionsInput);

    // Act & Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});

describe("createComprehendSource: failures and retries", () => {
  it("retries only the documents in ErrorList, then succeeds", async () => {
    // Prepare
    comprehend
      .on(BatchDetectEntitiesCommand)
      .resolvesOnce({
        ResultList: [
          { Index: 0, Entities: [] },
          { Index: 2, Entities: [] },
        ],
        ErrorList: [{ Index: 1, ErrorCode: "INTERNAL_SERVER_ERROR", ErrorMessage: "failed on 田中です。" }],
      })
      .callsFake(answerBatch({ 田中: ["PERSON", 0.9] }));

    // Act
    const result = await source().detect(["はい。", "田中です。", "どうも。"]);

    // Assess
    expect(sentBatches()).toEqual([["はい。", "田中です。", "どうも。"], ["田中です。"]]);
    expect(sleep.mock.calls).toEqual([[50]]);
    expect(result).toEqual([[], [{ entity: "PERSON", start: 0, end: 2, score: 0.9 }], []]);
  });

  it("fails closed when a document stays in ErrorList for maxAttempts requests", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).callsFake((input: BatchDetectEntitiesCommandInput) => ({
      ResultList: [],
      ErrorList: (input.TextList ?? []).map((_, Index) => ({ Index, ErrorCode: "INTERNAL_SERVER_ERROR", ErrorMessage: "x" })),
    }));

    // Act
    const message = await detectionErrorMessage(() => source({ maxAttempts: 3 }).detect(["山田です。"]));

    // Assess
    expect(message).toBe(
      "Comprehend BatchDetectEntities: 1 of 1 document(s) still failing after 3 attempt(s) (INTERNAL_SERVER_ERROR)",
    );
    expect(sentBatches()).toHaveLength(3);
  });

  it("retries a document missing from both ResultList and ErrorList", async () => {
    // Prepare
    comprehend
      .on(BatchDetectEntitiesCommand)
      .resolvesOnce({ ResultList: [{ Index: 0, Entities: [] }], ErrorList: [] })
      .callsFake(answerBatch({}));

    // Act
    const result = await source().detect(["はい。", "いいえ。"]);

    // Assess
    expect(sentBatches()).toEqual([["はい。", "いいえ。"], ["いいえ。"]]);
    expect(result).toEqual([[], []]);
  });

  it("retries throttling with exponential backoff, then succeeds", async () => {
    // Prepare
    comprehend
      .on(BatchDetectEntitiesCommand)
      .rejectsOnce(new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429 } }))
      .rejectsOnce(throttling("Rate exceeded"))
      .callsFake(answerBatch({ 田中: ["PERSON", 0.9] }));

    // Act
    const result = await source().detect(["田中です。"]);

    // Assess
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand)).toHaveLength(3);
    expect(sleep.mock.calls).toEqual([[50], [100]]);
    expect(result).toEqual([[{ entity: "PERSON", start: 0, end: 2, score: 0.9 }]]);
  });

  it("retries server errors: InternalServerException and a bare HTTP 503", async () => {
    // Prepare
    const unavailable = Object.assign(new Error("Service Unavailable"), {
      name: "Unknown",
      $metadata: { httpStatusCode: 503 },
    });
    comprehend
      .on(DetectEntitiesCommand)
      .rejectsOnce(new InternalServerException({ message: "oops", $metadata: { httpStatusCode: 500 } }))
      .rejectsOnce(unavailable)
      .resolves({ Entities: [] });

    // Act
    const result = await source({ mode: "single" }).detect(["はい。"]);

    // Assess
    expect(comprehend.commandCalls(DetectEntitiesCommand)).toHaveLength(3);
    expect(result).toEqual([[]]);
  });

  it("rejects with a DetectionError naming only the operation and the error after maxAttempts throttles", async () => {
    // Prepare
    const text = "山田太郎の電話番号は090-1234-5678です。";
    comprehend.on(BatchDetectEntitiesCommand).rejects(throttling(`Rate exceeded while reading ${text}`));

    // Act
    const message = await detectionErrorMessage(() => source().detect([text]));

    // Assess
    expect(message).toBe("Comprehend BatchDetectEntities failed after 4 attempt(s): ThrottlingException");
    expect(message).not.toContain("山田");
    expect(message).not.toContain("090");
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand)).toHaveLength(4);
    expect(sleep.mock.calls).toEqual([[50], [100], [200]]);
  });

  it.each([
    ["TextSizeLimitExceededException", new TextSizeLimitExceededException({ message: "too long: 田中", $metadata: {} })],
    ["UnsupportedLanguageException", new UnsupportedLanguageException({ message: "no", $metadata: {} })],
    [
      "InvalidRequestException",
      new ComprehendServiceException({ name: "InvalidRequestException", $fault: "client", message: "田中", $metadata: {} }),
    ],
  ])("rejects %s at once, without retrying", async (name, error) => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).rejects(error);

    // Act
    const message = await detectionErrorMessage(() => source().detect(["田中です。"]));

    // Assess
    expect(message).toBe(`Comprehend BatchDetectEntities failed: ${name} (not retryable)`);
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand)).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("rejects an item index outside the documents sent", async () => {
    // Prepare
    comprehend.on(BatchDetectEntitiesCommand).resolves({ ResultList: [{ Index: 4, Entities: [] }], ErrorList: [] });

    // Act
    const message = await detectionErrorMessage(() => source().detect(["はい。"]));

    // Assess
    expect(message).toBe("Comprehend BatchDetectEntities returned an item index outside the 1 document(s) sent");
  });
});

describe("chunkText", () => {
  it("packs whole sentences up to the byte limit and keeps delimiter runs with their sentence", () => {
    // Prepare
    const text = "本当？！はい。\nまた明日";

    // Act
    const chunks = chunkText(text, 12);

    // Assess
    expect(chunks).toEqual([
      { text: "本当？！", start: 0 },
      { text: "はい。\n", start: 4 },
      { text: "また明日", start: 8 },
    ]);
  });

  it("leaves out whitespace-only chunks and cuts a long sentence on code points", () => {
    // Prepare
    const text = `${"𠮷".repeat(3)}\n${" ".repeat(8)}\n`;

    // Act
    const chunks = chunkText(text, 8);

    // Assess
    expect(chunks).toEqual([
      { text: "𠮷𠮷", start: 0 },
      { text: "𠮷\n", start: 4 },
    ]);
  });

  it("documents the service limits it cuts to", () => {
    // Act & Assess
    expect(COMPREHEND_LIMITS).toEqual({ batchMaxDocuments: 25, batchDocumentMaxBytes: 5_000, singleDocumentMaxBytes: 100_000 });
  });
});
