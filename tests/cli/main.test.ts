import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { loadSecrets } from "../../cli/load-config.js";
import { main } from "../../cli/main.js";
import { parsePolicy } from "../../shared/anonymize/policy.js";
import { ConfigError } from "../../shared/errors.js";
import { AnonymizedUtteranceRowSchema, AuditRecordSchema, QuarantineRecordSchema } from "../../shared/schema/audit.js";
import { ENGINE_VERSION } from "../../shared/version.js";
import { eventPath } from "../helpers/fixtures.js";
import { useTempDirWithoutHmacKey } from "../helpers/temp-dir.js";

const HMAC_KEY = "cli-test-hmac-key-0123456789abcdefghijklmnop";

/** Runs `main` with captured output lines. */
async function run(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  // main's io type is inferred from its process.stdout default, whose write returns a boolean.
  const code = await main(argv, {
    out: (s) => out.push(s) > 0,
    err: (s) => err.push(s) > 0,
  });
  return { code, out, err };
}

/** Every file under `dir`, relative, with forward slashes, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split("\\").join("/"))
    .sort();
}

const tempDir = useTempDirWithoutHmacKey("tokumei-cli-");
let temp: string;
beforeEach(() => {
  temp = tempDir();
});

describe("tokumei: usage", () => {
  it.each([["--help"], ["-h"], ["anonymize", "--help"]])("%s prints the usage and exits 0", async (...argv) => {
    // Prepare
    const args = argv;

    // Act
    const { code, out, err } = await run(args);

    // Assess
    expect(code).toBe(0);
    expect(out.join("\n")).toContain("Usage:");
    expect(out.join("\n")).toContain("tokumei detect IN.jsonl");
    expect(err).toEqual([]);
  });

  it("--version prints the engine version", async () => {
    // Prepare
    const args = ["--version"];

    // Act
    const { code, out } = await run(args);

    // Assess
    expect(code).toBe(0);
    expect(out).toEqual([ENGINE_VERSION]);
  });

  it.each([
    ["no command", [], "Usage:"],
    ["an unknown command", ["frobnicate", "x.jsonl"], "unknown command: frobnicate"],
    ["an unknown option", ["detect", "x.jsonl", "--bogus"], "--bogus"],
    ["anonymize without --out", ["anonymize", "events/conversations"], "--out"],
    ["anonymize without an input", ["anonymize", "--out", "somewhere"], "exactly one input"],
    ["detect without an input", ["detect"], "exactly one input"],
    ["detect with two inputs", ["detect", "a.jsonl", "b.jsonl"], "exactly one input"],
  ])("%s exits 2 with a message on stderr", async (_what, argv, message) => {
    // Prepare
    const args = argv as string[];

    // Act
    const { code, out, err } = await run(args);

    // Assess
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join("\n")).toContain(message);
  });

  it("exits 2 when the input does not exist", async () => {
    // Prepare
    const missing = join(temp, "nope");

    // Act
    const { code, err } = await run(["anonymize", missing, "--out", join(temp, "out")]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("input not found");
  });

  it("exits 2 on an invalid policy file, naming the file and the setting", async () => {
    // Prepare
    const policy = join(temp, "policy.yaml");
    await writeFile(policy, "entities:\n  PHONE:\n    operator: generalize\n");

    // Act
    const { code, err } = await run(["anonymize", eventPath("conversations/notes.txt"), "--out", join(temp, "out"), "--policy", policy]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("policy.yaml");
    expect(err.join("\n")).toContain("entities.PHONE");
    expect(await filesUnder(join(temp, "out"))).toEqual([]);
  });
});

describe("tokumei anonymize: the samples", () => {
  it("anonymizes every sample in events/conversations and prints the totals", async () => {
    // Prepare
    const input = eventPath("conversations");
    const samples = (await readdir(input)).filter((f) => /\.(json|jsonl|csv|txt)$/.test(f)).sort();
    const out = join(temp, "out");

    // Act
    const { code, out: lines, err } = await run(["anonymize", input, "--out", out]);

    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(samples.length).toBeGreaterThanOrEqual(6);
    const files = await filesUnder(out);
    expect(files.filter((f) => !f.startsWith("datasets/"))).toEqual(
      [...samples.map((s) => `anonymized/${s}.jsonl`), ...samples.map((s) => `audit/${s}.audit.json`)].sort(),
    );
    // Each sample's utterances and conversations, as Parquet, under Hive-style partitions.
    expect(files.filter((f) => /^datasets\/(utterances|conversations)\/dt=\d{4}-\d{2}-\d{2}\/source=(call|chat)\/.+\.parquet$/.test(f))).toHaveLength(samples.length * 2);

    const totals: Record<string, number> = {};
    let utterances = 0;
    for (const sample of samples) {
      const audit = AuditRecordSchema.parse(JSON.parse(await readFile(join(out, "audit", `${sample}.audit.json`), "utf8")));
      const rows = (await readFile(join(out, "anonymized", `${sample}.jsonl`), "utf8")).split("\n").filter((l) => l !== "");
      for (const row of rows) AnonymizedUtteranceRowSchema.parse(JSON.parse(row));
      expect(audit).toMatchObject({ inputKey: sample, status: "anonymized", utterances: rows.length });
      expect(audit.outputs.filter((k: string) => k.startsWith("datasets/")).length).toBe(2);
      expect(audit.outputs).toContain(`anonymized/${sample}.jsonl`);
      utterances += rows.length;
      for (const [type, n] of Object.entries(audit.entities)) totals[type] = (totals[type] ?? 0) + n;
    }

    const printed = lines.join("\n");
    expect(printed).toContain(`files anonymized: ${samples.length}, quarantined: 0, utterances: ${utterances}`);
    const listed = Object.fromEntries([...printed.matchAll(/^ {2}([A-Z_]+) +(\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(listed).toEqual(totals);
    expect(Object.keys(totals)).toEqual(expect.arrayContaining(["PHONE", "EMAIL", "CREDIT_CARD"]));
  });

  it.each([
    ["chatbot-log.jsonl", "080-2468-1357"],
    ["helpdesk-export.csv", "03-6789-0123"],
    ["notes.txt", "yoshida@example.jp"],
    ["notes.txt", "06-6123-4567"],
  ])("removes the clear-cut PII of %s (%s)", async (sample, value) => {
    // Prepare
    const input = eventPath(`conversations/${sample}`);
    const out = join(temp, "out");

    // Act
    const { code } = await run(["anonymize", input, "--out", out]);

    // Assess
    expect(code).toBe(0);
    const rows = await readFile(join(out, "anonymized", `${sample}.jsonl`), "utf8");
    expect(rows).not.toContain(value);
    expect(await readFile(join(out, "audit", `${sample}.audit.json`), "utf8")).not.toContain(value);
  });

  it("--print shows the masked conversation with roles", async () => {
    // Prepare
    const input = eventPath("conversations/sales-call-diarized.json");

    // Act
    const { code, out } = await run(["anonymize", input, "--out", join(temp, "out"), "--roles", "spk_0=agent,spk_1=customer", "--print"]);

    // Assess
    expect(code).toBe(0);
    const printed = out.join("\n");
    expect(printed).toContain("── sales-call-diarized.json (masked) ──");
    expect(printed).toMatch(/^customer +携帯で、<PHONE_1>です。$/m);
    expect(printed).not.toMatch(/三八二七|sasaki/);
  });

  it("exits 2 on a bad --roles value", async () => {
    // Prepare
    const input = eventPath("conversations/sales-call-diarized.json");

    // Act
    const { code, err } = await run(["anonymize", input, "--out", join(temp, "out"), "--roles", "spk_0=boss"]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("--roles");
  });
});

describe("tokumei anonymize: bad input", () => {
  it("quarantines a broken file, anonymizes the rest, and exits 1", async () => {
    // Prepare
    const input = join(temp, "in");
    const out = join(temp, "out");
    await mkdir(input);
    await writeFile(join(input, "good.jsonl"), '{"text":"携帯は090-1234-5678です"}\n');
    await writeFile(join(input, "bad.jsonl"), '{"text":"ok"}\n{"text": "予備は080-9999-8888 と\n');

    // Act
    const { code, out: lines, err } = await run(["anonymize", input, "--out", out]);

    // Assess
    expect(code).toBe(1);
    expect((await filesUnder(out)).filter((f) => !f.startsWith("datasets/"))).toEqual([
      "anonymized/good.jsonl.jsonl",
      "audit/good.jsonl.audit.json",
      "quarantine/bad.jsonl.json",
    ]);
    expect((await filesUnder(out)).filter((f) => f.startsWith("datasets/") && f.includes("bad"))).toEqual([]);
    const record = QuarantineRecordSchema.parse(JSON.parse(await readFile(join(out, "quarantine", "bad.jsonl.json"), "utf8")));
    expect(record).toMatchObject({ inputKey: "bad.jsonl", errorType: "InputFormatError" });
    expect(record.reason).toMatch(/line 2\b/);
    expect(lines.join("\n")).toContain("files anonymized: 1, quarantined: 1");
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^quarantined bad\.jsonl: .*line 2/);
    expect(err[0]).toContain(join(out, "quarantine", "bad.jsonl.json"));
    const everything = [...lines, ...err, JSON.stringify(record)].join("\n");
    for (const value of ["080-9999-8888", "予備", "090-1234-5678"]) expect(everything).not.toContain(value);
  });

  it("quarantines a file no supported encoding decodes and exits 1", async () => {
    // Prepare: 0x80 and 0xFF start no character in UTF-8 or CP932
    const input = join(temp, "sjis.txt");
    await writeFile(input, Buffer.from([0x82, 0xa0, 0x80, 0xff, 0x0a]));
    const out = join(temp, "out");

    // Act
    const { code } = await run(["anonymize", input, "--out", out]);

    // Assess
    expect(code).toBe(1);
    expect(await filesUnder(out)).toEqual(["quarantine/sjis.txt.json"]);
    const record = QuarantineRecordSchema.parse(JSON.parse(await readFile(join(out, "quarantine", "sjis.txt.json"), "utf8")));
    expect(record.reason).toBe("sjis.txt: undecodable: not UTF-8 (first invalid byte at offset 0) nor CP932/Shift_JIS (first invalid byte at offset 2)");
  });
});

describe("tokumei anonymize --keep-format", () => {
  it("writes every readable input again in its own format under keep-format/, and nothing for the quarantined ones", async () => {
    // Prepare
    const input = eventPath("formats");
    const out = join(temp, "out");

    // Act
    const { code, out: lines, err } = await run(["anonymize", input, "--out", out, "--keep-format"]);

    // Assess
    expect(code).toBe(1);
    const files = await filesUnder(out);
    // The chat-export formats (chatwork/, intercom/, slack/, zendesk/) have their own round-trip tests.
    const exports = /^keep-format\/(?:chatwork|intercom|slack|zendesk)\//;
    expect(files.filter((f) => f.startsWith("keep-format/") && !exports.test(f))).toEqual([
      "keep-format/call-analytics.json",
      "keep-format/chatbot-exchange-simple.csv",
      "keep-format/chatbot-exchange.csv",
      "keep-format/line-oa-cp932.csv",
      "keep-format/line-oa.csv",
      "keep-format/line-talk-1on1.txt",
      "keep-format/line-talk-english.txt",
      "keep-format/line-talk-group-12h.txt",
    ]);
    expect(files.filter((f) => f.startsWith("quarantine/malformed/"))).toHaveLength(12);
    expect(files.filter((f) => f.includes("malformed") && !f.startsWith("quarantine/"))).toEqual([]);
    expect(err).toHaveLength(files.filter((f) => f.startsWith("quarantine/")).length);
    expect(lines.join("\n")).toContain(`${out}/keep-format (inputs in their own format)`);
    const cp932 = await readFile(join(out, "keep-format", "line-oa-cp932.csv"));
    expect(cp932.includes(Buffer.from("①", "utf8"))).toBe(false);
    expect(cp932.includes(Buffer.from([0x87, 0x40]))).toBe(true); // ① in CP932
  });

  it("--keep-format-encoding utf-8 writes a CP932 input as UTF-8", async () => {
    // Prepare
    const input = eventPath("formats/line-oa-cp932.csv");
    const out = join(temp, "out");

    // Act
    const { code } = await run(["anonymize", input, "--out", out, "--keep-format", "--keep-format-encoding", "utf-8"]);

    // Assess
    expect(code).toBe(0);
    const kept = await readFile(join(out, "keep-format", "line-oa-cp932.csv"), "utf8");
    expect(kept).toContain("受付時間は平日10:00～18:00です。①保証書");
    const audit = AuditRecordSchema.parse(JSON.parse(await readFile(join(out, "audit", "line-oa-cp932.csv.audit.json"), "utf8")));
    expect(audit).toMatchObject({ format: "line-oa-csv", encoding: "cp932" });
    expect(audit.outputs).toContain("keep-format/line-oa-cp932.csv");
  });

  it.each([
    [["--keep-format-encoding", "utf-8"], "--keep-format-encoding needs --keep-format"],
    [["--keep-format", "--keep-format-encoding", "latin1"], "unknown --keep-format-encoding latin1; use one of input, utf-8, utf-8-bom, cp932, utf-16le, utf-16be"],
    [["--format", "excel"], "unknown --format excel; use one of transcribe, transcribe-call-analytics, line-talk, line-oa-csv"],
  ])("exits 2 on %j", async (flags, message) => {
    // Prepare
    const input = eventPath("formats/line-oa.csv");

    // Act
    const { code, err } = await run(["anonymize", input, "--out", join(temp, "out"), ...flags]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(message);
    expect(await filesUnder(join(temp, "out"))).toEqual([]);
  });

  it("--format forces a format over detection", async () => {
    // Prepare
    const input = join(temp, "talk.txt");
    await writeFile(input, "[LINE] 鈴木とのトーク履歴\n\n2024/06/01(土)\n09:12\t鈴木 一郎\t携帯は090-4821-7365です\n");
    const out = join(temp, "out");

    // Act
    const detected = await run(["anonymize", input, "--out", join(out, "detected"), "--keep-format"]);
    const forced = await run(["anonymize", input, "--out", join(out, "forced"), "--format", "plain-text", "--keep-format"]);

    // Assess
    expect([detected.code, forced.code]).toEqual([0, 0]);
    const audit = async (dir: string) => AuditRecordSchema.parse(JSON.parse(await readFile(join(out, dir, "audit", "talk.txt.audit.json"), "utf8")));
    expect((await audit("detected")).format).toBe("line-talk");
    expect((await audit("forced")).format).toBe("plain-text");
    expect(await readFile(join(out, "detected", "keep-format", "talk.txt"), "utf8")).toBe(
      "[LINE] <PERSON_1>とのトーク履歴\n\n2024/06/01(土)\n09:12\tspeaker_1\t携帯は<PHONE_1>です\n",
    );
  });
});

describe("tokumei anonymize: pseudonymize", () => {
  it("exits 2 with a clear message when TOKUMEI_HMAC_KEY is not set, writing nothing", async () => {
    // Prepare
    const policy = join(temp, "pseudo.yaml");
    await writeFile(policy, "mode: pseudonymize\n");
    const out = join(temp, "out");

    // Act
    const { code, out: lines, err } = await run(["anonymize", eventPath("conversations/notes.txt"), "--out", out, "--policy", policy]);

    // Assess
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(err.join("\n")).toMatch(/^tokumei: .*TOKUMEI_HMAC_KEY/);
    expect(await filesUnder(out)).toEqual([]);
  });

  it("exits 2 on a short key without printing it", async () => {
    // Prepare
    const policy = join(temp, "pseudo.yaml");
    await writeFile(policy, "mode: pseudonymize\n");
    process.env["TOKUMEI_HMAC_KEY"] = "short-secret-42";

    // Act
    const { code, out, err } = await run(["anonymize", eventPath("conversations/notes.txt"), "--out", join(temp, "out"), "--policy", policy]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("too short");
    expect([...out, ...err].join("\n")).not.toContain("short-secret-42");
  });

  it("writes keyed tokens, records the mode, and never writes or prints the key", async () => {
    // Prepare
    const policy = join(temp, "pseudo.yaml");
    await writeFile(policy, "mode: pseudonymize\n");
    process.env["TOKUMEI_HMAC_KEY"] = HMAC_KEY;
    const out = join(temp, "out");

    // Act
    const { code, out: lines, err } = await run(["anonymize", eventPath("conversations/notes.txt"), "--out", out, "--policy", policy]);

    // Assess
    expect(code).toBe(0);
    const rows = await readFile(join(out, "anonymized", "notes.txt.jsonl"), "utf8");
    expect(rows).toMatch(/<EMAIL:[0-9a-f]{10}>/);
    expect(rows).toMatch(/<PHONE:[0-9a-f]{10}>/);
    expect(rows).not.toContain("06-6123-4567");
    const audit = AuditRecordSchema.parse(JSON.parse(await readFile(join(out, "audit", "notes.txt.audit.json"), "utf8")));
    expect(audit.mode).toBe("pseudonymize");
    const written = await Promise.all((await filesUnder(out)).map((f) => readFile(join(out, f), "utf8")));
    expect([...written, ...lines, ...err].join("\n")).not.toContain(HMAC_KEY);
  });

  it("gives the same value the same token in two runs with the same key", async () => {
    // Prepare
    const policy = join(temp, "pseudo.yaml");
    await writeFile(policy, "mode: pseudonymize\n");
    process.env["TOKUMEI_HMAC_KEY"] = HMAC_KEY;
    const input = join(temp, "in");
    await mkdir(input);
    await writeFile(join(input, "a.jsonl"), '{"text":"携帯は090-1234-5678です"}\n');
    await writeFile(join(input, "b.jsonl"), '{"text":"番号は09012345678です"}\n');

    // Act
    const { code } = await run(["anonymize", input, "--out", join(temp, "out"), "--policy", policy]);

    // Assess
    expect(code).toBe(0);
    const token = async (file: string) =>
      /<PHONE:[0-9a-f]{10}>/.exec(await readFile(join(temp, "out", "anonymized", `${file}.jsonl`), "utf8"))?.[0];
    const [a, b] = [await token("a.jsonl"), await token("b.jsonl")];
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });
});

describe("loadSecrets", () => {
  it.each([
    ["the default policy", "{}", {}],
    ["an hmac entity in mask mode", '{"entities": {"PHONE": {"operator": "hmac"}}}', { TOKUMEI_HMAC_KEY: HMAC_KEY }],
    ["an hmac default", '{"default": {"operator": "hmac"}}', { TOKUMEI_HMAC_KEY: HMAC_KEY }],
  ])("reads what %s needs", (_what, content, env) => {
    // Prepare
    const policy = parsePolicy(content);

    // Act
    const secrets = loadSecrets(policy, env);

    // Assess
    expect(secrets.hmacKey?.toString("utf8")).toBe((env as Record<string, string>)["TOKUMEI_HMAC_KEY"]);
  });

  it.each([
    ["pseudonymize mode", "mode: pseudonymize"],
    ["an hmac entity", '{"entities": {"EMAIL": {"operator": "hmac"}}}'],
  ])("refuses %s without a key", (_what, content) => {
    // Prepare
    const policy = parsePolicy(content);

    // Act
    const act = () => loadSecrets(policy, {});

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/TOKUMEI_HMAC_KEY/);
  });

  it("refuses a short key without quoting it", () => {
    // Prepare
    const policy = parsePolicy("mode: pseudonymize");
    const key = "tiny-key-31-chars-long-xxxxxxxx";

    // Act
    let message = "";
    try {
      loadSecrets(policy, { TOKUMEI_HMAC_KEY: key });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }

    // Assess
    expect(key).toHaveLength(31);
    expect(message).toContain("too short");
    expect(message).not.toContain(key);
  });
});
