import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Test fixtures under `events/`, resolved from the repository root through import.meta.url, so tests do not
 * depend on the working directory.
 */

const eventsDir = new URL("../../events/", import.meta.url);

/** Absolute path of the repository root (with a trailing separator). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Absolute path of a file under `events/`. A leading `events/` in `relPath` is accepted too.
 *
 * @example
 * eventPath("conversations/notes.txt"); // "/…/tokumei/events/conversations/notes.txt"
 */
export function eventPath(relPath: string): string {
  return fileURLToPath(new URL(relPath.replace(/^\.?\/?events\//, ""), eventsDir));
}

/**
 * Reads a file under `events/` as UTF-8 text (a BOM, if any, is kept).
 *
 * @example
 * const csv = readEvent("conversations/helpdesk-export.csv");
 */
export function readEvent(relPath: string): string {
  return readFileSync(eventPath(relPath), "utf8");
}

/**
 * Reads and parses a JSON file under `events/`.
 *
 * @example
 * const output = readEventJson<{ jobName: string }>("conversations/sales-call-diarized.json");
 */
export function readEventJson<T = unknown>(relPath: string): T {
  return JSON.parse(readEvent(relPath)) as T;
}
