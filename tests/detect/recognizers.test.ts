import { describe, expect, it } from "vitest";
import { luhnValid } from "../../shared/detect/recognizers/credit-card.js";
import { myNumberValid } from "../../shared/detect/recognizers/my-number.js";
import { spans } from "../helpers/detect.js";

// One row per written form: [text, expected [type, surface] spans]. Invented values only; IPs from the
// documentation ranges; card numbers pass Luhn.
type Row = [string, Array<[string, string]>];

describe.each<[string, Row[]]>([
  [
    "PHONE",
    [
      ["電話番号は090-1234-5678です", [["PHONE", "090-1234-5678"]]],
      ["携帯は０９０－１２３４－５６７８です", [["PHONE", "０９０－１２３４－５６７８"]]],
      ["はい、〇八〇、えー、四四五一、の、二二〇九です。", [["PHONE", "〇八〇、えー、四四五一、の、二二〇九"]]],
      ["ゼロキューゼロのいちにさんよんのごーろくななはちです", [["PHONE", "ゼロキューゼロのいちにさんよんのごーろくななはち"]]],
      ["代表は03(1234)5678、FAXは0466-12-3456です", [["PHONE", "03(1234)5678"], ["PHONE", "0466-12-3456"]]],
      ["フリーダイヤル0120-123-456まで", [["PHONE", "0120-123-456"]]],
      ["海外からは+81 90 1234 5678へ", [["PHONE", "+81 90 1234 5678"]]],
      ["プラス81、80、6172、3395で", [["PHONE", "プラス81、80、6172、3395"]]],
      ["〇八〇の三三五六の〇九一二、あ、違う、〇九二一です", [["PHONE", "〇八〇の三三五六の〇九一二、あ、違う、〇九二一"]]],
    ],
  ],
  [
    "EMAIL",
    [
      ["メールはtaro.yamada+news@example.co.jpです", [["EMAIL", "taro.yamada+news@example.co.jp"]]],
      ["ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐにお願いします", [["EMAIL", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"]]],
      ["ヤマダ アットマーク エグザンプル ドット シーオー ドット ジェイピー です", [["EMAIL", "ヤマダ アットマーク エグザンプル ドット シーオー ドット ジェイピー"]]],
      [
        "えっと、ケー、ユー、ビー、オー、ティー、エー、アットマーク、エグザンプル、ドット、コムです",
        [["EMAIL", "ケー、ユー、ビー、オー、ティー、エー、アットマーク、エグザンプル、ドット、コム"]],
      ],
      ["hanako (at) example (dot) net まで", [["EMAIL", "hanako (at) example (dot) net"]]],
      ["アットホームな職場です", []],
    ],
  ],
  [
    "CREDIT_CARD",
    [
      ["カード番号は4111 1111 1111 1111です", [["CREDIT_CARD", "4111 1111 1111 1111"]]],
      ["3530-1113-3330-0000で決済", [["CREDIT_CARD", "3530-1113-3330-0000"]]],
      ["注文番号は1234567890123456です", []], // fails Luhn: an order number (policy rule 8)
      ["下4桁は1111です", []],
    ],
  ],
  [
    "MY_NUMBER",
    [
      ["マイナンバーは1234 5678 9018です", [["MY_NUMBER", "1234 5678 9018"]]],
      ["個人番号、一二三四、五六七八、九〇一九", [["MY_NUMBER", "一二三四、五六七八、九〇一九"]]], // check digit fails, keyword holds
      ["伝票番号は123456789018です", []], // another label wins
    ],
  ],
  [
    "POSTAL_CODE",
    [
      ["〒150-0041 東京都渋谷区", [["POSTAL_CODE", "150-0041"]]],
      ["郵便番号は1500041です", [["POSTAL_CODE", "1500041"]]],
      ["116-0013、東京都荒川区", [["POSTAL_CODE", "116-0013"]]],
      ["価格は150-0041円", []],
    ],
  ],
  [
    "BANK_ACCOUNT",
    [
      ["振込先は普通預金1234567です", [["BANK_ACCOUNT", "1234567"]]],
      ["普通で、三〇八、えー、五五一二です", [["BANK_ACCOUNT", "三〇八、えー、五五一二"]]],
      ["ゆうちょの記号番号は10480-27351691です", [["BANK_ACCOUNT", "10480-27351691"]]],
      ["普通に1234567円かかります", []],
    ],
  ],
  [
    "DRIVERS_LICENSE",
    [
      ["免許証番号は301234567890です", [["DRIVERS_LICENSE", "301234567890"]]],
      ["免許は、えっと、30、15、40、81、16、60です", [["DRIVERS_LICENSE", "30、15、40、81、16、60"]]],
    ],
  ],
  [
    "PASSPORT",
    [
      ["パスポート番号はTR1234567です", [["PASSPORT", "TR1234567"]]],
      ["旅券番号、エム、ゼット、〇五八一二六四です", [["PASSPORT", "エム、ゼット、〇五八一二六四"]]],
      ["型番はKX1234567です", []],
    ],
  ],
  [
    "IP_ADDRESS",
    [
      ["接続元は192.0.2.15です", [["IP_ADDRESS", "192.0.2.15"]]],
      ["許可したのは 203.0.113.0/24 です", [["IP_ADDRESS", "203.0.113.0/24"]]],
      ["2001:db8::1/64 を固定で", [["IP_ADDRESS", "2001:db8::1/64"]]],
      ["バージョン1.2.3.4です", []],
      ["10:30:00 に開始", []],
    ],
  ],
  [
    "URL",
    [
      ["ブログは https://taro.example.jp/diary です", [["URL", "https://taro.example.jp/diary"]]],
      ["インスタは@taro_eng です", [["URL", "@taro_eng"]]],
      ["LINE IDはtaro-0123です", [["URL", "taro-0123"]]],
      ["詳しくは弊社のヘルプページ https://www.example.com/help をご覧ください", []],
      ["@channel 確認お願いします", []],
    ],
  ],
  [
    "ACCOUNT_ID",
    [
      ["会員番号は、えっと、A-20391847です", [["ACCOUNT_ID", "A-20391847"]]],
      ["会員番号は090-1234-5678です", [["ACCOUNT_ID", "090-1234-5678"]]], // phone-shaped, typed by its label
      ["my login ID is taro_2024", [["ACCOUNT_ID", "taro_2024"]]],
      ["証券番号、L、八八〇、三一七、六二五です", [["ACCOUNT_ID", "L、八八〇、三一七、六二五"]]],
      ["会員番号の下4桁は1234です", []],
      ["IDとパスワードを忘れました", []],
    ],
  ],
  [
    "PASSWORD",
    [
      ["パスワードはsakura2024です", [["PASSWORD", "sakura2024"]]],
      ["暗証番号はいちにさんよんです", [["PASSWORD", "いちにさんよん"]]],
      ["PW: Km7!q4R9", [["PASSWORD", "Km7!q4R9"]]],
      ["暗証番号って 7351 のままですよね？ネットのほうも Yumi_2024pw で一緒です", [["PASSWORD", "7351"], ["PASSWORD", "Yumi_2024pw"]]],
      ["パスワードは8文字以上にしてください", []],
      ["PIN this message please", []],
    ],
  ],
  [
    "not PII",
    [
      ["月額9,800円で、来週の火曜日14時にお伺いします", []],
      ["型番はKX-2040Bで、バージョン12.4.1です", []],
      ["お問い合わせ伝票番号は123456789012です", []],
      ["担当は<PERSON_1>、電話は<PHONE_1>です", []],
      ["三万五千円のプランです", []],
    ],
  ],
])("%s", (_type, rows) => {
  it.each(rows)("%s", (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });
});

describe("answers to the previous utterance", () => {
  it.each<[string, string, Array<[string, string]>]>([
    ["パスポート番号を教えていただけますか。", "はい、ティー、エス、三三九〇五七一です。", [["PASSPORT", "ティー、エス、三三九〇五七一"]]],
    ["お客様コードとお名前をお願いいたします。", "コードが、えー、五一〇の、二二八三四七です。", [["ACCOUNT_ID", "五一〇の、二二八三四七"]]],
    ["暗証番号をお願いします。", "えっと、いち、なな、ろく、きゅう。", [["PASSWORD", "いち、なな、ろく、きゅう"]]],
    ["口座番号をお願いします。", "1234567です。", [["BANK_ACCOUNT", "1234567"]]],
    ["ご用件をどうぞ。", "1234567円の請求が来ました。", []],
  ])("%s / %s", (question, answer, expected) => {
    expect(spans(answer, { precedingText: question })).toEqual(expected);
  });
});

describe("validators", () => {
  it.each([
    ["123456789018", true],
    ["123456789019", false],
    ["548836529885", true],
  ])("My Number check digit of %s is %s", (digits, valid) => {
    expect(myNumberValid(digits)).toBe(valid);
  });

  it.each([
    ["4111111111111111", true],
    ["4111111111111112", false],
    ["378282246310005", true],
  ])("Luhn of %s is %s", (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});
