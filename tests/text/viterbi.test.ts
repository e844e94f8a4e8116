import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { dictionaryDir, loadKuromojiTokenizer, loadTokenizer, type Tokenizer } from "../../shared/text/tokenizer.js";
import { prepareText } from "../../shared/text/analysis-text.js";
import { devsetConversations } from "../helpers/devset-conversations.js";

// The engine's tokenizer runs kuromoji's lattice and Viterbi search in shared/text/viterbi.ts; these tests hold it
// to kuromoji's own `tokenize` over the same dictionary, token by token (surface, offsets, tags, reading).
describe("loadTokenizer (shared/text/viterbi.ts)", () => {
  let fast: Tokenizer;
  let reference: Tokenizer;

  beforeAll(() => {
    fast = loadTokenizer(dictionaryDir());
    reference = loadKuromojiTokenizer(dictionaryDir());
  }, 60_000);

  it("cuts every dev-set utterance, as written and as analysis text, exactly as kuromoji does", () => {
    // Prepare
    const texts = devsetConversations().flatMap((c) => c.items.map((item) => item.text));
    let tokens = 0;

    // Act, Assess
    for (const text of [...texts, ...texts.map((t) => prepareText(t).text)]) {
      const expected = reference.tokenize(text);
      expect(fast.tokenize(text)).toEqual(expected);
      tokens += expected.length;
    }
    expect(tokens).toBeGreaterThan(20_000);
  });

  it("agrees with kuromoji on generated text: kana, kanji, symbols, punctuation runs, spaces, emoji, NUL", () => {
    const alphabet = [
      ..."あいうえおかきくけこさしすせそたちつてとなにぬねのはまやらわをんがざだばぱっゃー",
      ..."アイウエオカキクケコサシスセソタチツテトナニヌネノマヤラワヲンガザダバパッャー",
      ..."山田佐藤東京都大阪市区町村一二三四五六七八九十百年月日時分社会株式有限様",
      ..."。、．，！？!?()（）「」 　\n\t-－…・abcXYZ0123456789０１２＠@.#ｱｲｳ",
      "𠮷", "😀", "\u0000", "\uD800",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (chars) => {
        const text = chars.join("");
        expect(fast.tokenize(text)).toEqual(reference.tokenize(text));
      }),
      { numRuns: 3000, seed: 20261123 },
    );
  });

  it("carries kuromoji's positions across sentence ends, also after a symbol run that swallows the 、", () => {
    for (const text of ["……、ええ。はい", "、、。。", "はい。", "ええと、山田です。電話は、090です"]) {
      expect(fast.tokenize(text)).toEqual(reference.tokenize(text));
    }
    expect(fast.tokenize("")).toEqual([]);
  });
});
