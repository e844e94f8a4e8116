import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from "hyparquet-writer";
import { TokumeiError } from "../errors.js";
import type { Column, DatasetTable } from "./schema.js";

/**
 * A row that does not fit its table. The message names the table, row and column and says what kind of value
 * was found, never the value itself: values are (anonymized, but still) conversation text, and this message
 * can end up in logs and quarantine records.
 */
export class DatasetRowError extends TokumeiError {
  override readonly name = "DatasetRowError";
  readonly table: string;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(table: string, problem: string, where: { row?: number; column?: string } = {}) {
    const at = [where.row !== undefined ? `row ${where.row}` : undefined, where.column !== undefined ? `column "${where.column}"` : undefined]
      .filter((part) => part !== undefined)
      .join(", ");
    super(`${table}${at ? ` ${at}` : ""}: ${problem}`);
    this.table = table;
    this.row = where.row;
    this.column = where.column;
  }
}

/**
 * Compression: SNAPPY. hyparquet-writer 0.17 ships a pure-JS snappy compressor and uses it by default, so no
 * native or wasm dependency is needed in Lambda; Athena reads snappy Parquet natively.
 */
const CODEC = "SNAPPY" as const;

/**
 * One row group per file up to 100k rows (the library's default starts with a 1000-row group, tuned for
 * previews; Athena prefers fewer, larger groups). One input file rarely has more rows than this.
 */
const ROW_GROUP_SIZE = 100_000;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Lone UTF-16 surrogates would be silently replaced by U+FFFD when encoded; refuse them instead. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Writes rows of one dataset table as a Parquet file: the columns are exactly `table.columns`, in order
 * (partition keys live in the object key, not in the file), REQUIRED or OPTIONAL per `nullable`.
 * Every row is validated before anything is encoded, so a bad row throws a DatasetRowError and no file
 * comes out. Zero rows give a valid file that carries the schema and no row groups.
 *
 * Types: string → BYTE_ARRAY UTF8; int → INT32; bigint → INT64 (a safe-integer number or a bigint);
 * double → DOUBLE; boolean → BOOLEAN; timestamp → INT64 TIMESTAMP(MILLIS, UTC) from a Date, which Athena
 * (engine v3) reads as `timestamp`.
 *
 * @example
 * const bytes = writeParquet(UTTERANCES, utteranceRows(result, { inputKey, engineVersion }));
 * await storage.write(datasetKey(UTTERANCES, { dt, source, inputKey }), bytes);
 */
export function writeParquet(table: DatasetTable, rows: ReadonlyArray<Record<string, unknown>>): Uint8Array {
  const data = table.columns.map((): unknown[] => new Array<unknown>(rows.length));
  const known = new Set(table.columns.map((c) => c.name));
  const partitionKeys = new Set(table.partitionKeys.map((c) => c.name));
  rows.forEach((row, r) => {
    // A typo in a nullable column name would otherwise drop its values silently.
    for (const key of Object.keys(row)) {
      if (known.has(key)) continue;
      throw new DatasetRowError(
        table.name,
        partitionKeys.has(key) ? "partition keys belong in the object key, not in the row" : "not a column of this table",
        { row: r, column: key },
      );
    }
    table.columns.forEach((column, c) => {
      data[c]![r] = physicalValue(table.name, r, column, row[column.name]);
    });
  });

  const schema: SchemaElement[] = [{ name: "root", num_children: table.columns.length }, ...table.columns.map(schemaElement)];
  const columnData: ColumnSource[] = table.columns.map((column, c) => ({ name: column.name, data: data[c]! }));
  try {
    return new Uint8Array(parquetWriteBuffer({ columnData, schema, codec: CODEC, rowGroupSize: ROW_GROUP_SIZE, createdBy: "tokumei" }));
  } catch (error) {
    // The library's messages can quote values ("expected …, got <value>"); keep only its error class.
    throw new DatasetRowError(table.name, `the Parquet encoder failed (${(error as Error).name})`);
  }
}

function schemaElement(column: Column): SchemaElement {
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  const { name } = column;
  switch (column.type) {
    case "string":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type };
    case "int":
      return { name, type: "INT32", repetition_type };
    case "bigint":
      return { name, type: "INT64", repetition_type };
    case "double":
      return { name, type: "DOUBLE", repetition_type };
    case "boolean":
      return { name, type: "BOOLEAN", repetition_type };
    case "timestamp":
      // Both annotations: the legacy converted type for older readers, the logical type saying UTC.
      return {
        name,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        repetition_type,
      };
  }
}

/** Checks one value against its column and returns what the encoder expects (bigint for INT64). */
function physicalValue(table: string, row: number, column: Column, value: unknown): unknown {
  const fail = (problem: string): never => {
    throw new DatasetRowError(table, problem, { row, column: column.name });
  };
  if (value === undefined || value === null) {
    return column.nullable ? null : fail(`missing value for a required ${column.type} column`);
  }
  const expected = (detail: string = column.type) => fail(`expected ${detail}, got ${kindOf(value)}`);
  switch (column.type) {
    case "string":
      if (typeof value !== "string") return expected();
      return LONE_SURROGATE.test(value) ? fail("string is not well-formed UTF-16 (lone surrogate)") : value;
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) return expected("int (a 32-bit integer)");
      return value < INT32_MIN || value > INT32_MAX ? fail("int out of 32-bit range") : value;
    case "bigint": {
      if (typeof value === "number") {
        if (!Number.isSafeInteger(value)) return expected("bigint (an integer)");
        return BigInt(value);
      }
      if (typeof value !== "bigint") return expected("bigint (an integer)");
      return value < INT64_MIN || value > INT64_MAX ? fail("bigint out of 64-bit range") : value;
    }
    case "double":
      // NaN and ±Infinity are legal doubles but here they always mean a computation went wrong.
      if (typeof value !== "number" || !Number.isFinite(value)) return expected("double (a finite number)");
      return value;
    case "boolean":
      return typeof value === "boolean" ? value : expected();
    case "timestamp":
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) return expected("timestamp (a valid Date)");
      return value;
  }
}

/** What kind of value this is, for error messages: never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "invalid Date" : "Date";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return "infinite number";
    return Number.isInteger(value) ? "integer number" : "fractional number";
  }
  return typeof value;
}
