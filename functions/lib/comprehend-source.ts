import {
  BatchDetectEntitiesCommand,
  type BatchDetectEntitiesCommandOutput,
  type ComprehendClient,
  DetectEntitiesCommand,
  type Entity,
  LanguageCode,
} from "@aws-sdk/client-comprehend";
import type { EntityType } from "../../shared/detect/entity-types.js";
import type { ExternalEntity, ExternalEntitySource } from "../../shared/detect/external-source.js";
import { ConfigError, DetectionError } from "../../shared/errors.js";
import { type ComprehendOptions, type ComprehendOptionsInput, ComprehendOptionsSchema } from "./comprehend-config.js";

export { type ComprehendOptions, type ComprehendOptionsInput, ComprehendOptionsSchema } from "./comprehend-config.js";

/**
 * Request limits of Comprehend entity detection (guidelines-and-limits, API_BatchDetectEntities):
 * a batch holds at most 25 documents of at most 5 KB of UTF-8 each; a single DetectEntities text is at most
 * 100 KB. Chunks are cut at 5,000 / 100,000 bytes, the safe reading of "KB".
 *
 * @example
 * chunkText(text, COMPREHEND_LIMITS.batchDocumentMaxBytes);
 */
export const COMPREHEND_LIMITS = {
  batchMaxDocuments: 25,
  batchDocumentMaxBytes: 5_000,
  singleDocumentMaxBytes: 100_000,
} as const;

/** Provenance id of findings from this source. */
const SOURCE_ID = "comprehend";

/** Ends of sentences; a run of them stays with the sentence before it (「本当？！」). */
const SENTENCE_END = new Set(["。", "！", "？", "!", "?", "\n"]);

/**
 * Error names retried with backoff besides anything flagged `$retryable` or answered with HTTP 5xx / 429.
 * TooManyRequestsException is Comprehend's own throttling error; the others come from the SDK and AWS
 * front ends.
 */
const RETRYABLE_ERROR_NAMES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "InternalServerException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

/** A piece of a text sent to Comprehend as one document. */
export interface TextChunk {
  /** The chunk itself, a slice of the text. */
  readonly text: string;
  /** UTF-16 offset of the chunk in the text it was cut from. */
  readonly start: number;
}

/** A chunk of the `textIndex`-th input text. */
interface Document extends TextChunk {
  readonly textIndex: number;
}

/** A half-open UTF-16 range of a text together with its UTF-8 size. */
interface Span {
  start: number;
  end: number;
  bytes: number;
}

/**
 * Cuts `text` into chunks of at most `maxBytes` UTF-8 bytes. Chunks end on sentence boundaries
 * (after 。！？!? or a line break, the delimiter kept with its sentence) and hold as many whole sentences as
 * fit. A sentence longer than `maxBytes` is cut at the limit on a code-point boundary, never inside a
 * surrogate pair. Chunks that are empty or whitespace only are left out, since there is nothing to find.
 * Concatenating the chunks with the left-out parts restores the text.
 *
 * @example
 * chunkText("田中です。𠮷野家へ。", 16);
 * // [{ text: "田中です。", start: 0 }, { text: "𠮷野家へ。", start: 5 }]
 */
export function chunkText(text: string, maxBytes: number): TextChunk[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) {
    throw new ConfigError(`chunk size must be an integer of at least 4 bytes, got ${String(maxBytes)}`);
  }
  const chunks: TextChunk[] = [];
  let current: Span | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const slice = text.slice(current.start, current.end);
    if (slice.trim() !== "") chunks.push({ text: slice, start: current.start });
    current = undefined;
  };
  for (const sentence of sentenceSpans(text)) {
    for (const unit of sentence.bytes > maxBytes ? splitAtByteLimit(text, sentence, maxBytes) : [sentence]) {
      if (current !== undefined && current.bytes + unit.bytes <= maxBytes) {
        current.end = unit.end;
        current.bytes += unit.bytes;
      } else {
        flush();
        current = { ...unit };
      }
    }
  }
  flush();
  return chunks;
}

/** Sentences of `text` with their UTF-8 sizes, covering the whole text. */
function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  let index = 0;
  while (index < text.length) {
    if (SENTENCE_END.has(text.charAt(index))) {
      let end = index + 1;
      while (end < text.length && SENTENCE_END.has(text.charAt(end))) end += 1;
      spans.push({ start, end, bytes: utf8Bytes(text, start, end) });
      start = end;
      index = end;
    } else {
      index += 1;
    }
  }
  if (start < text.length) spans.push({ start, end: text.length, bytes: utf8Bytes(text, start, text.length) });
  return spans;
}

/** Cuts an over-long span into pieces of at most `maxBytes`, each ending on a code-point boundary. */
function splitAtByteLimit(text: string, span: Span, maxBytes: number): Span[] {
  const pieces: Span[] = [];
  let pieceStart = span.start;
  let pieceBytes = 0;
  let index = span.start;
  while (index < span.end) {
    const codePoint = text.codePointAt(index) ?? 0;
    const units = codePoint > 0xffff ? 2 : 1;
    const bytes = utf8Width(codePoint);
    if (pieceBytes + bytes > maxBytes) {
      pieces.push({ start: pieceStart, end: index, bytes: pieceBytes });
      pieceStart = index;
      pieceBytes = 0;
    }
    pieceBytes += bytes;
    index += units;
  }
  if (index > pieceStart) pieces.push({ start: pieceStart, end: index, bytes: pieceBytes });
  return pieces;
}

/** UTF-8 size of `text.slice(start, end)`; a lone surrogate counts as U+FFFD (3 bytes), as it is sent. */
function utf8Bytes(text: string, start: number, end: number): number {
  let bytes = 0;
  for (let index = start; index < end; ) {
    const codePoint = text.codePointAt(index) ?? 0;
    bytes += utf8Width(codePoint);
    index += codePoint > 0xffff ? 2 : 1;
  }
  return bytes;
}

function utf8Width(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** `offsets[k]` is the UTF-16 offset of the k-th code point of `text`; the last entry is `text.length`. */
function codePointToUtf16(text: string): number[] {
  const offsets: number[] = [];
  for (let index = 0; index < text.length; ) {
    offsets.push(index);
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  offsets.push(text.length);
  return offsets;
}

/**
 * Amazon Comprehend DetectEntities for Japanese as an {@link ExternalEntitySource}: an extra signal for
 * names, organisations and places (Comprehend's PII operations do not support Japanese).
 *
 * - Always sends `LanguageCode: "ja"`. Texts are cut by {@link chunkText} into documents of at most 5,000
 *   bytes (batch mode: up to 25 documents per BatchDetectEntities call, across texts) or 100,000 bytes
 *   (single mode: one DetectEntities call per document). Empty and whitespace-only texts are not sent.
 *   Requests run one after another.
 * - Comprehend's offsets count code points within a document; they are turned into UTF-16 offsets into the
 *   original text. An offset outside its document is a DetectionError, never clamped.
 * - Entities of a type missing from `options.types` or scoring below `options.minScore` are dropped.
 * - Throttling, 5xx, `$retryable` errors and documents in a batch's ErrorList are retried with
 *   exponential backoff and full jitter until `maxAttempts` requests were made; then, and at once for any
 *   other error, `detect()` rejects with a DetectionError naming the operation and the error name or code,
 *   never the text or the service's message. The caller must then not write the text (fail closed).
 *
 * The client is injected. Its own SDK retries come on top of these; construct it with `maxAttempts: 1` to
 * leave retrying to this source alone.
 *
 * Invalid options throw ConfigError.
 *
 * @example
 * const source = createComprehendSource(new ComprehendClient({ region: "ap-northeast-1", maxAttempts: 1 }), {
 *   minScore: 0.7,
 * });
 * const [entities] = await source.detect(["田中さんから電話がありました。"]);
 * // entities: [{ entity: "PERSON", start: 0, end: 2, score: 0.99 }]
 */
export function createComprehendSource(
  client: ComprehendClient,
  options: ComprehendOptionsInput = {},
): ExternalEntitySource {
  const parsed = ComprehendOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    throw new ConfigError(`invalid Comprehend options: ${issues}`);
  }
  const config = parsed.data;
  const caller = new Caller(client, config);
  const maxBytes =
    config.mode === "batch" ? COMPREHEND_LIMITS.batchDocumentMaxBytes : COMPREHEND_LIMITS.singleDocumentMaxBytes;

  return {
    id: SOURCE_ID,
    async detect(texts: readonly string[]): Promise<ExternalEntity[][]> {
      const documents: Document[] = [];
      texts.forEach((text, textIndex) => {
        if (typeof text !== "string") throw new DetectionError(`Comprehend: input ${textIndex} is not a string`);
        for (const chunk of chunkText(text, maxBytes)) documents.push({ ...chunk, textIndex });
      });

      const entities =
        config.mode === "batch"
          ? await caller.detectBatches(documents.map((document) => document.text))
          : await caller.detectEach(documents.map((document) => document.text));

      const results: ExternalEntity[][] = texts.map(() => []);
      documents.forEach((document, index) => {
        results[document.textIndex]?.push(...toExternalEntities(entities[index] ?? [], document, config));
      });
      for (const list of results) list.sort((a, b) => a.start - b.start || a.end - b.end);
      return results;
    },
  };
}

/** Maps one document's Comprehend entities to UTF-16 offsets in the original text. */
function toExternalEntities(entities: readonly Entity[], document: Document, config: ComprehendOptions): ExternalEntity[] {
  const found: ExternalEntity[] = [];
  let offsets: number[] | undefined;
  for (const entity of entities) {
    const type = mappedType(entity.Type, config.types);
    if (type === undefined) continue;
    const score = entity.Score;
    if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
      throw new DetectionError(`Comprehend returned a ${type} entity without a valid score`);
    }
    offsets ??= codePointToUtf16(document.text);
    const codePoints = offsets.length - 1;
    const begin = entity.BeginOffset;
    const end = entity.EndOffset;
    if (!Number.isInteger(begin) || !Number.isInteger(end)) {
      throw new DetectionError(`Comprehend returned a ${type} entity without integer offsets`);
    }
    const first = begin as number;
    const last = end as number;
    if (first < 0 || last > codePoints || first >= last) {
      throw new DetectionError(
        `Comprehend returned ${type} offsets ${first}..${last} outside its document of ${codePoints} code points`,
      );
    }
    if (score < config.minScore) continue;
    found.push({
      entity: type,
      start: document.start + (offsets[first] as number),
      end: document.start + (offsets[last] as number),
      score,
    });
  }
  return found;
}

function mappedType(type: string | undefined, types: ComprehendOptions["types"]): EntityType | undefined {
  if (type === undefined || !Object.hasOwn(types, type)) return undefined;
  return types[type as keyof typeof types];
}

/** Sends requests with retries; knows nothing of texts and offsets. */
class Caller {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: ComprehendClient,
    private readonly config: ComprehendOptions,
  ) {
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = config.random ?? Math.random;
  }

  /** BatchDetectEntities over groups of 25 documents; one entity list per document, in order. */
  async detectBatches(documents: readonly string[]): Promise<Entity[][]> {
    const results: Entity[][] = [];
    for (let first = 0; first < documents.length; first += COMPREHEND_LIMITS.batchMaxDocuments) {
      results.push(...(await this.detectBatch(documents.slice(first, first + COMPREHEND_LIMITS.batchMaxDocuments))));
    }
    return results;
  }

  /** DetectEntities per document; one entity list per document, in order. */
  async detectEach(documents: readonly string[]): Promise<Entity[][]> {
    const results: Entity[][] = [];
    for (const text of documents) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const response = await this.client.send(new DetectEntitiesCommand({ Text: text, LanguageCode: LanguageCode.JA }));
          results.push(response.Entities ?? []);
          break;
        } catch (error) {
          await this.afterFailure("DetectEntities", error, attempt);
        }
      }
    }
    return results;
  }

  /**
   * One batch of at most 25 documents. Documents in ErrorList, or missing from both lists, are sent again
   * (only they) until every document has a result or `maxAttempts` requests were made.
   */
  private async detectBatch(documents: readonly string[]): Promise<Entity[][]> {
    const results: (Entity[] | undefined)[] = documents.map(() => undefined);
    let pending = documents.map((_, index) => index);
    for (let attempt = 1; ; attempt += 1) {
      let response: BatchDetectEntitiesCommandOutput;
      try {
        response = await this.sendBatch(pending.map((index) => documents[index] as string));
      } catch (error) {
        await this.afterFailure("BatchDetectEntities", error, attempt);
        continue;
      }

      const failed = new Set<number>();
      const codes = new Set<string>();
      for (const item of response.ErrorList ?? []) {
        const position = batchIndex(item.Index, pending.length);
        failed.add(position);
        codes.add(safeName(item.ErrorCode, "UNKNOWN"));
      }
      for (const item of response.ResultList ?? []) {
        const position = batchIndex(item.Index, pending.length);
        if (!failed.has(position)) results[pending[position] as number] = item.Entities ?? [];
      }
      const stillPending = pending.filter((index) => results[index] === undefined);
      if (stillPending.length === 0) return results as Entity[][];
      if (stillPending.length > failed.size) codes.add("NO_RESULT");

      if (attempt >= this.config.maxAttempts) {
        throw new DetectionError(
          `Comprehend BatchDetectEntities: ${stillPending.length} of ${documents.length} document(s) still failing ` +
            `after ${attempt} attempt(s) (${[...codes].sort().join(", ")})`,
        );
      }
      pending = stillPending;
      await this.sleep(this.delay(attempt));
    }
  }

  private sendBatch(texts: string[]): Promise<BatchDetectEntitiesCommandOutput> {
    return this.client.send(new BatchDetectEntitiesCommand({ TextList: texts, LanguageCode: LanguageCode.JA }));
  }

  /** Throws a DetectionError unless the error is retryable and attempts remain; otherwise waits. */
  private async afterFailure(operation: string, error: unknown, attempt: number): Promise<void> {
    const name = safeName(isObject(error) ? error["name"] : undefined, "UnknownError");
    if (!isRetryable(error)) {
      throw new DetectionError(`Comprehend ${operation} failed: ${name} (not retryable)`);
    }
    if (attempt >= this.config.maxAttempts) {
      throw new DetectionError(`Comprehend ${operation} failed after ${attempt} attempt(s): ${name}`);
    }
    await this.sleep(this.delay(attempt));
  }

  /** Full jitter: a random wait up to base × 2^(attempt − 1), capped at maxDelayMs. */
  private delay(attempt: number): number {
    const ceiling = Math.min(this.config.maxDelayMs, this.config.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}

/** Checks a batch item's Index against the number of documents sent. */
function batchIndex(index: number | undefined, sent: number): number {
  if (index === undefined || !Number.isInteger(index) || index < 0 || index >= sent) {
    throw new DetectionError(`Comprehend BatchDetectEntities returned an item index outside the ${sent} document(s) sent`);
  }
  return index;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Throttling, server faults and anything the SDK marks retryable. */
function isRetryable(error: unknown): boolean {
  if (!isObject(error)) return false;
  const name = error["name"];
  if (typeof name === "string" && RETRYABLE_ERROR_NAMES.has(name)) return true;
  if (error["$retryable"]) return true;
  const metadata = error["$metadata"];
  const status = isObject(metadata) ? metadata["httpStatusCode"] : undefined;
  return typeof status === "number" && (status >= 500 || status === 429);
}

/** An error name or code fit for a log line: an identifier, or `fallback` if it looks like anything else. */
function safeName(value: unknown, fallback: string): string {
  return typeof value === "string" && /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/.test(value) ? value : fallback;
}
