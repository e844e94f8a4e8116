/**
 * Evaluation harness CLI: runs a detector over labelled sets and prints recall, precision,
 * over-masking, verbatim leaks and the targets (12 shaped types, NER types, overall precision,
 * chit-chat over-masking; see README.md).
 *
 *   node --import tsx tests/eval/run-eval.ts [--set PATH]... [--detector "CMD"] [--show-errors] [--strict] [--json FILE]
 *
 * The detector is any command honouring the detector JSONL contract (shared design.md, "Contracts"):
 * it gets an input JSONL path as its last argument and writes one `{"id","masked","entities"}` line
 * per input line to stdout. Nothing here imports shared/ or cli/: the judge must not reuse the
 * detector's logic. Output never contains text or surfaces, except the error context that
 * --show-errors prints on request.
 *
 * Exit codes: 0 done (targets may have failed), 1 --strict and a target not passed,
 * 2 usage error, bad labelled set, detector failure or detector contract violation.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { expandSetPaths, isPiiType, loadLabelledSets, splitsSurrogatePair } from "./devset.js";
import type { LabelledItem } from "./devset.js";
import {
  CHITCHAT_ROW,
  OVERALL_ROW,
  POOLED_ROW,
  allTargetsPass,
  checkTargets,
  evaluate,
  targetComparison,
} from "./metrics.js";
import type { EvalReport, GroupFigures, Ratio, ScoredItem, Span, TargetRow } from "./metrics.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEFAULT_SET = join(REPO_ROOT, "tests", "devset");
/** Shown in --help; the real default uses an absolute path so the harness works from any cwd. */
const DEFAULT_DETECTOR_LABEL = "node bin/tokumei.js detect";
// Detector output for a few thousand utterances is a few MB; this only guards against runaway output.
const MAX_DETECTOR_OUTPUT = 256 * 1024 * 1024;
const MAX_PROBLEMS_SHOWN = 20;

/** Quotes a string for /bin/sh. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The detector's answer for one line, after validation. */
export interface DetectorLine {
  readonly id: string;
  readonly masked: string;
  readonly entities: readonly Span[];
}

/** The detector broke the JSONL contract; `problems` name line numbers and ids, never text. */
export class DetectorContractError extends Error {
  override readonly name = "DetectorContractError";
  constructor(readonly problems: readonly string[]) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  - ${p}`);
    if (problems.length > MAX_PROBLEMS_SHOWN) shown.push(`  … and ${problems.length - MAX_PROBLEMS_SHOWN} more`);
    super(`detector output violates the JSONL contract (${problems.length} problem(s)):\n${shown.join("\n")}`);
  }
}

/** The detector command failed to run or exited non-zero. */
export class DetectorRunError extends Error {
  override readonly name = "DetectorRunError";
}

const DetectorLineSchema = z.object({
  id: z.string(),
  masked: z.string(),
  entities: z.array(
    z.object({
      start: z.number().int().nonnegative(),
      end: z.number().int().nonnegative(),
      type: z.string(),
      score: z.number().min(0).max(1),
    }),
  ),
});

/**
 * Checks detector stdout against the contract for the given inputs: one JSON line per input, same
 * order, same id, offsets integer, start < end ≤ text length, not cutting a surrogate pair,
 * known types, no overlaps. Throws {@link DetectorContractError} listing every problem.
 */
export function validateDetectorOutput(
  stdout: string,
  inputs: readonly { readonly id: string; readonly text: string }[],
): DetectorLine[] {
  const lines = stdout.split(/\r?\n/);
  // A final newline (or a few) is normal; blank lines elsewhere are not.
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  const problems: string[] = [];
  if (lines.length !== inputs.length) {
    problems.push(`expected ${inputs.length} output line(s), got ${lines.length}`);
  }
  const out: DetectorLine[] = [];
  const n = Math.min(lines.length, inputs.length);
  for (let k = 0; k < n; k++) {
    const input = inputs[k];
    const raw = lines[k];
    if (input === undefined || raw === undefined) break;
    const where = `output line ${k + 1} (expected id ${JSON.stringify(input.id)})`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problems.push(`${where}: not valid JSON`);
      continue;
    }
    const parsed = DetectorLineSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(line)"}: ${i.message}`).join("; ");
      problems.push(`${where}: ${issues}`);
      continue;
    }
    const row = parsed.data;
    const before = problems.length;
    if (row.id !== input.id) problems.push(`${where}: id is ${JSON.stringify(row.id)} (order or id changed)`);
    const sorted = [...row.entities].sort((a, b) => a.start - b.start || a.end - b.end);
    for (const [j, e] of row.entities.entries()) {
      if (!isPiiType(e.type)) {
        const shown = /^[A-Z][A-Z_]{0,39}$/.test(e.type) ? JSON.stringify(e.type) : "(not a type name)";
        problems.push(`${where}: entities.${j}: unknown type ${shown}`);
      }
      if (e.start >= e.end) problems.push(`${where}: entities.${j}: start ${e.start} is not before end ${e.end}`);
      if (e.end > input.text.length) {
        problems.push(`${where}: entities.${j}: end ${e.end} is past the text length ${input.text.length}`);
      }
      if (splitsSurrogatePair(input.text, e.start) || splitsSurrogatePair(input.text, e.end)) {
        problems.push(`${where}: entities.${j}: offset cuts a surrogate pair (code-point offsets instead of UTF-16?)`);
      }
    }
    for (let j = 1; j < sorted.length; j++) {
      const prev = sorted[j - 1];
      const cur = sorted[j];
      if (prev !== undefined && cur !== undefined && cur.start < prev.end) {
        problems.push(`${where}: entities overlap ([${prev.start},${prev.end}) and [${cur.start},${cur.end}))`);
      }
    }
    if (problems.length === before) {
      out.push({ id: row.id, masked: row.masked, entities: sorted.map(({ start, end, type }) => ({ start, end, type })) });
    }
  }
  if (problems.length > 0) throw new DetectorContractError(problems);
  return out;
}

/**
 * Writes the stripped inputs to a temp JSONL, runs `command` with its path as last argument
 * (through /bin/sh, so the command may carry its own arguments), and returns stdout.
 * The temp directory is removed afterwards: it holds (invented) PII text.
 */
export function runDetector(command: string, items: readonly LabelledItem[], cwd: string): string {
  const dir = mkdtempSync(join(tmpdir(), "tokumei-eval-"));
  try {
    const file = join(dir, "input.jsonl");
    writeFileSync(file, items.map((i) => JSON.stringify({ id: i.id, text: i.text })).join("\n") + "\n", "utf8");
    const result = spawnSync("/bin/sh", ["-c", `${command} "$1"`, "sh", file], {
      cwd,
      encoding: "utf8",
      maxBuffer: MAX_DETECTOR_OUTPUT,
      // Detector diagnostics go straight to our stderr; stdout is the contract.
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (result.error !== undefined) throw new DetectorRunError(`could not run detector: ${result.error.message}`);
    if (result.status !== 0) {
      const how = result.signal !== null ? `killed by ${result.signal}` : `exited with code ${String(result.status)}`;
      throw new DetectorRunError(`detector ${how}: ${command}`);
    }
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

/** Terminal width of a string: East Asian wide characters take two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000
      ? 2
      : 1;
  }
  return w;
}

/**
 * Renders rows as an aligned text table. `leftColumns` columns from the left are left-aligned
 * (labels), the rest right-aligned (figures).
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = headers.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))));
  const pad = (cell: string, c: number): string => {
    const fill = " ".repeat(Math.max(0, (widths[c] ?? 0) - displayWidth(cell)));
    return c < leftColumns ? cell + fill : fill + cell;
  };
  const line = (cells: readonly string[]): string => headers.map((_, c) => pad(cells[c] ?? "", c)).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** "0.950 (19/20)", or "—" when there is nothing to divide. */
function fmtRatio(r: Ratio): string {
  return r.value === null ? "—" : `${r.value.toFixed(3)} (${r.num}/${r.den})`;
}

/** Over-masking is small; four decimals keep it readable. */
function fmtShare(r: Ratio): string {
  return r.value === null ? "—" : `${r.value.toFixed(4)} (${r.num}/${r.den})`;
}

/** "= 1.00", "≥ 0.95", "≤ 0.005": at least two decimals, more when the target has them. */
export function fmtTarget(row: TargetRow): string {
  if (row.target === null) return "—";
  const decimals = String(row.target).split(".")[1]?.length ?? 0;
  return `${targetComparison(row)} ${row.target.toFixed(Math.max(2, decimals))}`;
}

function groupRow(label: string, f: GroupFigures): string[] {
  return [
    label,
    String(f.utterances),
    String(f.utterancesWithoutPii),
    String(f.gold),
    String(f.predicted),
    fmtRatio(f.recall),
    fmtRatio(f.typedRecall),
    fmtRatio(f.spanPrecision),
    fmtRatio(f.strictPrecision),
    fmtShare(f.overMasked),
    String(f.falsePositivesOnPiiFree),
    String(f.leaks),
  ];
}

/** A window around [start, end) with the span in [[ ]], newlines shown as ⏎. */
function context(text: string, start: number, end: number, radius = 15): string {
  let a = Math.max(0, start - radius);
  let b = Math.min(text.length, end + radius);
  if (splitsSurrogatePair(text, a)) a--;
  if (splitsSurrogatePair(text, b)) b++;
  const s = `${a > 0 ? "…" : ""}${text.slice(a, start)}[[${text.slice(start, end)}]]${text.slice(end, b)}${b < text.length ? "…" : ""}`;
  return s.replace(/\r?\n/g, "⏎");
}

/** A path relative to `cwd` when it lies below it, else absolute. */
function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

/** Options affecting what the printed report includes. */
export interface PrintOptions {
  readonly sets: readonly string[];
  readonly detector: string;
  readonly showErrors: boolean;
}

/** Builds the human-readable report. Without `showErrors` it holds only ids, types and figures. */
export function formatReport(
  report: EvalReport,
  targets: readonly TargetRow[],
  items: readonly LabelledItem[],
  opts: PrintOptions,
): string {
  const out: string[] = [];
  const o = report.overall;
  out.push("tokumei detector evaluation");
  out.push(`sets: ${opts.sets.join(", ")}`);
  out.push(`detector: ${opts.detector}`);
  out.push("");
  out.push(
    `utterances ${o.utterances}, without PII ${o.utterancesWithoutPii}, gold entities ${o.gold}, ` +
      `predicted spans ${o.predicted}, false positives on PII-free utterances ${o.falsePositivesOnPiiFree}`,
  );
  out.push(
    `recall ${fmtRatio(o.recall)}  typed recall ${fmtRatio(o.typedRecall)}  span precision ${fmtRatio(o.spanPrecision)}  ` +
      `strict precision ${fmtRatio(o.strictPrecision)}`,
  );
  out.push(`over-masked share ${fmtShare(o.overMasked)}  verbatim leaks ${o.leaks}`);

  out.push("", "Per type (recall columns by gold type, precision columns by predicted type)");
  const typeRows = report.perType.map((t) => [
    t.type,
    String(t.gold),
    String(t.predicted),
    fmtRatio(t.recall),
    fmtRatio(t.typedRecall),
    fmtRatio(t.spanPrecision),
    fmtRatio(t.strictPrecision),
    String(t.leaks),
  ]);
  typeRows.push([
    "ALL",
    String(o.gold),
    String(o.predicted),
    fmtRatio(o.recall),
    fmtRatio(o.typedRecall),
    fmtRatio(o.spanPrecision),
    fmtRatio(o.strictPrecision),
    String(o.leaks),
  ]);
  out.push(formatTable(["type", "gold", "pred", "recall", "typed recall", "span prec", "strict prec", "leaks"], typeRows));

  out.push("", "Per domain");
  const domainHeaders = [
    "domain", "utts", "no PII", "gold", "pred", "recall", "typed recall", "span prec", "strict prec",
    "over-masked", "FP on PII-free", "leaks",
  ];
  const domainRows = report.perDomain.map((d) => groupRow(d.domain, d.figures));
  domainRows.push(groupRow("ALL", o));
  out.push(formatTable(domainHeaders, domainRows));

  out.push("", `Verbatim leaks (gold surface of ≥ 2 characters still in "masked"): ${report.leaks.length}`);
  if (report.leaks.length > 0) {
    // Ids and types only: the surface itself would be PII in the output.
    out.push(formatTable(["id", "type", "domain"], report.leaks.map((l) => [l.id, l.type, l.domain]), 3));
  }

  if (opts.showErrors) {
    // Printing context is acceptable only because tests/devset is invented data (no real person's PII).
    // Do not use --show-errors on sets holding real conversations.
    const byId = new Map(items.map((i) => [i.id, i.text]));
    const ctx = (id: string, start: number, end: number): string => context(byId.get(id) ?? "", start, end);
    out.push("", "Errors (context printed on request; the dev set is invented data)");
    out.push("", `Missed: gold not fully covered by any prediction (${report.missed.length})`);
    out.push(
      ...report.missed.map(
        (g) =>
          `  ${g.id}  ${g.type}  [${g.start},${g.end})  ${g.coveredChars === 0 ? "missed" : `partial ${g.coveredChars}/${g.chars} chars`}` +
          `${g.predictedTypes.length > 0 ? ` as ${g.predictedTypes.join("+")}` : ""}  ${ctx(g.id, g.start, g.end)}`,
      ),
    );
    out.push("", `Wrong type: covered, but not by spans of the gold type (${report.wrongType.length})`);
    out.push(
      ...report.wrongType.map(
        (g) => `  ${g.id}  ${g.type} predicted as ${g.predictedTypes.join("+")}  [${g.start},${g.end})  ${ctx(g.id, g.start, g.end)}`,
      ),
    );
    out.push("", `False positives: predicted spans overlapping no gold entity (${report.falsePositives.length})`);
    out.push(
      ...report.falsePositives.map(
        (p) =>
          `  ${p.id}  ${p.type}  [${p.start},${p.end})${p.inPiiFreeUtterance ? "  (PII-free utterance)" : ""}  ${ctx(p.id, p.start, p.end)}`,
      ),
    );
    out.push("", `Overreaching: predicted spans less than half inside gold (${report.overreaching.length})`);
    out.push(
      ...report.overreaching.map(
        (p) => `  ${p.id}  ${p.type}  [${p.start},${p.end})  ${(p.insideShare * 100).toFixed(0)}% inside  ${ctx(p.id, p.start, p.end)}`,
      ),
    );
  }

  out.push("", `Targets (NO DATA = nothing to measure, not a pass; "no target" = reported only)`);
  out.push(
    formatTable(
      ["type / scope", "metric", "target", "actual", "result"],
      targets.map((t) => [
        t.type,
        t.metric,
        fmtTarget(t),
        t.metric === "over-masked share" ? fmtShare(t.actual) : fmtRatio(t.actual),
        t.status,
      ]),
      2,
    ),
  );
  const withTarget = targets.filter((t) => t.target !== null);
  const pass = withTarget.filter((t) => t.status === "PASS").length;
  const fail = withTarget.filter((t) => t.status === "FAIL").length;
  const noData = withTarget.filter((t) => t.status === "NO DATA").length;
  out.push("", `targets: ${pass}/${withTarget.length} PASS, ${fail} FAIL, ${noData} NO DATA`);
  return out.join("\n") + "\n";
}

/** The JSON form of the report (figures, ids, types and offsets; no text, no surfaces). */
export function reportJson(
  report: EvalReport,
  targets: readonly TargetRow[],
  opts: { readonly sets: readonly string[]; readonly detector: string },
): unknown {
  const strip = <T extends { readonly id: string; readonly type: string; readonly start: number; readonly end: number }>(
    x: T,
  ): { id: string; type: string; start: number; end: number } => ({ id: x.id, type: x.type, start: x.start, end: x.end });
  return {
    sets: opts.sets,
    detector: opts.detector,
    overall: report.overall,
    perType: report.perType,
    perDomain: report.perDomain,
    leaks: report.leaks.map((l) => ({ ...strip(l), domain: l.domain })),
    // "comparison" spells out the direction ("≤" for over-masking); null for rows without a target.
    targets: targets.map((t) => ({ ...t, comparison: t.target === null ? null : targetComparison(t) })),
    targetsPooledRow: POOLED_ROW,
    targetsOverallRow: OVERALL_ROW,
    targetsChitchatRow: CHITCHAT_ROW,
    allTargetsPass: allTargetsPass(targets),
    errors: {
      missed: report.missed.map((g) => ({ ...strip(g), coveredChars: g.coveredChars, chars: g.chars, predictedTypes: g.predictedTypes })),
      wrongType: report.wrongType.map((g) => ({ ...strip(g), predictedTypes: g.predictedTypes })),
      falsePositives: report.falsePositives.map((p) => ({ ...strip(p), inPiiFreeUtterance: p.inPiiFreeUtterance })),
      overreaching: report.overreaching.map((p) => ({ ...strip(p), insideShare: p.insideShare })),
    },
  };
}

const USAGE = `usage: node --import tsx tests/eval/run-eval.ts [options]

  --set PATH        labelled set file or directory of *.jsonl (repeatable; default tests/devset/)
  --detector CMD    detector command; the input JSONL path is appended (default: ${DEFAULT_DETECTOR_LABEL})
  --show-errors     list missed, wrong-type, false-positive and overreaching spans with context
                    (prints text: only for invented sets such as tests/devset)
  --strict          exit 1 unless every target passes
  --json FILE       also write all figures as JSON
  -h, --help        this help

exit codes: 0 done, 1 --strict and a target not passed, 2 usage / data / detector error`;

/** Runs the harness with CLI arguments; returns the process exit code. */
export function main(argv: readonly string[]): number {
  let values: { set?: string[]; detector?: string; "show-errors"?: boolean; strict?: boolean; json?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        set: { type: "string", multiple: true },
        detector: { type: "string" },
        "show-errors": { type: "boolean" },
        strict: { type: "boolean" },
        json: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cwd = process.cwd();
  const setPaths = values.set !== undefined && values.set.length > 0 ? values.set.map((p) => resolve(cwd, p)) : [DEFAULT_SET];
  const detector = values.detector ?? `node ${shellQuote(join(REPO_ROOT, "bin", "tokumei.js"))} detect`;
  const detectorLabel = values.detector ?? DEFAULT_DETECTOR_LABEL;
  const shownSets = setPaths.map((p) => displayPath(cwd, p));

  try {
    const items = loadLabelledSets(setPaths);
    if (items.length === 0) throw new Error(`no labelled utterances in ${shownSets.join(", ")}`);
    const files = expandSetPaths(setPaths).length;
    const stdout = runDetector(detector, items, cwd);
    const lines = validateDetectorOutput(stdout, items);
    const scored: ScoredItem[] = items.map((item, k) => {
      const line = lines[k];
      if (line === undefined) throw new DetectorContractError([`missing output for line ${k + 1}`]);
      return { id: item.id, domain: item.domain, text: item.text, gold: item.entities, predicted: line.entities, masked: line.masked };
    });
    const report = evaluate(scored);
    const targets = checkTargets(report);
    const sets = [`${shownSets.join(", ")} (${files} file(s))`];
    process.stdout.write(formatReport(report, targets, items, { sets, detector: detectorLabel, showErrors: values["show-errors"] === true }));
    if (values.json !== undefined) {
      const jsonPath = resolve(cwd, values.json);
      writeFileSync(jsonPath, `${JSON.stringify(reportJson(report, targets, { sets: shownSets, detector: detectorLabel }), null, 2)}\n`, "utf8");
      process.stdout.write(`JSON written to ${displayPath(cwd, jsonPath)}\n`);
    }
    if (values.strict === true && !allTargetsPass(targets)) {
      process.stderr.write("--strict: not every target passed\n");
      return 1;
    }
    return 0;
  } catch (error) {
    // LabelledSetError, DetectorContractError, DetectorRunError and missing paths all land here;
    // their messages name files, lines and ids, never text.
    if (error instanceof Error) {
      process.stderr.write(`eval: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

// Run only when executed directly, so tests can import the helpers above.
const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(resolve(invoked)).href) {
  process.exitCode = main(process.argv.slice(2));
}
