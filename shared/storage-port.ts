/**
 * How the pipeline reads inputs and writes outputs, so the same code runs on S3 (Lambda) and on a folder
 * (CLI, demo, tests). Writes must be all-or-nothing per object: a reader never sees half a file.
 */
export interface StoragePort {
  read(key: string): Promise<Uint8Array>;
  /**
   * The object's bytes as they arrive, for inputs too large to hold twice. Opening fails like `read`; a
   * failure while iterating must be a StorageReadError (retried, never quarantined). Optional: the pipeline
   * uses `read` when a port has no stream.
   */
  readStream?(key: string): Promise<AsyncIterable<Uint8Array>>;
  write(key: string, body: string | Uint8Array): Promise<void>;
}

/**
 * A storage port that can also list keys: a release reads whole datasets, not one named object.
 * `list` returns the keys under a prefix on the side `read` reads from, sorted, complete (no paging left to
 * the caller); objects being written (temporary names) are not listed.
 *
 * @example
 * const files = await storage.list("datasets/conversations/");
 */
export interface ListableStoragePort extends StoragePort {
  list(prefix: string): Promise<string[]>;
}
