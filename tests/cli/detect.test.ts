import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";

/**
 * `tokumei detect` writes its JSONL to process.stdout, so it runs here as the published command
 * (`node bin/tokumei.js`), built once if `dist/` is missing.
 */

const BIN = join(repoRoot, "bin", "tokumei.js");

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function tokumei(args: readonly string[], stdin?: string): Run {
  const env = { ...process.env };
  delete env["TOKUMEI_HMAC_KEY"];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: repoRoot, encoding: "utf8", input: stdin ?? "", env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface OutputLine {
  id: string | number;
  masked: string;
  entities: Array<{ start: number; end: number; type: string; score: number }>;
}

function outputLines(stdout: string): OutputLine[] {
  expect(stdout.endsWith("\n")).toBe(true);
  return stdout
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as OutputLine);
}

/** The input lines of the contract test, in file order. Blank lines in between are not records. */
const RECORDS = [
  { id: "u-1", text: "𠮷田です。携帯は090-1234-5678です" },
  { id: 2, text: "月額9,800円でご案内します", channel: "chat" },
  { id: "u-3", text: "メールは taro@example.jp です" },
  { id: 40, text: "来週の火曜日14時にお伺いします" },
  { id: "u-5", text: "カード番号は4111 1111 1111 1111" },
  { id: "u-6", text: "" },
];

let temp: string;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, "dist", "cli", "main.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "ignore" });
  }
  temp = await mkdtemp(join(tmpdir(), "tokumei-detect-"));
}, 180_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("tokumei detect: the JSONL contract", () => {
  it("writes one line per input record, in order, with the same ids (numbers stay numbers)", async () => {
    // Prepare
    const file = join(temp, "contract.jsonl");
    const lines = RECORDS.map((r) => JSON.stringify(r));
    await writeFile(file, `${lines[0]}\n\n${lines.slice(1, 3).join("\r\n")}\n   \n${lines.slice(3).join("\n")}\n\n`);

    // Act
    const { status, stdout, stderr } = tokumei(["detect", file]);

    // Assess
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const out = outputLines(stdout);
    expect(out.map((o) => o.id)).toEqual(["u-1", 2, "u-3", 40, "u-5", "u-6"]);
    for (const o of out) expect(Object.keys(o).sort()).toEqual(["entities", "id", "masked"]);
  });

  it("reports entities with start, end, type and score, in UTF-16 offsets of the input text", async () => {
    // Prepare
    const file = join(temp, "offsets.jsonl");
    await writeFile(file, `${RECORDS.map((r) => JSON.stringify(r)).join("\n")}\n`);

    // Act
    const { status, stdout } = tokumei(["detect", file]);

    // Assess
    expect(status).toBe(0);
    const out = outputLines(stdout);
    expect(out.map((o, i) => o.entities.map((e) => [e.type, RECORDS[i]!.text.slice(e.start, e.end)]))).toEqual([
      [
        ["PERSON", "𠮷田"],
        ["PHONE", "090-1234-5678"],
      ],
      [],
      [["EMAIL", "taro@example.jp"]],
      [],
      [["CREDIT_CARD", "4111 1111 1111 1111"]],
      [],
    ]);
    expect(out[0]?.entities[1]).toMatchObject({ start: 9, end: 22, type: "PHONE" });
    for (const e of out.flatMap((o) => o.entities)) {
      expect(Object.keys(e).sort()).toEqual(["end", "score", "start", "type"]);
      expect(e.score).toBeGreaterThan(0);
      expect(e.score).toBeLessThanOrEqual(1);
    }
  });

  it("masks each line with its own placeholder numbering and leaves non-PII lines as they are", async () => {
    // Prepare
    const file = join(temp, "masked.jsonl");
    await writeFile(file, `${RECORDS.map((r) => JSON.stringify(r)).join("\n")}\n`);

    // Act
    const { stdout } = tokumei(["detect", file]);

    // Assess
    expect(outputLines(stdout).map((o) => o.masked)).toEqual([
      "<PERSON_1>です。携帯は<PHONE_1>です",
      "月額9,800円でご案内します",
      "メールは <EMAIL_1> です",
      "来週の火曜日14時にお伺いします",
      "カード番号は<CREDIT_CARD_1>",
      "",
    ]);
  });

  it("reads stdin for -", () => {
    // Prepare
    const input = `${JSON.stringify({ id: 1, text: "携帯は090-1234-5678です" })}\n`;

    // Act
    const { status, stdout } = tokumei(["detect", "-"], input);

    // Assess
    expect(status).toBe(0);
    expect(outputLines(stdout)).toEqual([
      { id: 1, masked: "携帯は<PHONE_1>です", entities: [{ start: 3, end: 16, type: "PHONE", score: expect.any(Number) }] },
    ]);
  });

  it("writes nothing for an empty file", async () => {
    // Prepare
    const file = join(temp, "empty.jsonl");
    await writeFile(file, "\n\n");

    // Act
    const { status, stdout } = tokumei(["detect", file]);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toBe("");
  });
});

describe("tokumei detect: bad input", () => {
  it.each([
    ["broken JSON", '{"id": "x", "text": "予備は080-9999-8888"', "not a JSON object"],
    ["a missing text", '{"id": "x", "body": "予備は080-9999-8888"}', "text"],
    ["an id that is neither string nor number", '{"id": ["080-9999-8888"], "text": "予備"}', "id"],
    ["a JSON array", '["予備は080-9999-8888"]', "line 3"],
  ])("exits 1 on %s, naming the line, quoting nothing, writing nothing", async (_what, badLine, problem) => {
    // Prepare
    const file = join(temp, "bad.jsonl");
    await writeFile(file, `${JSON.stringify({ id: 1, text: "携帯は090-1234-5678です" })}\n\n${badLine}\n${JSON.stringify({ id: 4, text: "ok" })}\n`);

    // Act
    const { status, stdout, stderr } = tokumei(["detect", file]);

    // Assess
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/line 3\b/);
    expect(stderr).toContain(problem);
    for (const value of ["080-9999-8888", "予備", "090-1234-5678"]) expect(stderr).not.toContain(value);
  });

  it("exits 2 when the file does not exist", () => {
    // Prepare
    const file = join(temp, "missing.jsonl");

    // Act
    const { status, stdout, stderr } = tokumei(["detect", file]);

    // Assess
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("ENOENT");
  });
});
