import { parseArgs } from "node:util";
import { TokumeiError } from "../shared/errors.js";
import { ENGINE_VERSION } from "../shared/version.js";
import { runAnonymize, type Io } from "./anonymize-command.js";
import { runDetect } from "./detect-command.js";
import { runReport } from "./report-command.js";
import { runReleaseCommand } from "./release-command.js";

const USAGE = `tokumei ${ENGINE_VERSION}: find and mask personal information in Japanese conversation logs

Usage:
  tokumei detect IN.jsonl [--config FILE] [--policy FILE]
      IN.jsonl lines {"id", "text"} → stdout lines {"id", "masked", "entities": [{"start","end","type","score"}]}
      (UTF-16 offsets into text; "-" reads stdin)
  tokumei anonymize FILE|DIR --out DIR [--policy FILE] [--config FILE] [--format F] [--roles MAP] [--print]
                   [--keep-format [--keep-format-encoding E]]
      Transcribe (and Call Analytics) JSON, LINE talk histories and official-account CSVs, chat JSON/JSONL/CSV
      or plain text → DIR/datasets/…, DIR/anonymized/*.jsonl, DIR/audit/*.audit.json;
      unreadable inputs → DIR/quarantine/*.json
  tokumei report FILE|DIR... [--out DIR] [--policy FILE] [--config FILE] [--format F] [--roles MAP]
      one self-contained HTML review page, DIR/report.html (default out/review/report.html): each
      conversation masked, placeholders highlighted by type, beside the original text; counts and a chart.
      It holds raw personal data: for authorised reviewers only
  tokumei release DIR [--out DIR] [--k N] [--qi COLS] [--max-suppression R] [--from D] [--to D]
                      [--source call,chat] [--token-scope conversation|release] [--release-id ID] [--dry-run]
      匿名加工 release of DIR/datasets (k-anonymous, re-tokenized, no linking columns, no key kept)
      → OUT/releases/<id>/{conversations,utterances}/*.parquet and manifest.json
  tokumei demo [--out DIR] [--events DIR]
      the whole main job on this machine: the samples in events/conversations → Parquet datasets, JSONL rows
      and audit records under DIR (default out/demo) → a DuckDB query over them and a summary
  tokumei query "SQL" [--out DIR] [--json] [--max-rows N]
      DuckDB SQL over DIR/datasets (default out/demo) with the views utterances and conversations, named and
      typed like the Glue tables (dt and source from the Hive paths); "-" reads the SQL from stdin
  tokumei --help | --version

Options:
  --config FILE   detector settings (JSON/YAML): threshold, context window, recognizers by id
  --policy FILE   anonymization policy (JSON/YAML): operator per type (replace, redact, mask, hmac, generalize)
  --format F      force the input format: transcribe, transcribe-call-analytics, line-talk, line-oa-csv,
                  chat-json, chat-jsonl, chat-csv, plain-text
  --roles MAP     speaker → role, e.g. spk_0=agent,spk_1=customer (Transcribe speakers or channels)
  --print         print the masked conversations (anonymize)
  --out DIR       output folder (anonymize: required; report: default out/review)
  --k N           release: every quasi-identifier combination shared by at least N conversations (default 5)
  --qi COLS       release: quasi-identifier columns (default customer_age_band,customer_prefecture,customer_birth_year_band)
  --max-suppression R  release: share of conversations that may be dropped instead of generalising (default 0.05)
  --events DIR    demo inputs (default: the package's events/conversations)
  --json          query: one JSON object per row instead of a table
  --max-rows N    query: rows shown in the table (default 100, 0 = all)
  --keep-format   also write each input again in its own format, masked: DIR/keep-format/<input>
  --keep-format-encoding E
                  input (default: the encoding the input was read in), utf-8, utf-8-bom, cp932, utf-16le, utf-16be

Environment:
  TOKUMEI_HMAC_KEY  key for the hmac operator / pseudonymize mode (never logged)

Exit codes: 0 ok, 1 some inputs could not be processed (see quarantine/), no release could be made or
            the SQL failed, 2 usage or configuration error (bad options, no datasets in the --out folder).`;

const processIo: Io = {
  out: (s) => void process.stdout.write(`${s}\n`),
  err: (s) => void process.stderr.write(`${s}\n`),
};

/**
 * The `tokumei` command. Returns the exit code instead of exiting, so tests can call it.
 *
 * @example
 * await main(["detect", "in.jsonl"]) // 0, JSONL on stdout
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: "string" },
        policy: { type: "string" },
        config: { type: "string" },
        format: { type: "string" },
        roles: { type: "string" },
        print: { type: "boolean", default: false },
        k: { type: "string" },
        qi: { type: "string" },
        "max-suppression": { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        source: { type: "string" },
        "token-scope": { type: "string" },
        "release-id": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        events: { type: "string" },
        json: { type: "boolean", default: false },
        "max-rows": { type: "string" },
        "keep-format": { type: "boolean", default: false },
        "keep-format-encoding": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "v", default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(ENGINE_VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case "detect": {
        if (rest.length !== 1) return usage(io, "detect needs exactly one input file (or - for stdin)");
        await runDetect({ input: rest[0]!, config: values.config, policy: values.policy }, (chunk) => process.stdout.write(chunk));
        return 0;
      }
      case "anonymize": {
        if (rest.length !== 1) return usage(io, "anonymize needs exactly one input file or folder");
        if (!values.out) return usage(io, "anonymize needs --out DIR");
        if (values["keep-format-encoding"] !== undefined && !values["keep-format"]) {
          return usage(io, "--keep-format-encoding needs --keep-format");
        }
        return await runAnonymize(
          {
            input: rest[0]!,
            out: values.out,
            policy: values.policy,
            config: values.config,
            format: values.format,
            roles: values.roles,
            print: values.print,
            keepFormat: values["keep-format"],
            keepFormatEncoding: values["keep-format-encoding"],
          },
          io,
        );
      }
      case "report": {
        if (rest.length === 0) return usage(io, "report needs at least one input file or folder");
        if (values.print) return usage(io, "report writes an HTML file and prints no text: drop --print");
        return await runReport(
          { inputs: rest, out: values.out, policy: values.policy, config: values.config, format: values.format, roles: values.roles },
          io,
        );
      }
      case "release": {
        if (rest.length !== 1) return usage(io, "release needs exactly one folder (the --out of tokumei anonymize)");
        return await runReleaseCommand(
          {
            input: rest[0]!,
            out: values.out,
            k: values.k,
            qi: values.qi,
            maxSuppression: values["max-suppression"],
            from: values.from,
            to: values.to,
            source: values.source,
            tokenScope: values["token-scope"],
            releaseId: values["release-id"],
            dryRun: values["dry-run"],
          },
          io,
        );
      }
      case "demo": {
        if (rest.length !== 0) return usage(io, "demo takes no input: it reads the samples (see --events)");
        // Loaded on demand: DuckDB's native library is only needed by demo and query.
        const { runDemo } = await import("./demo-command.js");
        return (await runDemo({ out: values.out, events: values.events }, io)).code;
      }
      case "query": {
        if (rest.length !== 1) return usage(io, 'query needs exactly one SQL string, e.g. tokumei query "SELECT count(*) FROM utterances" (or - for stdin)');
        const { runQuery } = await import("./query-command.js");
        return await runQuery(
          { sql: rest[0]!, json: values.json, ...(values.out !== undefined ? { out: values.out } : {}), ...(values["max-rows"] !== undefined ? { maxRows: values["max-rows"] } : {}) },
          io,
        );
      }
      default:
        return usage(io, `unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof TokumeiError) {
      io.err(`tokumei: ${error.message}`);
      return error.name === "InputFormatError" || error.name === "ReleaseError" ? 1 : 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
      io.err(`tokumei: cannot read input (${code})`);
      return 2;
    }
    io.err(`tokumei: internal error (${(error as Error).name}); please report it`);
    return 2;
  }
}

function usage(io: Io, problem: string): number {
  io.err(`tokumei: ${problem}\n\n${USAGE}`);
  return 2;
}
