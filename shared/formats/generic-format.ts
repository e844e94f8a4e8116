import { parse as parseCsvText } from "csv-parse/sync";

/**
 * Detection among the generic formats, after every format module's sniff has declined a file (see
 * `detectFormat` in ./index.ts): JSON, JSON Lines, CSV, or plain text.
 */

export type GenericFormat = "chat-json" | "chat-jsonl" | "chat-csv" | "plain-text";

/**
 * A JSON array or an object with `messages` → "chat-json"; every non-empty line a JSON object →
 * "chat-jsonl"; a `.csv` extension or a consistent comma-separated header → "chat-csv"; anything else →
 * "plain-text". Broken JSON (a .json/.jsonl name, or text opening like JSON: `{"`, `[{`, `[1`…) is routed to
 * the JSON parser so that parsing reports the line and column; text such as "[LINE] …" is not taken for JSON.
 *
 * @example
 * detectGenericFormat("bot.jsonl", '{"text":"a"}\n{"text":"b"}\n'); // "chat-jsonl"
 * detectGenericFormat("notes.txt", "山田：こんにちは"); // "plain-text"
 */
export function detectGenericFormat(fileName: string, content: string): GenericFormat {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const trimmed = text.trim();
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";

  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const whole = tryJson(trimmed);
    if (whole.ok) {
      const value = whole.value;
      if (Array.isArray(value)) return "chat-json";
      if (isRecord(value) && Array.isArray(value["messages"])) return "chat-json";
    }
    if (everyLineIsJsonObject(trimmed)) return "chat-jsonl";
    if (extension === "jsonl" || extension === "ndjson") return "chat-jsonl";
    if (!whole.ok && (extension === "json" || (looksLikeJson(trimmed) && extension !== "csv" && extension !== "txt"))) {
      return "chat-json";
    }
  }
  if (extension === "csv") return "chat-csv";
  if (extension === "jsonl" || extension === "ndjson") return "chat-jsonl";
  if (extension === "json") return "chat-json";
  if (looksLikeCsv(text)) return "chat-csv";
  return "plain-text";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Opens like a JSON object or array ("[LINE] …" does not). */
function looksLikeJson(text: string): boolean {
  return /^(?:\{\s*(?:"|\}|$)|\[\s*(?:[[{"\]\d-]|true|false|null|$))/.test(text);
}

function everyLineIsJsonObject(text: string): boolean {
  const lines = text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== "");
  return lines.length > 0 && lines.every((line) => {
    const parsed = tryJson(line);
    return parsed.ok && isRecord(parsed.value);
  });
}

/** A header with at least two fields and at least one data row, every row with the header's field count. */
function looksLikeCsv(text: string): boolean {
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? "";
  if (!firstLine.includes(",")) return false;
  try {
    const rows = parseCsvText(text, { skip_empty_lines: true }) as string[][];
    const width = rows[0]?.length ?? 0;
    return width >= 2 && rows.length >= 2 && rows.every((row) => row.length === width);
  } catch {
    return false;
  }
}
