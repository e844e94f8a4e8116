/**
 * How the pipeline reads inputs and writes outputs, so the same code runs on S3 (Lambda) and on a folder
 * (CLI, demo, tests). Writes must be all-or-nothing per object: a reader never sees half a file.
 */
export interface StoragePort {
  read(key: string): Promise<Uint8Array>;
  write(key: string, body: string | Uint8Array): Promise<void>;
}
