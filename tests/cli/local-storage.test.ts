import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalFolderStorage } from "../../cli/local-storage.js";

let temp: string;

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), "tokumei-storage-"));
  await mkdir(join(temp, "in", "chat"), { recursive: true });
});

afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("LocalFolderStorage", () => {
  it("reads keys under the input folder as bytes", async () => {
    // Prepare
    await writeFile(join(temp, "in", "chat", "a.jsonl"), "こんにちは");
    const storage = new LocalFolderStorage(join(temp, "in"), join(temp, "out"));

    // Act
    const bytes = await storage.read("chat/a.jsonl");

    // Assess
    expect(new TextDecoder().decode(bytes)).toBe("こんにちは");
  });

  it("writes keys under the output folder, creating folders and leaving no partial file", async () => {
    // Prepare
    const storage = new LocalFolderStorage(join(temp, "in"), join(temp, "out"));

    // Act
    await storage.write("audit/chat/a.jsonl.audit.json", "{}\n");
    await storage.write("audit/chat/a.jsonl.audit.json", '{"again":true}\n');

    // Assess
    expect(await readFile(join(temp, "out", "audit", "chat", "a.jsonl.audit.json"), "utf8")).toBe('{"again":true}\n');
    expect(await readdir(join(temp, "out", "audit", "chat"))).toEqual(["a.jsonl.audit.json"]);
  });

  it.each([["../secret.txt"], ["chat/../../secret.txt"], ["../out/escaped.txt"]])("refuses the key %s, which leaves its folder", async (key) => {
    // Prepare
    await writeFile(join(temp, "secret.txt"), "secret");
    const storage = new LocalFolderStorage(join(temp, "in"), join(temp, "out-data"));

    // Act
    const reading = storage.read(key);
    const writing = storage.write(key, "x");

    // Assess
    await expect(reading).rejects.toThrow("escapes its folder");
    await expect(writing).rejects.toThrow("escapes its folder");
    expect(await readFile(join(temp, "secret.txt"), "utf8")).toBe("secret");
    expect((await readdir(temp)).sort()).toEqual(["in", "secret.txt"]);
  });

  it("keeps an absolute key inside the output folder", async () => {
    // Prepare
    const storage = new LocalFolderStorage(join(temp, "in"), join(temp, "out"));

    // Act
    await storage.write("/etc/tokumei-test.txt", "x");

    // Assess
    expect(await readFile(join(temp, "out", "etc", "tokumei-test.txt"), "utf8")).toBe("x");
  });

  it("lists the files under a key prefix of the input folder, sorted, without files being written", async () => {
    // Prepare
    await mkdir(join(temp, "in", "datasets", "utterances", "dt=2026-11-20"), { recursive: true });
    await writeFile(join(temp, "in", "datasets", "utterances", "dt=2026-11-20", "b.parquet"), "x");
    await writeFile(join(temp, "in", "datasets", "utterances", "dt=2026-11-20", "a.parquet"), "x");
    await writeFile(join(temp, "in", "datasets", "utterances", "dt=2026-11-20", "c.parquet.123.partial"), "x");
    await writeFile(join(temp, "in", "datasets", "other.txt"), "x");
    const storage = new LocalFolderStorage(join(temp, "in"), join(temp, "out"));

    // Act
    const all = await storage.list("datasets/");
    const utterances = await storage.list("datasets/utt");
    const missing = await storage.list("releases/r1/");

    // Assess
    expect(all).toEqual(["datasets/other.txt", "datasets/utterances/dt=2026-11-20/a.parquet", "datasets/utterances/dt=2026-11-20/b.parquet"]);
    expect(utterances).toEqual(["datasets/utterances/dt=2026-11-20/a.parquet", "datasets/utterances/dt=2026-11-20/b.parquet"]);
    expect(missing).toEqual([]);
  });
});
