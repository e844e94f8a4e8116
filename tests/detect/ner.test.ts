import { describe, expect, it } from "vitest";
import { spans } from "../helpers/detect.js";

// [text, expected [type, surface] spans] for the names, organisations and places layer. Invented names.
type Row = [string, Array<[string, string]>];

describe.each<[string, Row[]]>([
  [
    "PERSON",
    [
      ["株式会社北斗物産の佐々木と申します。", [["ORGANIZATION", "株式会社北斗物産"], ["PERSON", "佐々木"]]],
      ["佐々木様ですね。", [["PERSON", "佐々木"]]], // the honorific stays outside (policy rule 4)
      ["お名前は、えー、村上美穂です", [["PERSON", "村上美穂"]]],
      ["口座名義 カワグチ　ミサキ", [["PERSON", "カワグチ　ミサキ"]]],
      ["ジョン・スミスさんが来ます", [["PERSON", "ジョン・スミス"]]],
      ["受付デスク、森でございます。", [["PERSON", "森"]]],
      ["アドバイザーをしております、小鳥遊と申します。", [["PERSON", "小鳥遊"]]],
      ["はい、森です。", [["PERSON", "森"]]],
      ["十一時にお届けに伺います。岬が承りました。", [["PERSON", "岬"]]],
      ["このたびは颯太くんの数学を担当します", [["PERSON", "颯太"]]],
      ["被保険者は父の岡部 正志です。", [["PERSON", "岡部 正志"]]],
      ["はじめまして！NAKAMURA Rina です。", [["PERSON", "NAKAMURA Rina"]]],
      ["I'm Emily Carter, nice to meet you", [["PERSON", "Emily Carter"]]],
      ["木曜日の木に村で木村です", [["PERSON", "木村"]]], // only the resulting name (policy rule 5)
      ["はい、林翼です。林は雑木林の林で、翼は飛行機の翼です。", [["PERSON", "林翼"], ["PERSON", "林"], ["PERSON", "翼"]]],
      ["初会合には吉岡、宇野、東の3氏も出席した", [["PERSON", "吉岡"], ["PERSON", "宇野"], ["PERSON", "東"]]],
      ["東西電機の山本社長は2日に会見した", [["ORGANIZATION", "東西電機"], ["PERSON", "山本"]]],
      ["私の母の三宅の家なので、宛名をお願いします", [["PERSON", "三宅"]]],
      ["プロ2年目の椎名もも（20）が初優勝した", [["PERSON", "椎名もも"], ["AGE", "20"]]],
      ["奥様と患者様とお客様", []],
      ["母の家に帰ります", []],
      ["営業部のメールから送ります", []], // a known word after a department is not a colleague
      ["六十歳以上の方は、えー、シニア割引です", []], // 以上の is not 上の (the elder child)
      ["ひかりは6歳です。誕生日が12月3日で", [["PERSON", "ひかり"], ["AGE", "6歳"], ["DATE_OF_BIRTH", "12月3日"]]],
      ["うちは6歳と3歳です", [["AGE", "6歳"], ["AGE", "3歳"]]], // うち is "we", not a name; the ages are the children's
      ["対局後、葉月五段は師匠に感謝した", [["PERSON", "葉月"]]],
      ["階段は三段あります", []],
      // A name's kanji given after its reading is the name (rule 5), found again where it recurs.
      ["わたぬきです。漢字だと四月一日って書きます。", [["PERSON", "四月一日"]]],
      ["漢字では、えっと、小鳥遊と書きます", [["PERSON", "小鳥遊"]]],
      // Art names (号) and rare kanji complete a name; kin and works after の point at a person.
      ["江戸中期の絵師、葛城雪舟斎は大坂に生まれた", [["PERSON", "葛城雪舟斎"]]],
      ["のちに名手と呼ばれた藤枝玄圃らが出た", [["PERSON", "藤枝玄圃"]]],
      ["雪舟斎の門下からは多くの絵師が出た", [["PERSON", "雪舟斎"]]],
      ["没问题～ 20:30 开始吧。", []], // Chinese: unknown kanji do not extend a name
      ["小学生以下は入場無料です", []], // 入場 is a surname, but です does not make 無料 a given name
      ["早瀬陸斗投手が先発した", [["PERSON", "早瀬陸斗"]]],
      // Full names in kana written as one word (ASR), with a cue; plain kana clauses stay.
      ["はい、かわしまゆうこです。", [["PERSON", "かわしまゆうこ"]]],
      ["カワシマユウコ様ですね", [["PERSON", "カワシマユウコ"]]],
      ["名前はたかはしけんたです", [["PERSON", "たかはしけんた"]]],
      ["まちがいないです", []],
      ["はい、中島さくらと申します", [["PERSON", "中島さくら"]]],
      ["打ち合わせメモ（北斗物産様 訪問）", [["ORGANIZATION", "北斗物産"]]],
      ["白樺学院高校に通っています", [["ORGANIZATION", "白樺学院高校"]]],
      ["総合病院に勤めています", []], // one ordinary compound is not a name
      ["お電話ありがとうございます。ソラネットサポートセンターの中村です。", [["ORGANIZATION", "ソラネット"], ["PERSON", "中村"]]],
      ["お電話ありがとうございます。カスタマーサポートセンターの中村です。", [["PERSON", "中村"]]],
      ["I go to Shirakaba Gakuin High School in Sapporo.", [["ORGANIZATION", "Shirakaba Gakuin High School"]]],
      ["She works at Minato General Hospital.", [["ORGANIZATION", "Minato General Hospital"]]],
      ["The High School is closed", []],
      ["ほんとうにすみませんでした", []],
      ["みずなみ銀行 関内支店\n普通 5518034\nリ ウェイ", [["BANK_ACCOUNT", "5518034"], ["PERSON", "リ ウェイ"]]],
      ["あ、情シスのジョーンズから聞いてます", [["PERSON", "ジョーンズ"]]],
      ["いつまでも元気でね ゆうと・あかりより", [["PERSON", "ゆうと"], ["PERSON", "あかり"]]],
      ["令和元年の十二月二十日で、下の蓮が生まれました", [["PERSON", "蓮"]]],
      ["はい、そうです。", []], // a greeting's word must be a name the lexicon knows
      ["大丈夫でございます。看護師も常駐しています", []], // でございます as a polite copula
      ["妻と、子どもが一人です。", []], // a count, not the given name 一人
      ["あの、二〇二四年はうるう年でしたね。", []],
      ["衆院議員の秋月正道氏（58）は地元で語った", [["PERSON", "秋月正道"], ["AGE", "58"]]],
      ["森林と原因と光回線の話です", []],
      ["マイナンバーの登録でエラーになります", []],
      ["小川のせせらぎを聞きながら昼寝したい", []],
      ["佐川急便さんの荷物が届きました", []],
      ["昨日の日本代表の試合、勝ちました", []],
    ],
  ],
  [
    "ORGANIZATION",
    [
      ["お電話ありがとうございます。ミナトシステムズ営業部の山口でございます。", [["ORGANIZATION", "ミナトシステムズ"], ["PERSON", "山口"]]],
      ["山本工務店株式会社に勤めています", [["ORGANIZATION", "山本工務店株式会社"]]],
      ["私はさくら総合病院で看護師をしています", [["ORGANIZATION", "さくら総合病院"]]],
      ["新卒で東亜データサービスに入って", [["ORGANIZATION", "東亜データサービス"]]],
      ["会社（ミナト物流株式会社）の同僚も休んでいます", [["ORGANIZATION", "ミナト物流株式会社"]]],
      ["I work for Minato Pharma as a sales rep", [["ORGANIZATION", "Minato Pharma"]]],
      ["みどり銀行の口座から引き落としです", []], // a bank as a provider
      ["ヤマト運輸で届きました", []],
      ["お手元に今の保険証券があれば", []],
      ["病院に行きました", []],
    ],
  ],
  [
    "LOCATION",
    [
      ["大阪出身で、今は横浜の港北区に住んでいます", [["LOCATION", "大阪"], ["LOCATION", "横浜の港北区"]]],
      ["母は札幌に住んでいます", [["LOCATION", "札幌"]]],
      ["I live in Kawasaki and work in Tokyo", [["LOCATION", "Kawasaki"]]],
      ["来週京都に旅行します", []],
      ["新宿駅で乗り換えです", []],
    ],
  ],
])("%s", (_type, rows) => {
  it.each(rows)("%s", (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });
});

describe("answers to the previous utterance", () => {
  it.each<[string, string, Array<[string, string]>]>([
    ["お名前をお伺いできますか。", "はい、なかむらです。", [["PERSON", "なかむら"]]],
    ["お勤め先を教えていただけますか。", "しらさぎ信用金庫です。", [["ORGANIZATION", "しらさぎ信用金庫"]]],
    ["お勤め先にお変わりはございませんか。", "はい、変わってないです。", []],
    ["ご出身はどちらですか？", "ハノイです！", [["LOCATION", "ハノイ"]]],
  ])("%s / %s", (question, answer, expected) => {
    expect(spans(answer, { precedingText: question })).toEqual(expected);
  });
});
