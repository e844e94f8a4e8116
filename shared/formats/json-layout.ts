/**
 * Writing a JSON document again the way its input was written: the same indentation (none, spaces or a tab),
 * the same line breaks and the same final newline. Key order is kept by JSON.parse; insignificant
 * whitespace inside a line and `\u` escapes of printable characters are not.
 */

/**
 * Serializes `value` in the layout of `original` (the text it was parsed from).
 *
 * @example
 * writeJsonLike('{\r\n    "a": 1\r\n}\r\n', { a: 2 }); // '{\r\n    "a": 2\r\n}\r\n'
 * writeJsonLike('{"a":1}', { a: 2 }); // '{"a":2}'
 */
export function writeJsonLike(original: string, value: unknown): string {
  const text = original.charCodeAt(0) === 0xfeff ? original.slice(1) : original;
  const indent = /^[[{][ \t]*\r?\n([ \t]+)\S/.exec(text.trimStart())?.[1];
  const lineBreak = text.includes("\r\n") ? "\r\n" : "\n";
  let out = JSON.stringify(value, null, indent);
  if (lineBreak !== "\n") out = out.replaceAll("\n", lineBreak);
  const finalBreak = /\r?\n$/.exec(text)?.[0] ?? "";
  return (original.charCodeAt(0) === 0xfeff ? "\ufeff" : "") + out + finalBreak;
}

/**
 * Whether a value is a plain JSON object.
 *
 * @example
 * isJsonObject({}); // true
 * isJsonObject([]); // false
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
