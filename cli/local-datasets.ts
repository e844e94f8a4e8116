import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
  ResultReturnType,
} from "@duckdb/node-api";
import { type ColumnType, DATASET_TABLES, type DatasetTable, PARTITION_KEYS } from "../shared/dataset/schema.js";
import { ConfigError } from "../shared/errors.js";

/**
 * The anonymized datasets of a local output folder (`DIR/datasets/<table>/dt=…/source=…/*.parquet`, the
 * layout the pipeline writes to the anonymized bucket), queried with DuckDB in memory. Each table is a view
 * named like its Glue table, with the Hive partition columns dt and source typed as in the catalog, so SQL
 * written for Athena mostly runs unchanged. DuckDB is a local tool: it stays out of shared/ and functions/.
 */

/** A JSON value as `--json` prints it (DuckDB's own JSON type). */
export type JsonValue = Json;

export interface QueryColumn {
  readonly name: string;
  /** DuckDB's name of the column type, e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE. */
  readonly type: string;
}

/** What a statement gave: rows (a query), a count of changed rows, or nothing (CREATE, SET …). */
export type StatementResult =
  | { readonly kind: "rows"; readonly columns: readonly QueryColumn[]; readonly rows: AsyncIterable<readonly DatasetCell[]> }
  | { readonly kind: "changed"; readonly rowsChanged: number }
  | { readonly kind: "nothing" };

/** One cell: DuckDB's value with its type, convertible for display or JSON. */
export interface DatasetCell {
  readonly value: DuckDBValue;
  readonly type: DuckDBType;
}

/** A failure of the SQL itself (syntax, unknown column, type error), as opposed to a missing dataset. */
export class QueryError extends Error {
  override readonly name = "QueryError";
}

/** The Parquet files of each table, by table name; absent tables have none. */
export type DatasetFiles = Readonly<Record<DatasetTable["name"], readonly string[]>>;

/** A Hive-style file: dt=…/source=…/name.parquet; names starting with . or _ are hidden (as in Athena). */
const PARTITIONED_FILE = /^dt=[^/]+\/source=[^/]+\/[^./_][^/]*\.parquet$/;

/**
 * Lists the Parquet files of each dataset table under `outDir/datasets/`, sorted. Files outside the Hive
 * layout (temporary `.partial` files, stray copies) are left out.
 *
 * @example
 * await listDatasetFiles("out/demo");
 * // { utterances: ["/…/out/demo/datasets/utterances/dt=2026-11-23/source=call/a-1f2e….parquet", …], conversations: […] }
 */
export async function listDatasetFiles(outDir: string): Promise<DatasetFiles> {
  const found: Record<DatasetTable["name"], string[]> = { utterances: [], conversations: [] };
  for (const table of DATASET_TABLES) {
    const root = resolve(outDir, "datasets", table.name);
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    found[table.name] = entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => PARTITIONED_FILE.test(relative(root, path).split("\\").join("/")))
      .sort();
  }
  return found;
}

/**
 * DuckDB over the datasets of one output folder. Open it, query it, close it.
 *
 * @example
 * const datasets = await LocalDatasets.open("out/demo");
 * try {
 *   const rows = await datasets.rows("SELECT role, count(*) AS n FROM utterances GROUP BY role");
 * } finally {
 *   datasets.close();
 * }
 */
export class LocalDatasets {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** Files per view, for messages ("3 files"). */
    readonly files: DatasetFiles,
  ) {}

  /**
   * Opens an in-memory DuckDB with one view per table that has files. Throws ConfigError when the folder
   * holds no dataset at all (it names the folder and how to make one).
   */
  static async open(outDir: string): Promise<LocalDatasets> {
    const files = await listDatasetFiles(outDir);
    if (DATASET_TABLES.every((table) => files[table.name].length === 0)) {
      throw new ConfigError(
        `no datasets under ${join(outDir, "datasets")}: run \`npm run demo\` (writes out/demo) or \`tokumei anonymize INPUT --out ${outDir}\` first, or point --out at an output folder`,
      );
    }
    // Never download an extension: the demo and the tests run offline (parquet and json are built in).
    const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
    const connection = await instance.connect();
    const datasets = new LocalDatasets(instance, connection, files);
    for (const table of DATASET_TABLES) {
      if (files[table.name].length > 0) await connection.run(viewSql(table, files[table.name]));
    }
    return datasets;
  }

  /** The names of the views that exist (tables with at least one file). */
  get views(): string[] {
    return DATASET_TABLES.filter((table) => this.files[table.name].length > 0).map((table) => table.name);
  }

  /**
   * Runs SQL (several statements separated by `;` are run in order; the last one's result is returned) and
   * streams the rows, chunk by chunk, so a large result is never held in memory. SQL errors become QueryError
   * with DuckDB's message.
   */
  async run(sql: string): Promise<StatementResult> {
    let result: DuckDBResult;
    try {
      result = await this.connection.stream(sql);
    } catch (error) {
      throw new QueryError(duckdbMessage(error));
    }
    if (result.returnType === ResultReturnType.CHANGED_ROWS) return { kind: "changed", rowsChanged: result.rowsChanged };
    if (result.returnType !== ResultReturnType.QUERY_RESULT) return { kind: "nothing" };
    const types = result.columnTypes();
    const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
    async function* rows(): AsyncGenerator<readonly DatasetCell[]> {
      for (;;) {
        let chunk;
        try {
          chunk = await result.fetchChunk();
        } catch (error) {
          throw new QueryError(duckdbMessage(error));
        }
        if (chunk === null || chunk.rowCount === 0) return;
        for (const row of chunk.getRows()) yield row.map((value, i) => ({ value, type: types[i]! }));
      }
    }
    return { kind: "rows", columns, rows: rows() };
  }

  /** Runs a query and returns every row as a JSON-ready object (see {@link jsonValue}). For small results. */
  async rows(sql: string): Promise<Array<Record<string, JsonValue>>> {
    const result = await this.run(sql);
    if (result.kind !== "rows") return [];
    const out: Array<Record<string, JsonValue>> = [];
    for await (const row of result.rows) out.push(rowObject(result.columns, row));
    return out;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * One row as an object keyed by column name (a repeated name keeps its last value, as in JSON).
 *
 * @example
 * rowObject([{ name: "n", type: "BIGINT" }], [{ value: 3n, type }]); // { n: 3 }
 */
export function rowObject(columns: readonly QueryColumn[], row: readonly DatasetCell[]): Record<string, JsonValue> {
  const object: Record<string, JsonValue> = {};
  columns.forEach((column, i) => {
    const cell = row[i];
    object[column.name] = cell === undefined ? null : jsonValue(cell);
  });
  return object;
}

/**
 * A cell as JSON: DuckDB's JSON conversion (timestamps and decimals as strings, lists as arrays, structs as
 * objects), except that 64-bit and larger integers become JSON numbers when they fit without loss (counts
 * are BIGINT in DuckDB), strings otherwise.
 *
 * @example
 * jsonValue({ value: 42n, type: BIGINT }); // 42
 */
export function jsonValue(cell: DatasetCell): JsonValue {
  return toJson(cell.value, cell.type, toJson) ?? null;
}

const WIDE_INTEGERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

const toJson: DuckDBValueConverter<Json> = (value, type, self) => {
  if (typeof value === "bigint" && WIDE_INTEGERS.has(type.typeId)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  return JsonDuckDBValueConverter(value, type, self);
};

/**
 * A cell as text for a table: NULL for null, strings as they are, everything else as DuckDB writes it
 * (2026-11-23 05:08:01+00, [1, 2], {'a': 1}).
 *
 * @example
 * displayValue({ value: null, type }); // "NULL"
 */
export function displayValue(cell: DatasetCell): string {
  const { value } = cell;
  if (value === null) return "NULL";
  return typeof value === "string" ? value : String(value);
}

/** Whether a column holds numbers (right-aligned in tables). */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(type);
}

/** DuckDB's message without the wrapper of its statement splitter ("Failed to extract statements: "). */
function duckdbMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Failed to extract statements: /, "");
}

const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  string: "VARCHAR",
  int: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
};

/**
 * The view of one table over the explicit list of its files (only the pipeline's own files are read, never a
 * stray file that happens to sit in the folder), with the partition columns from the Hive path typed as in the Glue catalog, and union_by_name so
 * files written by an older engine with fewer columns still read.
 */
function viewSql(table: DatasetTable, files: readonly string[]): string {
  const list = files.map(sqlString).join(", ");
  const hiveTypes = PARTITION_KEYS.map((key) => `${sqlString(key.name)}: ${sqlString(DUCKDB_TYPES[key.type])}`).join(", ");
  return `CREATE VIEW ${table.name} AS SELECT * FROM read_parquet([${list}], hive_partitioning = true, hive_types = {${hiveTypes}}, union_by_name = true)`;
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
