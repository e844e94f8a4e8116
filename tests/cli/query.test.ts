import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDatasetFiles } from "../../cli/local-datasets.js";
import { main } from "../../cli/main.js";
import { datasetKey } from "../../shared/dataset/keys.js";
import { writeParquet } from "../../shared/dataset/parquet-writer.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";
import { ensureBuilt, runBin } from "../helpers/built-cli.js";

/**
 * `tokumei query` over a dataset folder written here with the pipeline's own Parquet writer and key layout:
 * two calls on 2026-11-01 and a chat on 2026-11-02, plus files that are not part of the datasets and must be
 * ignored (a temporary `.partial` file, a hidden `_` file that is not even Parquet, a file outside the Hive
 * layout).
 */

async function run(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });
  return { code, out, err };
}

function utterance(inputKey: string, conversationId: string, index: number, role: string | null, text: string, entityTypes: string[] = []) {
  return {
    conversation_id: conversationId,
    utterance_index: index,
    speaker: role === "agent" ? "spk_0" : "spk_1",
    role,
    start_ms: null,
    end_ms: null,
    text,
    entity_count: entityTypes.length,
    entity_types: JSON.stringify(entityTypes.map((type) => ({ type, start: 0, end: 1 }))),
    input_key: inputKey,
    engine_version: "0.1.0",
  };
}

function conversation(inputKey: string, conversationId: string, utterances: number, format: string) {
  return {
    conversation_id: conversationId,
    format,
    utterance_count: utterances,
    speaker_count: 2,
    duration_ms: format === "transcribe" ? 61_000 : null,
    entity_counts: "{}",
    input_key: inputKey,
    policy_hash: "sha256:test",
    engine_version: "0.1.0",
    processed_at: new Date("2026-11-01T03:00:00Z"),
  };
}

/** input key → partition, utterance rows, conversation rows */
const INPUTS = [
  {
    inputKey: "transcripts/call-a.json",
    dt: "2026-11-01",
    source: "call" as const,
    utterances: [
      utterance("transcripts/call-a.json", "call-a", 0, "agent", "お電話ありがとうございます。"),
      utterance("transcripts/call-a.json", "call-a", 1, "customer", "電話番号は<PHONE_1>です。", ["PHONE"]),
      utterance("transcripts/call-a.json", "call-a", 2, "agent", "<PHONE_1>ですね。", ["PHONE"]),
    ],
    conversations: [conversation("transcripts/call-a.json", "call-a", 3, "transcribe")],
  },
  {
    inputKey: "transcripts/call-b.json",
    dt: "2026-11-01",
    source: "call" as const,
    utterances: [utterance("transcripts/call-b.json", "call-b", 0, "agent", "<PERSON_1>でございます。", ["PERSON"])],
    conversations: [conversation("transcripts/call-b.json", "call-b", 1, "transcribe")],
  },
  {
    inputKey: "incoming/chat/bot.jsonl",
    dt: "2026-11-02",
    source: "chat" as const,
    utterances: [
      utterance("incoming/chat/bot.jsonl", "bot-1", 0, "user", "<EMAIL_1> です", ["EMAIL"]),
      utterance("incoming/chat/bot.jsonl", "bot-1", 1, null, "再設定用のリンクを送信しました。"),
    ],
    conversations: [conversation("incoming/chat/bot.jsonl", "bot-1", 2, "chat-jsonl")],
  },
];

let temp: string;
let out: string;

async function put(key: string, body: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(out, key)), { recursive: true });
  await writeFile(join(out, key), body);
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "tokumei-query-"));
  out = join(temp, "out");
  for (const input of INPUTS) {
    const parts = { dt: input.dt, source: input.source, inputKey: input.inputKey };
    await put(datasetKey(UTTERANCES, parts), writeParquet(UTTERANCES, input.utterances));
    await put(datasetKey(CONVERSATIONS, parts), writeParquet(CONVERSATIONS, input.conversations));
  }
  // Not datasets: DuckDB would fail on any of them if it read them.
  await put("datasets/utterances/dt=2026-11-02/source=chat/bot.parquet.4242.partial", "half a file");
  await put("datasets/utterances/dt=2026-11-02/source=chat/_temporary.parquet", "not parquet");
  await put("datasets/utterances/stray.parquet", "not in a partition");
  await mkdir(join(temp, "empty", "datasets"), { recursive: true });
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("listDatasetFiles", () => {
  it("lists only the Hive-partitioned Parquet files of each table", async () => {
    // Prepare
    const folder = out;

    // Act
    const files = await listDatasetFiles(folder);

    // Assess
    expect(files.utterances.map((f) => f.slice(out.length + 1).split("\\").join("/"))).toEqual([
      expect.stringMatching(/^datasets\/utterances\/dt=2026-11-01\/source=call\/transcripts__call-a\.json-[0-9a-f]{16}\.parquet$/),
      expect.stringMatching(/^datasets\/utterances\/dt=2026-11-01\/source=call\/transcripts__call-b\.json-[0-9a-f]{16}\.parquet$/),
      expect.stringMatching(/^datasets\/utterances\/dt=2026-11-02\/source=chat\/incoming__chat__bot\.jsonl-[0-9a-f]{16}\.parquet$/),
    ]);
    expect(files.conversations).toHaveLength(3);
  });
});

describe("tokumei query: views named and typed like the Glue tables", () => {
  it.each([
    ["utterances", UTTERANCES],
    ["conversations", CONVERSATIONS],
  ] as const)("%s has the schema's columns in order, then dt and source as VARCHAR (Glue string)", async (view, table) => {
    // Prepare
    const sql = `SELECT column_name, column_type FROM (DESCRIBE ${view})`;

    // Act
    const { code, out: lines, err } = await run(["query", sql, "--out", out, "--json"]);

    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const columns = lines.map((line) => JSON.parse(line) as { column_name: string; column_type: string });
    expect(columns.map((c) => c.column_name)).toEqual([...table.columns.map((c) => c.name), "dt", "source"]);
    expect(columns.slice(-2)).toEqual([
      { column_name: "dt", column_type: "VARCHAR" },
      { column_name: "source", column_type: "VARCHAR" },
    ]);
  });

  it("takes dt and source from the Hive paths", async () => {
    // Prepare
    const sql = "SELECT dt, source, count(*) AS utterances, sum(entity_count) AS entities FROM utterances GROUP BY ALL ORDER BY ALL";

    // Act
    const { code, out: lines } = await run(["query", sql, "--out", out, "--json"]);

    // Assess
    expect(code).toBe(0);
    expect(lines).toEqual([
      '{"dt":"2026-11-01","source":"call","utterances":4,"entities":3}',
      '{"dt":"2026-11-02","source":"chat","utterances":2,"entities":1}',
    ]);
  });

  it("joins the two views and filters on a partition like Athena", async () => {
    // Prepare
    const sql = `SELECT c.conversation_id, c.format, c.duration_ms, count(u.text) AS rows_read
FROM conversations c JOIN utterances u USING (conversation_id, dt, source)
WHERE dt = '2026-11-01' GROUP BY ALL ORDER BY 1`;

    // Act
    const { code, out: lines } = await run(["query", sql, "--out", out, "--json"]);

    // Assess
    expect(code).toBe(0);
    expect(lines).toEqual([
      '{"conversation_id":"call-a","format":"transcribe","duration_ms":61000,"rows_read":3}',
      '{"conversation_id":"call-b","format":"transcribe","duration_ms":61000,"rows_read":1}',
    ]);
  });
});

describe("tokumei query: output", () => {
  it("prints an aligned table (Japanese text is two columns wide, numbers right-aligned, NULL shown)", async () => {
    // Prepare
    const sql = "SELECT utterance_index AS i, role, text FROM utterances WHERE source = 'chat' ORDER BY i";

    // Act
    const { code, out: lines, err } = await run(["query", sql, "--out", out]);

    // Assess
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(lines).toEqual([
      "i  role  text",
      "-  ----  --------------------------------",
      "0  user  <EMAIL_1> です",
      "1  NULL  再設定用のリンクを送信しました。",
      "(2 rows)",
    ]);
  });

  it("cuts the table at --max-rows and says how many rows there are", async () => {
    // Prepare
    const sql = "SELECT conversation_id FROM utterances ORDER BY conversation_id, utterance_index";

    // Act
    const { code, out: lines } = await run(["query", sql, "--out", out, "--max-rows", "2"]);

    // Assess
    expect(code).toBe(0);
    expect(lines).toEqual(["conversation_id", "---------------", "bot-1", "bot-1", "(6 rows, 2 shown; --max-rows 0 shows all, --json prints every row in full)"]);
  });

  it("prints JSON lines with counts as numbers, timestamps as text and nested values as JSON", async () => {
    // Prepare
    const sql = "SELECT count(*) AS n, max(processed_at) AS latest, list(conversation_id ORDER BY conversation_id) AS ids FROM conversations";

    // Act
    const { code, out: lines } = await run(["query", sql, "--out", out, "--json"]);

    // Assess
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ n: 3, latest: expect.stringMatching(/^2026-11-01 03:00:00/), ids: ["bot-1", "call-a", "call-b"] });
  });

  it("answers statements without rows with OK or the number of changed rows", async () => {
    // Prepare
    const create = "CREATE TABLE t AS SELECT 1 AS a";
    const insert = "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)";

    // Act
    const created = await run(["query", create, "--out", out]);
    const inserted = await run(["query", insert, "--out", out]);

    // Assess
    expect(created).toMatchObject({ code: 0, out: ["OK"] });
    expect(inserted).toMatchObject({ code: 0, out: ["2 rows changed"] });
  });
});

describe("tokumei query: errors", () => {
  it("exits 2 when the folder has no datasets, naming it and how to make some", async () => {
    // Prepare
    const missing = join(temp, "nothing-here");

    // Act
    const { code, out: lines, err } = await run(["query", "SELECT 1", "--out", missing]);

    // Assess
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(err.join("\n")).toContain(`no datasets under ${join(missing, "datasets")}`);
    expect(err.join("\n")).toContain("npm run demo");
  });

  it("exits 2 for a datasets folder without Parquet files", async () => {
    // Prepare
    const empty = join(temp, "empty");

    // Act
    const { code, err } = await run(["query", "SELECT 1", "--out", empty]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("no datasets under");
  });

  it.each([
    ["a syntax error", "SELEC count(*) FROM utterances", "Parser Error"],
    ["an unknown table", "SELECT * FROM calls", "Catalog Error: Table with name calls does not exist"],
    ["an unknown column", "SELECT speaker_name FROM utterances", 'Binder Error: Referenced column "speaker_name" not found'],
  ])("exits 1 on %s with DuckDB's message and the views there are", async (_what, sql, message) => {
    // Prepare
    const args = ["query", sql, "--out", out];

    // Act
    const { code, out: lines, err } = await run(args);

    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual([]);
    expect(err[0]).toMatch(/^tokumei query: /);
    expect(err.join("\n")).toContain(message);
    expect(err.at(-1)).toBe(`views: utterances, conversations (over ${out}/datasets)`);
  });

  it.each([
    ["no SQL", ["query"], "exactly one SQL string"],
    ["two SQL strings", ["query", "SELECT 1", "SELECT 2"], "exactly one SQL string"],
    ["blank SQL", ["query", "   "], "the SQL is empty"],
    ["a bad --max-rows", ["query", "SELECT 1", "--max-rows", "ten"], "--max-rows must be a whole number"],
    ["a negative --max-rows", ["query", "SELECT 1", "--max-rows", "-1"], "--max-rows"],
  ])("exits 2 on %s", async (_what, argv, message) => {
    // Prepare
    const args = [...argv, "--out", out];

    // Act
    const { code, err } = await run(args);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(message);
  });
});

describe("tokumei query: the built command (bin/tokumei.js → dist/)", () => {
  beforeAll(() => ensureBuilt("cli/query-command.js"), 180_000);

  it("runs a query, reads the SQL from stdin with -, and exits 1 on bad SQL", () => {
    // Prepare
    const sql = "SELECT source, count(*) AS n FROM utterances GROUP BY ALL ORDER BY ALL";

    // Act
    const direct = runBin(["query", sql, "--out", out, "--json"]);
    const fromStdin = runBin(["query", "-", "--out", out, "--json"], { stdin: sql });
    const bad = runBin(["query", "SELEC 1", "--out", out]);

    // Assess
    expect(direct).toMatchObject({ status: 0, stdout: '{"source":"call","n":4}\n{"source":"chat","n":2}\n', stderr: "" });
    expect(fromStdin).toMatchObject({ status: 0, stdout: direct.stdout });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Parser Error");
  });
});
