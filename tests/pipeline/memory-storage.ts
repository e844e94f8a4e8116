import { StorageReadError } from "../../shared/errors.js";
import type { StoragePort } from "../../shared/storage-port.js";

/**
 * The storage port in memory: inputs are put in beforehand, every write is recorded (key order too) so
 * tests can check what was written, how often, and that nothing else was.
 *
 * @example
 * const storage = new MemoryStorage({ "chat/a.jsonl": '{"text":"こんにちは"}\n' });
 * await processObject("chat/a.jsonl", storage, createEngine());
 * storage.text("audit/chat/a.jsonl.audit.json");
 */
export class MemoryStorage implements StoragePort {
  readonly inputs = new Map<string, Uint8Array>();
  readonly outputs = new Map<string, Uint8Array>();
  readonly writes: string[] = [];

  constructor(inputs: Record<string, string | Uint8Array> = {}) {
    for (const [key, body] of Object.entries(inputs)) this.inputs.set(key, typeof body === "string" ? new TextEncoder().encode(body) : body);
  }

  async read(key: string): Promise<Uint8Array> {
    const body = this.inputs.get(key);
    if (body === undefined) throw Object.assign(new Error(`no such key: ${key}`), { code: "NoSuchKey" });
    return body;
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    this.writes.push(key);
    this.outputs.set(key, typeof body === "string" ? new TextEncoder().encode(body) : body);
  }

  /** An output as text; throws if it was never written. */
  text(key: string): string {
    const body = this.outputs.get(key);
    if (body === undefined) throw new Error(`not written: ${key}`);
    return new TextDecoder().decode(body);
  }

  /** Every output concatenated, to search for values that must not be there. */
  everything(): string {
    return [...this.outputs.entries()].map(([key, body]) => `${key}\n${new TextDecoder().decode(body)}`).join("\n");
  }
}

/**
 * MemoryStorage that also streams its inputs in chunks of `chunkSize` bytes, like S3Storage; `failAfter`
 * makes the stream break after that many chunks (a dropped connection).
 */
export class StreamingMemoryStorage extends MemoryStorage {
  constructor(
    inputs: Record<string, string | Uint8Array>,
    private readonly chunkSize = 64 * 1024,
    private readonly failAfter?: number,
  ) {
    super(inputs);
  }

  async readStream(key: string): Promise<AsyncIterable<Uint8Array>> {
    const body = await this.read(key);
    const { chunkSize, failAfter } = this;
    return (async function* () {
      let chunks = 0;
      for (let at = 0; at < body.length; at += chunkSize) {
        if (failAfter !== undefined && chunks === failAfter) throw new StorageReadError(`reading ${key} failed while streaming (TimeoutError)`);
        chunks++;
        yield body.subarray(at, at + chunkSize);
      }
    })();
  }
}
