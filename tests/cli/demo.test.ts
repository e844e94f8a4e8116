import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { writeParquet } from "../../shared/dataset/parquet-writer.js";
import { UTTERANCES } from "../../shared/dataset/schema.js";
import { AuditRecordSchema } from "../../shared/schema/audit.js";
import { type BinRun, ensureBuilt, runBin } from "../helpers/built-cli.js";
import { eventPath } from "../helpers/fixtures.js";

/**
 * `npm run demo` end to end: the built command (`node bin/tokumei.js demo`) runs in an empty working folder,
 * reads the samples of events/conversations from the package, writes ./out/demo, queries it with DuckDB and
 * prints the result. Every expected number below is counted from the sample files by hand (see SAMPLES).
 */

type Role = "agent" | "customer" | "user" | "assistant" | "teacher" | "student" | "(none)";

interface Sample {
  readonly source: "call" | "chat";
  readonly format: string;
  readonly encoding: string;
  readonly conversations: number;
  /** Utterances per role: Transcribe turns (spk_0/ch_0 = agent), chat messages, plain-text lines. */
  readonly roles: Partial<Record<Role, number>>;
  /** The personal data in the file: type, the surface as written there, how often it is said (each is masked). */
  readonly pii: ReadonlyArray<readonly [type: string, surface: string, times: number]>;
  /** Other raw values that must never surface: speaker names of sender columns, the digit groups of spoken numbers. */
  readonly alsoSecret: readonly string[];
}

const SAMPLES: Readonly<Record<string, Sample>> = {
  "chatbot-log.jsonl": {
    source: "chat",
    format: "chat-jsonl",
    encoding: "utf-8",
    conversations: 2,
    roles: { user: 6, assistant: 6 },
    pii: [
      ["PERSON", "小林美咲", 1],
      ["PHONE", "080-2468-1357", 1],
      ["POSTAL_CODE", "222-0033", 1],
      ["ADDRESS", "神奈川県横浜市港北区新横浜2丁目4-15 サンプルマンション302号室", 1],
      ["EMAIL", "h.tanaka.1985@example.com", 1],
    ],
    alsoSecret: ["guest-4821", "guest-5190", "サンプルマンション", "h.tanaka"],
  },
  "helpdesk-export.csv": {
    source: "chat",
    format: "chat-csv",
    encoding: "utf-8-bom",
    conversations: 2,
    roles: { customer: 5, agent: 5 },
    pii: [
      ["PERSON", "岡田直樹", 1],
      ["PHONE", "03-6789-0123", 1],
      ["POSTAL_CODE", "272-0034", 1],
      ["ADDRESS", "千葉県市川市市川1-2-3 ハイム市川201", 1],
      ["CREDIT_CARD", "4980 7123 4567 8904", 1],
    ],
    alsoSecret: ["岡田 直樹", "西村 由美", "サポート 森", "ハイム市川"],
  },
  "lesson-chat.json": {
    source: "chat",
    format: "chat-json",
    encoding: "utf-8",
    conversations: 1,
    roles: { teacher: 5, student: 5 },
    pii: [
      ["PERSON", "松本翔太", 1],
      ["PERSON", "Shota Matsumoto", 1],
      ["ORGANIZATION", "白樺学院高校", 1],
      ["ORGANIZATION", "Shirakaba Gakuin High School", 1],
      ["AGE", "17歳", 1],
      ["AGE", "seventeen years old", 1],
      ["URL", "shota_0923", 1],
    ],
    alsoSecret: ["松本 翔太", "Emily"],
  },
  "moving-call-spoken-numbers.json": {
    source: "call",
    format: "transcribe",
    encoding: "utf-8",
    conversations: 1,
    roles: { agent: 9, customer: 9 },
    pii: [
      ["ORGANIZATION", "ひかり電力", 1],
      ["PERSON", "加藤", 2],
      ["PERSON", "藤田健一", 1],
      ["PERSON", "藤田", 1],
      ["PHONE", "ゼロキューゼロの、えー、ヨンイチサンニの、ロクナナハチキュー", 1],
      ["PHONE", "ゼロキューゼロ、ヨンイチサンニ、ロクナナハチキュー", 1],
      ["PHONE", "〇三の、えー、六四一二の八八〇七", 1],
      ["PHONE", "〇三、六四一二、八八〇七", 1],
      ["DATE_OF_BIRTH", "昭和六十二年五月三日", 1],
      ["POSTAL_CODE", "一五四の〇〇九九", 1],
      ["ADDRESS", "東京都世田谷区みどり野三の五の十二、コーポ桜の二〇三号室", 2],
    ],
    alsoSecret: ["ヨンイチサンニ", "ロクナナハチキュー", "六四一二", "八八〇七", "〇〇九九", "みどり野", "三の五の十二", "コーポ桜"],
  },
  "notes.txt": {
    source: "chat",
    format: "plain-text",
    encoding: "utf-8",
    conversations: 1,
    roles: { "(none)": 8 },
    pii: [
      ["PERSON", "吉田", 2],
      ["ORGANIZATION", "北斗物産", 1],
      ["EMAIL", "yoshida@example.jp", 1],
      ["PHONE", "06-6123-4567", 1],
    ],
    // The speakers' names of the `山口：` prefixes become speaker_N.
    alsoSecret: ["佐々木：", "山口："],
  },
  "sales-call-diarized.json": {
    source: "call",
    format: "transcribe",
    encoding: "utf-8",
    conversations: 1,
    roles: { agent: 11, customer: 10 },
    pii: [
      ["ORGANIZATION", "ミナトシステムズ", 1],
      ["ORGANIZATION", "株式会社北斗物産", 1],
      ["PERSON", "山口", 1],
      ["PERSON", "佐々木", 2],
      ["PHONE", "〇九〇、えー、三八二七の一六五四", 1],
      ["PHONE", "〇九〇、三八二七、一六五四", 1],
      ["EMAIL", "sasakiアットマークexampleドットjp", 1],
    ],
    alsoSecret: ["三八二七", "一六五四", "sasaki"],
  },
  "support-call-stereo.json": {
    source: "call",
    format: "transcribe",
    encoding: "utf-8",
    conversations: 1,
    roles: { agent: 7, customer: 7 },
    pii: [
      ["ORGANIZATION", "ソラネット", 1],
      ["PERSON", "中村", 2],
      ["PERSON", "伊藤", 1],
      ["ACCOUNT_ID", "七三〇五二一八四", 1],
      ["POSTAL_CODE", "一六〇の〇〇二三", 1],
    ],
    alsoSecret: [],
  },
  "web-chat-export-sjis.csv": {
    source: "chat",
    format: "chat-csv",
    encoding: "cp932",
    conversations: 2,
    roles: { customer: 8, agent: 8 },
    pii: [
      ["PERSON", "中島咲良", 1],
      ["PERSON", "小川 大輔", 1],
      ["ACCOUNT_ID", "sakura.n0412", 1],
      ["IP_ADDRESS", "２０３．０．１１３．４５", 1],
      ["PHONE", "０８０－５５１２－３３７４", 1],
      ["DATE_OF_BIRTH", "1990年8月21日", 1],
      ["PASSPORT", "TK4829173", 1],
      ["CREDIT_CARD", "5412 7534 1287 6547", 1],
      ["EMAIL", "d.ogawa@example.jp", 1],
    ],
    alsoSecret: ["中島 咲良", "サポート 川村", "旅行デスク 今井"],
  },
};

/**
 * Personal data in the samples that the detector does not find yet (policy: the school of a participant is
 * ORGANIZATION, a city tied to a person is LOCATION; the agent's employer is ORGANIZATION, as ミナトシステムズ
 * in the sales call; the customer company of a meeting note is ORGANIZATION). The detector is not part of the
 * demo's work; these tests are expected to fail until it is fixed, and then must move to SAMPLES.
 */
const KNOWN_DETECTOR_GAPS: ReadonlyArray<readonly [file: string, type: string, surface: string]> = [
  ["lesson-chat.json", "LOCATION", "札幌"],
  ["lesson-chat.json", "LOCATION", "Sapporo"],
];

/** A surface and the forms it may take after normalisation: NFKC (full-width → ASCII), digits only. */
function forms(surface: string): string[] {
  const nfkc = surface.normalize("NFKC");
  const digits = nfkc.replace(/\D/g, "");
  return [...new Set([surface, nfkc, ...(digits.length >= 7 ? [digits] : [])])];
}

const FILES = Object.keys(SAMPLES).sort();
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

let temp: string;
let outDir: string;
let demo: BinRun;
/** Every output file's content as text (Parquet decoded to its rows), by path relative to out/demo. */
const outputs = new Map<string, string>();
let stalePartition: string;

/** The data rows of one printed table: the lines after the title's header and rule, up to a blank line. */
function printedTable(stdout: string, title: string): string[][] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(title));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 3)) {
    if (line.trim() === "") break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

beforeAll(async () => {
  ensureBuilt("cli/demo-command.js");
  temp = await mkdtemp(join(tmpdir(), "tokumei-demo-"));
  outDir = join(temp, "out", "demo");
  // A previous run's output, in a partition of another day: the rerun must clear it, or every count doubles.
  stalePartition = join(outDir, "datasets", "utterances", "dt=2000-01-01", "source=chat", "old.parquet");
  await mkdir(dirname(stalePartition), { recursive: true });
  await writeFile(join(outDir, ".tokumei-demo"), "");
  await writeFile(
    stalePartition,
    writeParquet(UTTERANCES, [
      { conversation_id: "old", utterance_index: 0, speaker: "speaker_1", role: "user", start_ms: null, end_ms: null, text: "old", entity_count: 0, entity_types: "[]", input_key: "old.jsonl", engine_version: "0.0.1" },
    ]),
  );

  demo = runBin(["demo"], { cwd: temp });

  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const relativePath = path.slice(outDir.length + 1).split("\\").join("/");
    const bytes = await readFile(path);
    if (entry.name.endsWith(".parquet")) {
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const rows = await parquetReadObjects({ file });
      outputs.set(relativePath, JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)));
    } else {
      outputs.set(relativePath, bytes.toString("utf8"));
    }
  }
}, 240_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("npm run demo: the whole main job", () => {
  it("exits 0 with nothing on stderr and says plainly that audio needs Amazon Transcribe", () => {
    // Assess
    expect(demo.stderr).toBe("");
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain("no AWS account and no network");
    expect(demo.stdout).toMatch(/audio +recordings need Amazon Transcribe \(ja-JP\), which runs only in AWS: this demo starts from\n +Transcribe's JSON output/);
    expect(demo.stdout).toContain("by processObject, the code the anonymize Lambda runs");
  });

  it("anonymizes every sample (3 call transcripts, 5 chat logs), one line each with format, encoding and counts", () => {
    // Prepare
    const expected = FILES.map((file, i) => {
      const s = SAMPLES[file]!;
      const utterances = sum(Object.values(s.roles));
      const entities = sum(s.pii.map(([, , times]) => times));
      const conversations = `${s.conversations} conversation${s.conversations === 1 ? "" : "s"}`;
      return `[${i + 1}/${FILES.length}] ${file} ${s.format} ${s.encoding} ${conversations}, ${utterances} utterances, ${entities} entities masked`;
    });

    // Act
    const printed = demo.stdout
      .split("\n")
      .filter((line) => /^ {2}\[\d+\/\d+\] /.test(line))
      .map((line) => line.trim().replace(/ +/g, " "));

    // Assess
    expect(printed).toEqual(expected);
  });

  it("writes the pipeline's Parquet datasets, JSONL rows and audit records for every sample, and clears the previous run", () => {
    // Prepare
    const files = [...outputs.keys()];

    // Assess
    expect(existsSync(stalePartition)).toBe(false);
    expect(files.filter((f) => !f.startsWith("datasets/")).sort()).toEqual(
      [".tokumei-demo", ...FILES.map((f) => `anonymized/${f}.jsonl`), ...FILES.map((f) => `audit/${f}.audit.json`)].sort(),
    );
    for (const file of FILES) {
      const { source } = SAMPLES[file]!;
      for (const table of ["utterances", "conversations"]) {
        const pattern = new RegExp(`^datasets/${table}/dt=\\d{4}-\\d{2}-\\d{2}/source=${source}/${file.replace(/\./g, "\\.")}-[0-9a-f]{16}\\.parquet$`);
        expect(files.filter((f) => pattern.test(f)), `${table} of ${file}`).toHaveLength(1);
      }
    }
    expect(files.filter((f) => f.startsWith("datasets/"))).toHaveLength(FILES.length * 2);
  });

  it.each(FILES)("audit record of %s: format, encoding, utterances and entities per type, as counted in the file", (file) => {
    // Prepare
    const sample = SAMPLES[file]!;
    const entities: Record<string, number> = {};
    for (const [type, , times] of sample.pii) entities[type] = (entities[type] ?? 0) + times;

    // Act
    const audit = AuditRecordSchema.parse(JSON.parse(outputs.get(`audit/${file}.audit.json`) ?? "null"));

    // Assess
    expect(audit).toMatchObject({
      inputKey: file,
      format: sample.format,
      encoding: sample.encoding,
      conversations: sample.conversations,
      utterances: sum(Object.values(sample.roles)),
      entities,
      mode: "mask",
    });
  });

  it("prints the DuckDB result: utterances per role, exact, summed over the samples", () => {
    // Prepare
    const counts = new Map<string, number>();
    for (const sample of Object.values(SAMPLES)) {
      for (const [role, n] of Object.entries(sample.roles)) counts.set(`${sample.source} ${role}`, (counts.get(`${sample.source} ${role}`) ?? 0) + n);
    }
    const expected = [...counts]
      .map(([key, n]) => [...key.split(" "), String(n)])
      .sort((a, b) => a[0]!.localeCompare(b[0]!) || Number(b[2]) - Number(a[2]) || (a[1]! < b[1]! ? -1 : 1));

    // Act
    const printed = printedTable(demo.stdout, "Utterances per role");

    // Assess
    expect(printed).toEqual(expected);
    expect(expected).toEqual([
      ["call", "agent", "27"],
      ["call", "customer", "26"],
      ["chat", "agent", "13"],
      ["chat", "customer", "13"],
      ["chat", "(none)", "8"],
      ["chat", "assistant", "6"],
      ["chat", "user", "6"],
      ["chat", "student", "5"],
      ["chat", "teacher", "5"],
    ]);
  });

  it("prints the DuckDB result: entities per type for calls, chats and in total, exact", () => {
    // Prepare
    const byType = new Map<string, { call: number; chat: number }>();
    for (const sample of Object.values(SAMPLES)) {
      for (const [type, , times] of sample.pii) {
        const row = byType.get(type) ?? { call: 0, chat: 0 };
        row[sample.source] += times;
        byType.set(type, row);
      }
    }
    const expected = [...byType]
      .map(([type, { call, chat }]) => [type, String(call), String(chat), String(call + chat)])
      .sort((a, b) => Number(b[3]) - Number(a[3]) || (a[0]! < b[0]! ? -1 : 1));

    // Act
    const printed = printedTable(demo.stdout, "Entities per type");

    // Assess
    expect(printed).toEqual(expected);
    expect(printed[0]).toEqual(["PERSON", "10", "8", "18"]);
    expect(printed).toHaveLength(13);
  });

  it("prints a sample of masked utterances, one per input, and a summary with the totals", () => {
    // Prepare
    const utterances = sum(Object.values(SAMPLES).map((s) => sum(Object.values(s.roles))));
    const entities = sum(Object.values(SAMPLES).flatMap((s) => s.pii.map(([, , times]) => times)));
    const conversations = sum(Object.values(SAMPLES).map((s) => s.conversations));

    // Act
    const sample = printedTable(demo.stdout, "A sample of masked utterances");

    // Assess
    expect(sample.map((row) => row[1])).toEqual(["moving-call-spoken-numbers.json", "sales-call-diarized.json", "support-call-stereo.json", "chatbot-log.jsonl", "helpdesk-export.csv", "lesson-chat.json", "notes.txt", "web-chat-export-sjis.csv"]);
    for (const row of sample) expect(row[3]).toMatch(/<[A-Z_]+_\d+>/);
    expect(demo.stdout).toMatch(
      new RegExp(`8 files anonymized \\(3 call transcripts, 5 chat logs\\), 0 quarantined, in \\d+\\.\\d s: ${conversations} conversations, ${utterances} utterances, ${entities} entities masked`),
    );
    expect([utterances, entities, conversations]).toEqual([109, 58, 11]);
    expect(demo.stdout).toContain("datasets  out/demo/datasets/{utterances,conversations}/dt=…/source=call|chat/*.parquet");
  });

  it("leaves its datasets ready for tokumei query (the next step it prints)", () => {
    // Prepare
    const next = /next +npx tokumei query "([^"]+)"/.exec(demo.stdout);
    expect(next).not.toBeNull();

    // Act
    const query = runBin(["query", next![1]!, "--json"], { cwd: temp });

    // Assess
    expect(query.status).toBe(0);
    const rows = query.stdout.trim().split("\n").map((line) => JSON.parse(line) as { source: string; role: string | null; n: number });
    expect(sum(rows.map((r) => r.n))).toBe(109);
    expect(rows.filter((r) => r.source === "call").map((r) => [r.role, r.n])).toEqual([
      ["agent", 27],
      ["customer", 26],
    ]);
  });
});

describe("npm run demo: no raw personal data of the inputs anywhere", () => {
  it.each(FILES)("%s: none of its planted values is in any output file or printed line", (file) => {
    // Prepare
    const sample = SAMPLES[file]!;
    const secrets = [...sample.pii.map(([, surface]) => surface), ...sample.alsoSecret].flatMap(forms);
    const places = [...outputs, ["stdout", demo.stdout], ["stderr", demo.stderr]] as const;

    // Act
    const found = secrets.flatMap((secret) => places.filter(([, text]) => text.includes(secret)).map(([where]) => `${secret} in ${where}`));

    // Assess
    expect(found).toEqual([]);
  });

  it("checks what it claims: each planted value is really in its input file", async () => {
    // Prepare
    const iconv = (await import("iconv-lite")).default;
    const missing: string[] = [];

    // Act
    for (const file of FILES) {
      const bytes = await readFile(eventPath(`conversations/${file}`));
      const text = SAMPLES[file]!.encoding === "cp932" ? iconv.decode(bytes, "cp932") : bytes.toString("utf8");
      const transcript = file.endsWith(".json") && SAMPLES[file]!.source === "call" ? (JSON.parse(text) as { results: { transcripts: Array<{ transcript: string }> } }).results.transcripts[0]!.transcript : text;
      for (const [, surface] of SAMPLES[file]!.pii) if (!transcript.includes(surface)) missing.push(`${file}: ${surface}`);
      for (const secret of SAMPLES[file]!.alsoSecret) if (!text.includes(secret) && !transcript.includes(secret)) missing.push(`${file}: ${secret}`);
    }

    // Assess
    expect(missing).toEqual([]);
  });

  it.fails.each(KNOWN_DETECTOR_GAPS)("known detector gap, %s: %s %s is masked", (file, _type, surface) => {
    // Prepare
    const anonymized = outputs.get(`anonymized/${file}.jsonl`) ?? "";

    // Assess
    expect(anonymized).not.toContain(surface);
  });
});

describe("tokumei demo: its output folder and bad inputs", () => {
  it("takes no input argument (exit 2, usage)", async () => {
    // Prepare
    const err: string[] = [];

    // Act
    const code = await main(["demo", "events/conversations"], { out: () => true, err: (s) => err.push(s) > 0 });

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("demo takes no input");
  });

  it("refuses a non-empty folder it did not write (exit 2) and leaves it untouched", async () => {
    // Prepare
    const foreign = join(temp, "foreign");
    await mkdir(join(foreign, "datasets"), { recursive: true });
    await writeFile(join(foreign, "datasets", "keep.txt"), "someone's file");

    // Act
    const err: string[] = [];
    const code = await main(["demo", "--out", foreign], { out: () => true, err: (s) => err.push(s) > 0 });

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(`${foreign} exists and was not written by tokumei demo`);
    expect(await readdir(foreign, { recursive: true })).toEqual(["datasets", join("datasets", "keep.txt")]);
  });

  it("quarantines a broken input, still queries the rest, and exits 1 without printing its content", async () => {
    // Prepare
    const events = join(temp, "events");
    await mkdir(events, { recursive: true });
    await writeFile(join(events, "good.jsonl"), '{"role":"user","text":"携帯は090-1234-5678です"}\n{"role":"assistant","text":"承知しました"}\n');
    await writeFile(join(events, "broken.json"), '{"messages": [{"text": "予備は080-9999-8888 と');
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await main(["demo", "--events", events, "--out", join(temp, "out-broken")], { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([]);
    const printed = out.join("\n");
    expect(printed).toMatch(/\[1\/2\] broken\.json +quarantined: broken\.json, line 1.*/);
    expect(printed).toMatch(/1 file anonymized \(0 call transcripts, 1 chat log\), 1 quarantined/);
    expect(printed).toContain("quarantine/broken.json.json");
    expect(printedTable(printed, "Utterances per role")).toEqual([
      ["chat", "assistant", "1"],
      ["chat", "user", "1"],
    ]);
    expect(printedTable(printed, "Entities per type")).toEqual([["PHONE", "0", "1", "1"]]);
    for (const raw of ["090-1234-5678", "080-9999-8888", "予備"]) expect(printed).not.toContain(raw);
  });

  it("says there is nothing to query when every input is quarantined (exit 1, no DuckDB error)", async () => {
    // Prepare
    const events = join(temp, "events-broken-only");
    await mkdir(events, { recursive: true });
    await writeFile(join(events, "broken.jsonl"), '{"text": "途中で');
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await main(["demo", "--events", events, "--out", join(temp, "out-broken-only")], { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([]);
    expect(out).toContain("Nothing to query: every input was quarantined");
    expect(out.join("\n")).toMatch(/0 files anonymized \(0 call transcripts, 0 chat logs\), 1 quarantined/);
    expect(out.join("\n")).not.toContain("Utterances per role");
  });
});
