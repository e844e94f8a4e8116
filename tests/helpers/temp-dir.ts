import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/**
 * A fresh temporary folder for each test of the calling file, with TOKUMEI_HMAC_KEY unset during the test
 * (a developer's own key must not change what the CLI does) and both restored afterwards.
 *
 * @example
 * const temp = useTempDirWithoutHmacKey("tokumei-cli-");
 * it("…", () => { join(temp(), "out"); });
 */
export function useTempDirWithoutHmacKey(prefix: string): () => string {
  let temp: string | undefined;
  let savedKey: string | undefined;
  beforeEach(async () => {
    temp = await mkdtemp(join(tmpdir(), prefix));
    savedKey = process.env["TOKUMEI_HMAC_KEY"];
    delete process.env["TOKUMEI_HMAC_KEY"];
  });
  afterEach(async () => {
    if (savedKey === undefined) delete process.env["TOKUMEI_HMAC_KEY"];
    else process.env["TOKUMEI_HMAC_KEY"] = savedKey;
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  });
  return () => {
    if (temp === undefined) throw new Error("the temporary folder exists only inside a test");
    return temp;
  };
}
