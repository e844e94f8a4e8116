import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { DEFAULT_REPORT_DIR, runReport } from "../../cli/report-command.js";
import { RAW_DATA_WARNING } from "../../shared/report/render-report.js";
import { eventPath } from "../helpers/fixtures.js";

/** Runs `main` with captured output lines. */
async function run(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });
  return { code, out, err };
}

/** Values in the samples copied below (all invented), which must never reach stdout or stderr. */
const RAW_VALUES = ["小林美咲", "080-2468-1357", "岡田", "03-6789-0123", "yoshida@example.jp", "06-6123-4567"];

let temp: string;
let inputs: string;

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), "tokumei-report-"));
  inputs = join(temp, "in");
  await mkdir(join(inputs, "chat"), { recursive: true });
  await copyFile(eventPath("conversations/chatbot-log.jsonl"), join(inputs, "chat", "chatbot-log.jsonl"));
  await copyFile(eventPath("conversations/helpdesk-export.csv"), join(inputs, "chat", "helpdesk-export.csv"));
  await copyFile(eventPath("conversations/notes.txt"), join(inputs, "notes.txt"));
  await copyFile(eventPath("conversations/sales-call-diarized.json"), join(inputs, "sales-call.json"));
});

afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("tokumei report", () => {
  it("writes one HTML page for a folder and a file, private to its owner, and prints only counts and the path", async () => {
    // Arrange
    const out = join(temp, "review");

    // Act
    const { code, out: stdout, err } = await run(["report", join(inputs, "chat"), join(inputs, "notes.txt"), "--out", out]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toEqual([]);
    expect(err).toEqual([
      expect.stringMatching(/^reviewed 3 of 3 inputs: 5 conversations, 30 utterances, \d+ entities$/),
      `review report written to ${join(out, "report.html")}`,
      "it contains raw personal data: for authorised reviewers only; do not share it, delete it when the review is done",
    ]);
    expect(await readdir(out)).toEqual(["report.html"]);
    expect((await stat(join(out, "report.html"))).mode & 0o777).toBe(0o600);
    const html = await readFile(join(out, "report.html"), "utf8");
    // The entities printed are the ones highlighted: each once masked, once in the original.
    const entities = Number(/(\d+) entities$/.exec(err[0]!)![1]);
    expect(entities).toBeGreaterThanOrEqual(10);
    expect(html.match(/<mark class="pii t-/g)).toHaveLength(2 * entities);
    expect(html).toContain(RAW_DATA_WARNING);
    expect(html).toContain(`<code>${join(inputs, "chat")}/chatbot-log.jsonl</code>`);
    expect(html).toContain(`<code>${join(inputs, "chat")}/helpdesk-export.csv</code>`);
    expect(html).toContain(`<code>${join(inputs, "notes.txt")}</code>`);
    for (const value of RAW_VALUES.slice(0, 5)) expect(html).toContain(value);
  });

  it("never prints a raw value, also when inputs fail", async () => {
    // Arrange: a broken JSON file whose content holds a phone number.
    await writeFile(join(inputs, "chat", "broken.json"), '{"message": "電話は080-2468-1357", \n');

    // Act
    const { out: stdout, err } = await run(["report", inputs, "--out", join(temp, "review")]);

    // Assess
    const printed = [...stdout, ...err].join("\n");
    for (const value of RAW_VALUES) expect(printed, value).not.toContain(value);
  });

  it("lists an unreadable input in the report and on stderr, and exits 1", async () => {
    // Arrange
    await writeFile(join(inputs, "chat", "broken.json"), '{"message": "電話は080-2468-1357", \n');
    const out = join(temp, "review");

    // Act
    const { code, err } = await run(["report", join(inputs, "chat"), "--out", out]);

    // Assess
    expect(code).toBe(1);
    expect(err[0]).toMatch(new RegExp(`^not included ${join(inputs, "chat")}/broken\\.json: ${join(inputs, "chat")}/broken\\.json`));
    expect(err[1]).toMatch(/^reviewed 2 of 3 inputs: 4 conversations, 22 utterances, \d+ entities$/);
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain(`<tr class="failed"><td><code>${join(inputs, "chat")}/broken.json</code></td><td colspan="4">not included: InputFormatError: `);
    expect(html).not.toContain("電話は080-2468-1357");
  });

  it("applies --roles and --format to the inputs", async () => {
    // Arrange
    const out = join(temp, "review");

    // Act
    const { code } = await run(["report", join(inputs, "sales-call.json"), "--out", out, "--roles", "spk_0=agent,spk_1=customer", "--format", "transcribe"]);

    // Assess
    expect(code).toBe(0);
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain("transcribe · ");
    expect(html).toMatch(/<td>0:\d\d<\/td><td>agent<\/td><td class="masked"><span class="speaker">spk_0<\/span>/);
    expect(html).toMatch(/<td>\d:\d\d<\/td><td>customer<\/td><td class="masked"><span class="speaker">spk_1<\/span>/);
  });

  it("reviews a file named twice (directly and in its folder) once", async () => {
    // Act
    const { code, err } = await run(["report", inputs, join(inputs, "notes.txt"), "--out", join(temp, "review")]);

    // Assess
    expect(code).toBe(0);
    expect(err[0]).toMatch(/^reviewed 4 of 4 inputs: /);
  });

  it("replaces the previous report whole, leaving no temporary file", async () => {
    // Arrange
    const out = join(temp, "review");
    await run(["report", inputs, "--out", out]);

    // Act
    const { code } = await run(["report", join(inputs, "notes.txt"), "--out", out]);

    // Assess
    expect(code).toBe(0);
    expect(await readdir(out)).toEqual(["report.html"]);
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain("<dt>Inputs</dt><dd>1</dd>");
  });

  it(`writes to ./${DEFAULT_REPORT_DIR}/report.html without --out`, async () => {
    // Arrange
    const cwd = process.cwd();
    process.chdir(temp);

    // Act
    let code: number;
    try {
      code = await runReport({ inputs: [join(inputs, "notes.txt")] }, { out: () => undefined, err: () => undefined }, () => new Date("2026-11-05T00:00:00Z"));
    } finally {
      process.chdir(cwd);
    }

    // Assess
    expect(code).toBe(0);
    const html = await readFile(join(temp, "out", "review", "report.html"), "utf8");
    expect(html).toContain("<dt>Generated</dt><dd>2026-11-05T00:00:00.000Z</dd>");
  });

  it.each([
    ["no input", ["report"], "report needs at least one input file or folder"],
    ["--print", ["report", "x.txt", "--print"], "drop --print"],
    ["a missing input", ["report", "/nonexistent/tokumei/input"], "input not found: /nonexistent/tokumei/input"],
    ["an unknown format", ["report", "IN", "--format", "xml"], "unknown --format xml"],
    ["bad roles", ["report", "IN", "--roles", "spk_0=boss"], "--roles expects speaker=role pairs"],
  ])("exits 2 on %s, writing nothing", async (_what, argv, message) => {
    // Arrange
    const args = argv.map((a) => (a === "IN" ? inputs : a));
    const out = join(temp, "review");

    // Act
    const { code, out: stdout, err } = await run([...args, "--out", out]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(err.join("\n")).toContain(message);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it("exits 2 on a folder without supported files", async () => {
    // Arrange
    const empty = join(temp, "empty");
    await mkdir(empty);
    await writeFile(join(empty, "audio.wav"), "RIFF");

    // Act
    const { code, err } = await run(["report", empty, "--out", join(temp, "review")]);

    // Assess
    expect(code).toBe(2);
    expect(err.join("\n")).toContain(`no supported files (.json, .jsonl, .csv, .txt) under ${empty}`);
  });

  it("is in the usage text", async () => {
    // Act
    const { out } = await run(["--help"]);

    // Assess
    expect(out.join("\n")).toContain("tokumei report FILE|DIR... [--out DIR]");
  });
});
