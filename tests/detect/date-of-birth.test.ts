import { describe, expect, it } from "vitest";
import { Analyzer } from "../../shared/detect/analyze.js";
import { findDates } from "../../shared/detect/recognizers/dates.js";
import { dateOfBirthRecognizer } from "../../shared/detect/recognizers/date-of-birth.js";

// One row per written form: [text, expected [type, surface] spans]. Invented people and dates only.
type Row = [string, Array<[string, string]>];
const D = "DATE_OF_BIRTH";

const analyzer = new Analyzer({}, [dateOfBirthRecognizer]);

function spans(text: string, precedingText?: string): Array<[string, string]> {
  return analyzer.analyze(text, precedingText !== undefined ? { precedingText } : {}).map((f) => [f.entity, text.slice(f.start, f.end)]);
}

const POSITIVE: Row[] = [
  // era forms, kanji positional and digits, 元年, initials
  ["生年月日は昭和58年11月20日です", [[D, "昭和58年11月20日"]]],
  ["えー、昭和五十八年の、えー、十一月二十日生まれです。", [[D, "昭和五十八年の、えー、十一月二十日"]]],
  ["妻は平成十年三月五日生まれで、免許は持っています", [[D, "平成十年三月五日"]]],
  ["令和元年5月1日生まれの娘がいます", [[D, "令和元年5月1日"]]],
  ["祖父は明治45年7月30日生まれでした", [[D, "明治45年7月30日"]]],
  ["大正十五年生まれの祖母です", [[D, "大正十五年"]]],
  ["昭和60年生まれです", [[D, "昭和60年"]]],
  ["生年月日：S60.3.5", [[D, "S60.3.5"]]],
  ["生年月日はH2/4/2です", [[D, "H2/4/2"]]],
  ["お生まれはR1です", [[D, "R1"]]],
  // Western dates, full-width, spoken digit strings, fillers
  ["1985年3月5日生まれです", [[D, "1985年3月5日"]]],
  ["生年月日 1985/3/5 で登録しました", [[D, "1985/3/5"]]],
  ["DOB: 1985-03-05", [[D, "1985-03-05"]]],
  ["誕生日は1985.3.5です", [[D, "1985.3.5"]]],
  ["生年月日は１９９０年４月２日、電話は後でお伝えします", [[D, "１９９０年４月２日"]]],
  ["一九八七年の九月十八日生まれです", [[D, "一九八七年の九月十八日"]]],
  ["生年月日は、えーと、1991年の、えーと、10月24日です", [[D, "1991年の、えーと、10月24日"]]],
  // partial: year only, year and month, month and day
  ["85年生まれです", [[D, "85年"]]],
  ["1993年生まれの営業です", [[D, "1993年"]]],
  ["研究所長は1975年3月生まれ。", [[D, "1975年3月"]]],
  ["誕生日は3月5日です", [[D, "3月5日"]]],
  ["私の誕生日は十二月二十四日です", [[D, "十二月二十四日"]]],
  ["３月５日が誕生日です", [[D, "３月５日"]]],
  ["3月5日は妻の誕生日なんです", [[D, "3月5日"]]],
  ["祖母の誕生日の5月12日に届けたいです", [[D, "5月12日"]]],
  ["声優の白石さんが、4月18日の誕生日に合わせてエッセー集を出す", [[D, "4月18日"]]],
  // a date, then the place, then 生まれ (news and biographies)
  ["1962年、東京都生まれ。", [[D, "1962年"]]],
  ["1871年にハンブルクで生まれた探検家", [[D, "1871年"]]],
  ["1932年、佐賀県有田町の窯元に生まれ、15歳で弟子入りした", [[D, "1932年"]]],
  ["絵師は享保3年、大坂の商家に生まれたと伝えられる", [[D, "享保3年"]]],
  // English
  ["Date of birth: March 5, 1985", [[D, "March 5, 1985"]]],
  ["I was born on 5 March 1985.", [[D, "5 March 1985"]]],
  ["My date of birth is 3/5/1985.", [[D, "3/5/1985"]]],
  ["I was born in 1994, in Sendai!", [[D, "1994"]]],
  ["I was born in Sendai in 1997.", [[D, "1997"]]],
  ["I was born in '85.", [[D, "'85"]]],
  ["My birthday is July 2nd.", [[D, "July 2nd"]]],
  // learners' kana units, Korean, Chinese
  ["わたしの たんじょうびは 3がつ14にち です", [[D, "3がつ14にち"]]],
  ["わたしは 1999ねん 7がつ 2かに うまれました。", [[D, "1999ねん 7がつ 2か"]]],
  ["제 생일은 12월 9일이에요.", [[D, "12월 9일"]]],
  ["1993년에 태어났어요.", [[D, "1993년"]]],
  ["我的生日是1990年5月3日。", [[D, "1990年5月3日"]]],
  // a question and its answer in one text; two dates of which only one is the birth date
  ["お生まれは昭和何年ですか？昭和45年です", [[D, "昭和45年"]]],
  ["生年月日：1985年3月5日、契約日：2020年4月1日", [[D, "1985年3月5日"]]],
  ["雪村は2006年12月24日生まれの17歳。", [[D, "2006年12月24日"]]],
];

const NEGATIVE: string[] = [
  "会議は3月5日の14時からです",
  "契約日は2024年4月1日です",
  "更新日は2025年3月31日になります",
  "有効期限は2027年3月までです",
  "お届けは11月6日になります",
  "2024年の売上は前年比120%でした",
  "誕生日プレゼントを3月5日に送ります",
  "誕生日会は3月5日にやります",
  "Birthday party on March 5!",
  "1990年生まれの方は対象外です",
  "東京生まれで、2010年に上京しました",
  "次回のレッスンは11/14です",
  "お子さまの生年月日を入力してください（例：2021/05/10）",
  "3年間勤めました",
  "北極海の海氷は、この40年で約4割減った",
  "1985年に入社しました",
  "生年月日と、ご契約日の2020年4月1日を確認します",
  "誕生日までに、3月5日必着で送ってください",
  "2024年度の予算です",
  "1990年代の曲が好き",
  "小学5年生です",
  "生年月日の確認が取れました。ご予約は3月5日の10時です",
  "誕生日に3月5日から旅行します",
  "平成2年の法改正で変わりました",
  "子どもが生まれたのは嬉しいけど、4月1日から保育園です",
  "The next session is on March 5.",
  "静岡市葵区昭和町五の十二です",
  "S3バケットに保存してください",
  "12/20(金)〜12/22(日) 2泊のご予約ですね",
];

// [previous utterance, answer, expected spans in the answer]
const ANSWERS: Array<[string, string, Array<[string, string]>]> = [
  ["ご契約者様の生年月日をお願いします。", "1996年4月2日です。", [[D, "1996年4月2日"]]],
  ["まず生年月日をお願いします。", "一九八七年の九月十八日です。", [[D, "一九八七年の九月十八日"]]],
  ["お名前・生年月日・運転免許証番号を入力してください。", "堀 由美\n昭和62年5月30日", [[D, "昭和62年5月30日"]]],
  ["被保険者さまの生年月日をご入力ください。", "S28.2.14です。", [[D, "S28.2.14"]]],
  ["生年月日を教えてください", "1982.12.05", [[D, "1982.12.05"]]],
  ["さくらさんの誕生日はいつですか？", "12月9日です🎂", [[D, "12月9日"]]],
  ["When were you born?", "March 5, 1985.", [[D, "March 5, 1985"]]],
  ["えー、昭和五十八年の、えー、十一月二十日生まれです。", "昭和58年11月20日ですね。ありがとうございます。", [[D, "昭和58年11月20日"]]],
  // several people's birth dates in one answer; spoken era initials with の for 年月日
  [
    "入居申込書にはご入居者様全員のお名前と生年月日が必要になるんですが、今伺ってもよろしいですか。",
    "いいですよ。私が一九八七年の四月十五日で、今三十八です。妻が沙織で、八九年六月二日、三十六です。",
    [[D, "一九八七年の四月十五日"], [D, "八九年六月二日"]],
  ],
  [
    "お二人の生年月日を伺ってもよろしいでしょうか。",
    "私がエス五十八の、十の二十一で、主人がエス五十五年の三月五日です。",
    [[D, "エス五十八の、十の二十一"], [D, "エス五十五年の三月五日"]],
  ],
  // a read-back of a full date just given
  ["昭和五十八年二月十四日です。", "昭和58年2月14日ですね。ありがとうございます。", [[D, "昭和58年2月14日"]]],
  ["ご予約は2019年4月1日です", "2019年4月1日ですね", []],
  ["昭和五十八年二月十四日です。", "平成2年4月2日ですね", []],
  ["生年月日をお願いします", "すみません、来週の会議は3月5日でしたっけ", []],
  ["生年月日をお願いします", "あ、その前に、3/5の件なんですけど", []],
  ["次回のご予約はいつにしますか", "3月5日でお願いします", []],
  ["誕生日プレゼントはいつ届きますか", "3月5日に届きます", []],
  ["生まれた年を教えてください", "Thu 11/14, 19:00〜でどうでしょう", []],
];

describe("DATE_OF_BIRTH", () => {
  it.each(POSITIVE)("%s", (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it.each(NEGATIVE)("not a birth date: %s", (text) => {
    expect(spans(text)).toEqual([]);
  });

  it.each(ANSWERS)("answer to %s: %s", (question, answer, expected) => {
    expect(spans(answer, question)).toEqual(expected);
  });
});

describe("findDates", () => {
  it("reads era years and checks the calendar", () => {
    expect(findDates("昭和五十八年二月十四日")).toMatchObject([{ parts: "ymd", year: 1983, month: 2, day: 14 }]);
    expect(findDates("令和元年")).toMatchObject([{ parts: "y", year: 2019 }]);
    expect(findDates("H2/4/2")).toMatchObject([{ parts: "ymd", year: 1990, month: 4, day: 2 }]);
    expect(findDates("エス五十八の、十の二十一")).toMatchObject([{ parts: "ymd", year: 1983, month: 10, day: 21 }]);
    expect(findDates("八九年六月二日")).toMatchObject([{ parts: "ymd", year: 89, month: 6, day: 2 }]);
  });

  it("rejects impossible dates and era years", () => {
    expect(findDates("2月30日")).toEqual([]);
    expect(findDates("13月5日")).toEqual([]);
    expect(findDates("平成45年")).toEqual([]);
  });
});
