import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { kOf } from "../../shared/release/k-anonymity.js";
import { ReleaseManifestSchema } from "../../shared/release/schema.js";
import { eventPath } from "../helpers/fixtures.js";
import { useTempDirWithoutHmacKey } from "../helpers/temp-dir.js";

const HMAC_KEY = "cli-release-test-hmac-key-0123456789abcdefgh";

async function run(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });
  return { code, out, err };
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split("\\").join("/"))
    .sort();
}

async function parquet(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

/** A chat log of `n` sessions, each with a customer in 東京都 in their 40s who gives a phone number. */
function chatLog(prefix: string, n: number, phone: (i: number) => string): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = (role: string, message: string) => JSON.stringify({ session_id: `${prefix}-${i}`, role, sender: role, message });
    lines.push(line("assistant", "ご年齢とご住所、お電話番号をお願いします。"));
    lines.push(line("user", `4${i}歳です。東京都港区芝公園${i + 1}丁目2番3号です。電話は${phone(i)}です。`));
  }
  return `${lines.join("\n")}\n`;
}

const tempDir = useTempDirWithoutHmacKey("tokumei-release-");
let temp: string;
beforeEach(() => {
  temp = tempDir();
});

describe("tokumei release", () => {
  it("releases the anonymized samples: files under OUT/releases/<id>/, a summary, k holding on the files", async () => {
    // Prepare
    const out = join(temp, "out");
    expect((await run(["anonymize", eventPath("conversations"), "--out", out])).code).toBe(0);

    // Act
    const { code, out: lines, err } = await run(["release", out, "--k", "2", "--release-id", "sample-1"]);

    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect((await filesUnder(join(out, "releases")))).toEqual([
      "sample-1/conversations/part-00000.parquet",
      "sample-1/manifest.json",
      "sample-1/utterances/part-00000.parquet",
    ]);
    const manifest = ReleaseManifestSchema.parse(JSON.parse(await readFile(join(out, "releases", "sample-1", "manifest.json"), "utf8")));
    const conversations = await parquet(join(out, "releases", "sample-1", "conversations", "part-00000.parquet"));
    expect(conversations).toHaveLength(manifest.rows.conversationsOut);
    expect(kOf(conversations as never, manifest.kAnonymity.quasiIdentifiers)).toBe(manifest.kAnonymity.kAchieved);
    expect(manifest.kAnonymity.kAchieved).toBeGreaterThanOrEqual(2);
    const printed = lines.join("\n");
    expect(printed).toContain(`release sample-1 (匿名加工情報) → ${join(out, "releases/sample-1/")}`);
    expect(printed).toContain(`conversations: ${manifest.rows.conversationsIn} in, ${manifest.rows.conversationsOut} out (${manifest.suppressed.conversations} suppressed)`);
    expect(printed).toContain(`k-anonymity: k = 2 requested, ${manifest.kAnonymity.kAchieved} achieved over customer_age_band, customer_prefecture, customer_birth_year_band`);
    expect(printed).toContain("the release key was destroyed, no mapping kept");
  });

  it("writes into --out when given, and nothing on --dry-run", async () => {
    // Prepare
    const out = join(temp, "out");
    await run(["anonymize", eventPath("conversations"), "--out", out]);
    const elsewhere = join(temp, "shared");

    // Act
    const dry = await run(["release", out, "--k", "2", "--dry-run"]);
    const real = await run(["release", out, "--k", "2", "--out", elsewhere, "--release-id", "r2"]);

    // Assess
    expect(dry.code).toBe(0);
    expect(dry.out.join("\n")).toContain("(dry run: nothing written)");
    expect(await filesUnder(join(out, "releases"))).toEqual([]);
    expect(real.code).toBe(0);
    expect(await filesUnder(elsewhere)).toEqual(["releases/r2/conversations/part-00000.parquet", "releases/r2/manifest.json", "releases/r2/utterances/part-00000.parquet"]);
  });

  it("仮名加工 end to end: TOKUMEI_HMAC_KEY links one phone number across inputs; the release re-keys it and keeps no key", async () => {
    // Prepare: two chat exports; session a-0 and b-0 give the same phone number.
    const input = join(temp, "in");
    await mkdir(input);
    await writeFile(join(input, "a.jsonl"), chatLog("a", 5, (i) => `090-2222-33${String(i).padStart(2, "0")}`));
    await writeFile(join(input, "b.jsonl"), chatLog("b", 5, (i) => (i === 0 ? "090-2222-3300" : `080-4444-55${String(i).padStart(2, "0")}`)));
    const policy = join(temp, "policy.yaml");
    await writeFile(policy, "mode: pseudonymize\n");
    const out = join(temp, "out");
    process.env["TOKUMEI_HMAC_KEY"] = HMAC_KEY;

    // Act
    const anonymized = await run(["anonymize", input, "--out", out, "--policy", policy]);
    delete process.env["TOKUMEI_HMAC_KEY"];
    const released = await run(["release", out, "--k", "5", "--release-id", "r1"]);

    // Assess: the same 仮名加工 token in both inputs …
    expect(anonymized.code).toBe(0);
    const jsonl = (name: string) => readFile(join(out, "anonymized", `${name}.jsonl.jsonl`), "utf8");
    const tokenOf = (text: string, session: string) =>
      text.split("\n").find((l) => l.includes(`"conversationId":"${session}"`) && l.includes("<PHONE:"))?.match(/<PHONE:[0-9a-f]{10}>/)?.[0];
    const [a, b] = [await jsonl("a"), await jsonl("b")];
    expect(tokenOf(a, "a-0")).toMatch(/^<PHONE:[0-9a-f]{10}>$/);
    expect(tokenOf(b, "b-0")).toBe(tokenOf(a, "a-0"));
    expect(tokenOf(b, "b-1")).not.toBe(tokenOf(a, "a-0"));
    // … and in no file, neither the key nor that token after the release.
    expect(released.code).toBe(0);
    const everything: string[] = [];
    for (const file of await filesUnder(out)) {
      everything.push(file.endsWith(".parquet") ? JSON.stringify(await parquet(join(out, file)), (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) : await readFile(join(out, file), "utf8"));
    }
    expect(everything.join("\n")).not.toContain(HMAC_KEY);
    const release = (await filesUnder(join(out, "releases", "r1"))).filter((f) => f.endsWith(".parquet"));
    const releaseText = (await Promise.all(release.map((f) => parquet(join(out, "releases", "r1", f))))).map((rows) => JSON.stringify(rows)).join("\n");
    expect(releaseText).not.toContain(tokenOf(a, "a-0")!);
    expect(releaseText).not.toContain("a-0");
    expect(releaseText).toContain("東京都");
  });

  it.each([
    ["no folder", 2, ["release"], "release needs exactly one folder"],
    ["a folder without datasets/", 2, ["release", "TEMP"], "no datasets/ folder under TEMP: run tokumei anonymize --out TEMP first"],
    ["a bad --k", 2, ["release", "OUT", "--k", "five"], "--k expects a number"],
    ["k = 1", 2, ["release", "OUT", "--k", "1"], "release options: k:"],
    ["an unknown quasi-identifier", 2, ["release", "OUT", "--qi", "customer_name"], "release options: quasiIdentifiers.0:"],
    ["a bad --source", 2, ["release", "OUT", "--source", "fax"], "release options: sources.0:"],
    ["k above the conversations", 1, ["release", "OUT", "--k", "50"], "no conversation can be released with k = 50"],
  ])("%s exits %i with a message on stderr", async (_what, exit, argv, message) => {
    // Prepare
    const out = join(temp, "out");
    await run(["anonymize", eventPath("conversations/chatbot-log.jsonl"), "--out", out]);
    const args = argv.map((a) => (a === "OUT" ? out : a === "TEMP" ? temp : a));

    // Act
    const { code, err } = await run(args);

    // Assess
    expect(code).toBe(exit);
    expect(err.join("\n")).toContain(message.replaceAll("TEMP", temp));
    expect(await filesUnder(join(out, "releases"))).toEqual([]);
  });

  it("refuses a release id that is taken (exit 1), leaving the first release as it was", async () => {
    // Prepare
    const out = join(temp, "out");
    await run(["anonymize", eventPath("conversations"), "--out", out]);
    await run(["release", out, "--k", "2", "--release-id", "r1"]);
    const before = await readFile(join(out, "releases", "r1", "manifest.json"), "utf8");

    // Act
    const { code, err } = await run(["release", out, "--k", "2", "--release-id", "r1"]);

    // Assess
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("release r1 already exists");
    expect(await readFile(join(out, "releases", "r1", "manifest.json"), "utf8")).toBe(before);
  });
});
