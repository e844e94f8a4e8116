import { readFile } from "node:fs/promises";
import { z } from "zod";
import { DEFAULT_REPEAT_OPTIONS, type RepeatOptions } from "../shared/detect/repeats.js";
import { analyzeConversation } from "../shared/detect/sequence.js";
import { createEngine } from "../shared/engine.js";
import { InputFormatError } from "../shared/errors.js";
import { loadAnalyzerConfig, loadPolicy, loadSecrets } from "./load-config.js";

/** One input line of the detector contract; other fields are ignored. */
const DetectInputSchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
});

/** One output line: exactly the contract of design.md. */
export interface DetectOutputLine {
  id: string | number;
  masked: string;
  entities: Array<{ start: number; end: number; type: string; score: number }>;
}

export interface DetectArgs {
  readonly input: string;
  readonly config?: string | undefined;
  readonly policy?: string | undefined;
}

/**
 * `tokumei detect IN.jsonl`: one output line per input line, same order, UTF-16 offsets into `text`.
 * Each line is masked with its own placeholder numbering.
 * Blank lines are not records and are skipped. Every line is validated before any output, so a bad line
 * never leaves a half-written result.
 */
export async function runDetect(args: DetectArgs, write: (chunk: string) => void): Promise<void> {
  const [config, policy] = await Promise.all([loadAnalyzerConfig(args.config), loadPolicy(args.policy)]);
  const engine = createEngine({ analyzer: config, policy, secrets: loadSecrets(policy) });
  const content = args.input === "-" ? await readStdin() : await readFile(args.input, "utf8");
  const records = parseLines(content, args.input);
  const found = analyzeConversation(engine.analyzer, records.map((r) => r.text), LINE_REPEATS);
  const out = records.map((record, i) => {
    const findings = found[i] ?? [];
    const masked = engine.anonymizer.anonymize(record.text, findings, engine.anonymizer.newScope()).text;
    const line: DetectOutputLine = {
      id: record.id,
      masked,
      entities: findings.map((f) => ({ start: f.start, end: f.end, type: f.entity, score: f.score })),
    };
    return JSON.stringify(line);
  });
  write(out.length > 0 ? `${out.join("\n")}\n` : "");
}

/**
 * Lines are read in order like the utterances of a transcript: the previous line is context and values are
 * found again when repeated, but only a few lines away, since one file may hold many conversations.
 */
const LINE_REPEATS: RepeatOptions = { ...DEFAULT_REPEAT_OPTIONS, farWindow: 5 };

function parseLines(content: string, file: string): Array<z.infer<typeof DetectInputSchema>> {
  const records: Array<z.infer<typeof DetectInputSchema>> = [];
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputFormatError("not a JSON object", { file, line: i + 1 });
    }
    const parsed = DetectInputSchema.safeParse(value);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(line)").join(", ");
      throw new InputFormatError(`expected {"id": string|number, "text": string}; invalid: ${fields}`, { file, line: i + 1 });
    }
    records.push(parsed.data);
  });
  return records;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
