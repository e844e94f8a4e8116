/**
 * The part of s3rver 3.7.1 (a local S3-compatible server, devDependency; the package ships no types) that
 * the integration test uses.
 */
declare module "s3rver" {
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    /** Host or IP to bind to (default "localhost"). */
    address?: string;
    /** 0 picks a free port; `run()` resolves with the one chosen. */
    port?: number;
    silent?: boolean;
    /** Where buckets and objects are stored. */
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
