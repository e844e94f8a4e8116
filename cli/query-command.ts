import { z } from "zod";
import { ConfigError } from "../shared/errors.js";
import type { Io } from "./anonymize-command.js";
import { displayValue, isNumericType, LocalDatasets, QueryError, rowObject } from "./local-datasets.js";
import { formatTable } from "./text-table.js";

/** Where `tokumei demo` writes, so `tokumei query "…"` works right after `npm run demo`. */
export const DEFAULT_QUERY_DIR = "out/demo";

/**
 * Options of `tokumei query`, validated at the CLI boundary.
 *
 * @example
 * QueryArgsSchema.parse({ sql: "SELECT 1", maxRows: "20" }); // { sql: "SELECT 1", out: "out/demo", json: false, maxRows: 20 }
 */
export const QueryArgsSchema = z.object({
  /** The SQL, or "-" to read it from stdin. */
  sql: z.string().trim().min(1, "the SQL is empty"),
  out: z.string().min(1).default(DEFAULT_QUERY_DIR),
  json: z.boolean().default(false),
  /** Rows shown in a table (JSON output is never cut); 0 shows all. */
  maxRows: z
    .union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)], { error: "--max-rows must be a whole number, 0 or more" })
    .default(100),
});
export type QueryArgs = z.input<typeof QueryArgsSchema>;

/**
 * `tokumei query "SQL" [--out DIR] [--json] [--max-rows N]`: DuckDB SQL over the local datasets, with the
 * views `utterances` and `conversations` (columns as in the Glue tables, plus dt and source from the Hive
 * paths). Prints an aligned table (at most --max-rows rows, then how many were left out) or, with --json,
 * one JSON object per row. Exit code: 0 ok, 1 the SQL failed (DuckDB's message on stderr); a missing
 * dataset folder or bad options throw ConfigError (exit 2).
 */
export async function runQuery(rawArgs: QueryArgs, io: Io): Promise<number> {
  const parsed = QueryArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const args = parsed.data;
  const sql = args.sql === "-" ? await readStdin() : args.sql;
  if (sql.trim() === "") throw new ConfigError("the SQL read from stdin is empty");

  const datasets = await LocalDatasets.open(args.out);
  try {
    const result = await datasets.run(sql);
    if (result.kind === "changed") {
      io.out(`${result.rowsChanged} ${result.rowsChanged === 1 ? "row" : "rows"} changed`);
      return 0;
    }
    if (result.kind === "nothing") {
      io.out("OK");
      return 0;
    }
    if (args.json) {
      for await (const row of result.rows) io.out(JSON.stringify(rowObject(result.columns, row)));
      return 0;
    }
    const shown: string[][] = [];
    let total = 0;
    for await (const row of result.rows) {
      total++;
      if (args.maxRows === 0 || shown.length < args.maxRows) shown.push(row.map(displayValue));
    }
    const numeric = new Set(result.columns.flatMap((column, i) => (isNumericType(column.type) ? [i] : [])));
    for (const line of formatTable(result.columns.map((c) => c.name), shown, { alignRight: numeric })) io.out(line);
    io.out(
      shown.length < total
        ? `(${total} rows, ${shown.length} shown; --max-rows 0 shows all, --json prints every row in full)`
        : `(${total} ${total === 1 ? "row" : "rows"})`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    io.err(`tokumei query: ${error.message}`);
    io.err(`views: ${datasets.views.join(", ")} (over ${args.out}/datasets)`);
    return 1;
  } finally {
    datasets.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
