/**
 * Helpers for label words: the words that say what the next value is (電話番号は…, 会員番号：…).
 */

const ASCII_WORD = /[A-Za-z0-9]/;
const KATAKANA = /[\u30A1-\u30FA\u30FC]/;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * One global, case-insensitive regex matching any of `words`, longest first. Words that begin or end with an
 * ASCII letter or digit only match as whole words there (ID must not match inside IDEA or VALID); with
 * `wholeKatakana`, katakana words only match as whole katakana words.
 *
 * @example
 * wordsRegex(["ID", "会員番号"]).test("会員番号は") // true
 */
export function wordsRegex(words: readonly string[], { wholeKatakana = false } = {}): RegExp {
  const alternatives = [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => {
      const first = w[0] ?? "";
      const last = w[w.length - 1] ?? "";
      let head = ASCII_WORD.test(first) ? "(?<![A-Za-z0-9])" : "";
      let tail = ASCII_WORD.test(last) ? "(?![A-Za-z])" : "";
      // As a label, メール must not match inside グランメール (a building name).
      if (wholeKatakana && KATAKANA.test(first)) head = "(?<![\\u30A1-\\u30FA\\u30FC])";
      if (wholeKatakana && KATAKANA.test(last)) tail = "(?![\\u30A1-\\u30FA\\u30FC])";
      return `${head}${escapeRegex(w)}${tail}`;
    });
  return new RegExp(alternatives.join("|"), "gi");
}

/**
 * The words of `wordsRegex`, found fast. Hundreds of alternatives that each open with a lookbehind keep V8 from
 * skipping ahead, so it tries every word at every position; a plain alternation of the bare words is scanned
 * quickly. The bare words say where a match may start (each match of the full regex starts with one of them),
 * the full regex, anchored there, decides: the matches are exactly those of `text.matchAll(wordsRegex(words))`.
 *
 * @example
 * wordsMatcher(["ID", "会員番号"]).matchAll("会員番号はIDEAのID")[1]?.index // 10 (not the ID inside IDEA)
 */
export class WordsMatcher {
  private readonly anchored: RegExp;
  private readonly bare: RegExp | undefined;

  constructor(words: readonly string[], options: { wholeKatakana?: boolean } = {}) {
    this.anchored = new RegExp(wordsRegex(words, options).source, "iy");
    const unique = [...new Set(words)].filter((w) => w.length > 0);
    this.bare = unique.length > 0 ? new RegExp(unique.map(escapeRegex).join("|"), "gi") : undefined;
  }

  /** Every match, left to right and not overlapping. */
  matchAll(text: string): RegExpExecArray[] {
    const out: RegExpExecArray[] = [];
    for (let match = this.next(text, 0); match; match = this.next(text, match.index + match[0].length)) out.push(match);
    return out;
  }

  /** The leftmost match. */
  first(text: string): RegExpExecArray | null {
    return this.next(text, 0);
  }

  test(text: string): boolean {
    return this.next(text, 0) !== null;
  }

  private next(text: string, from: number): RegExpExecArray | null {
    if (!this.bare) return null;
    for (let at = from; at <= text.length; ) {
      this.bare.lastIndex = at;
      const hint = this.bare.exec(text);
      if (!hint) return null;
      this.anchored.lastIndex = hint.index;
      const match = this.anchored.exec(text);
      if (match) return match;
      at = hint.index + 1;
    }
    return null;
  }
}

/** Labels of values that are not PII: a number after these is an order, a model, a price, a version. */
export const NON_PII_LABELS: readonly string[] = [
  "注文番号", "ご注文番号", "オーダー番号", "注文ID", "注文No", "受注番号", "Order", "order number", "order ID",
  "伝票番号", "追跡番号", "お問い合わせ番号", "問い合わせ番号", "問合せ番号", "受付番号", "申込番号", "お申込み番号",
  "お申し込み番号", "申し込み番号", "予約番号", "ご予約番号", "請求番号", "請求書番号", "見積番号", "見積書番号",
  "チケット番号", "案件番号", "管理番号", "品番", "型番", "型式", "製品番号", "商品番号", "商品コード", "シリアル番号",
  "製造番号", "ロット番号", "JANコード", "JAN", "バーコード", "ISBN", "EAN", "モデル", "model", "serial", "エラーコード", "error code", "バージョン", "version", "ver",
  "金額", "価格", "料金", "合計", "税込", "下4桁", "下四桁", "末尾", "内線", "部屋番号", "座席番号", "便名",
  "tracking", "invoice", "ticket",
];
