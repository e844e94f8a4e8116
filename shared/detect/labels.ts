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
