import { z } from "zod";
import type { Operator } from "../operator.js";

const params = z
  .object({
    /** Mask for half-width characters. */
    char: z.string().length(1).default("*"),
    /** Mask for full-width characters, so that the text keeps its display width. */
    wideChar: z.string().length(1).default("＊"),
    /** Keep this many trailing letters or digits (e.g. 4 for a card, whose last 4 digits are not PII). */
    keepLast: z.number().int().nonnegative().default(0),
    /** Keep hyphens, spaces and dots so the shape stays readable (090-****-****). */
    keepSeparators: z.boolean().default(false),
  })
  .strict();

const WIDE_BMP = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/** East Asian wide: the BMP ranges above, and everything beyond the BMP (CJK Ext. B+, emoji). */
function isWide(c: string): boolean {
  return c.codePointAt(0)! > 0xffff || WIDE_BMP.test(c);
}
const SEPARATOR = /[\s\-.・ー－]/u;

/**
 * Replaces each character by a mask of the same width: one mask per character (a surrogate pair is one
 * character), `＊` for full-width characters and `*` for half-width ones.
 *
 * @example
 * maskOperator.apply(input("０９０-1234"), { char: "*", wideChar: "＊", keepLast: 0, keepSeparators: false }) // "＊＊＊*****"
 */
export const maskOperator: Operator<typeof params> = {
  name: "mask",
  params,
  apply({ surface }, { char, wideChar, keepLast, keepSeparators }) {
    const chars = [...surface];
    let kept = 0;
    const out: string[] = new Array<string>(chars.length);
    for (let i = chars.length - 1; i >= 0; i--) {
      const c = chars[i]!;
      if (keepSeparators && SEPARATOR.test(c)) {
        out[i] = c;
      } else if (kept < keepLast && /[\p{L}\p{N}]/u.test(c)) {
        out[i] = c;
        kept++;
      } else {
        out[i] = isWide(c) ? wideChar : char;
      }
    }
    return out.join("");
  },
};
