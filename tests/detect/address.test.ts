import { describe, expect, it } from "vitest";
import { Analyzer } from "../../shared/detect/analyze.js";
import { addressRecognizer } from "../../shared/detect/recognizers/address.js";

// One row per written or spoken form: [text, expected [type, surface] spans, previous utterance]. Invented
// streets, buildings and numbers only.
type Row = [string, Array<[string, string]>, string?];

const analyzer = new Analyzer({}, [addressRecognizer]);

function spans(text: string, precedingText?: string): Array<[string, string]> {
  const findings = analyzer.analyze(text, precedingText !== undefined ? { precedingText } : {});
  return findings.map((f) => [f.entity, text.slice(f.start, f.end)]);
}

const A = (surface: string): Array<[string, string]> => [["ADDRESS", surface]];

describe.each<[string, Row[]]>([
  [
    "typed, with the prefecture",
    [
      ["住所は東京都渋谷区神南一丁目5番3号です", A("東京都渋谷区神南一丁目5番3号")],
      ["〒150-0041 東京都渋谷区神南1-2-3 ハイツ神南201です", A("東京都渋谷区神南1-2-3 ハイツ神南201")],
      ["大阪府大阪市北区梅田３丁目１番１号", A("大阪府大阪市北区梅田３丁目１番１号")],
      ["神奈川県横浜市中区尾上町３－２１－４　ベイサイドハイツ５０２", A("神奈川県横浜市中区尾上町３－２１－４　ベイサイドハイツ５０２")],
      ["送付先：千葉県柏市柏ー７ー２２ コーポ柏２０３号室", A("千葉県柏市柏ー７ー２２ コーポ柏２０３号室")],
      ["愛知県愛知郡東郷町大字春木字白土12-3", A("愛知県愛知郡東郷町大字春木字白土12-3")],
      ["東京都中央区銀座9-5-6 銀座ミナトビル5F宛でお願いします", A("東京都中央区銀座9-5-6 銀座ミナトビル5F")],
      ["埼玉県さいたま市浦和区高砂3-9-20 のままで大丈夫です", A("埼玉県さいたま市浦和区高砂3-9-20")],
    ],
  ],
  [
    "typed, from the city or ward",
    [
      ["渋谷区神南一丁目のほうです", A("渋谷区神南一丁目")],
      ["市川市市川1-2-3に住んでます", A("市川市市川1-2-3")],
      ["市川市市川１－２－３ハイム市川２０１号室", A("市川市市川１－２－３ハイム市川２０１号室")],
      ["千代田区丸の内1丁目9-1", A("千代田区丸の内1丁目9-1")],
      ["横浜市西区みなとみらい2-3-1", A("横浜市西区みなとみらい2-3-1")],
      ["つくば市天久保1-2-3", A("つくば市天久保1-2-3")],
      ["福岡市博多区博多駅前4-6-18-805", A("福岡市博多区博多駅前4-6-18-805")],
      ["送り先は、世田谷区池尻3-1-2、パレス池尻305号室でお願いします", A("世田谷区池尻3-1-2、パレス池尻305号室")],
      ["新住所横浜市港北区新横浜2丁目5-11です", A("横浜市港北区新横浜2丁目5-11")],
      ["堺市北区中百舌鳥町5-668 ルミエール中もず1102", A("堺市北区中百舌鳥町5-668 ルミエール中もず1102")],
    ],
  ],
  [
    "Kyoto and Sapporo",
    [
      ["京都市中京区烏丸通御池上ル二条殿町552-1です", A("京都市中京区烏丸通御池上ル二条殿町552-1")],
      ["京都市下京区四条通烏丸東入ル長刀鉾町12番地", A("京都市下京区四条通烏丸東入ル長刀鉾町12番地")],
      ["京都市上京区今出川通寺町西入ル大原口町です", A("京都市上京区今出川通寺町西入ル大原口町")],
      ["札幌市中央区北一条西二丁目", A("札幌市中央区北一条西二丁目")],
      ["札幌市中央区北3条西4丁目1-1", A("札幌市中央区北3条西4丁目1-1")],
      ["伝票では南九条西八丁目になっています", A("南九条西八丁目")],
    ],
  ],
  [
    "spoken (ASR)",
    [
      ["二丁目五番地の三です", A("二丁目五番地の三")],
      ["豊島区南池袋二丁目三十一の四、コーポ南池袋の、あの、二〇四です", A("豊島区南池袋二丁目三十一の四、コーポ南池袋の、あの、二〇四")],
      ["えー、練馬区、えー、石神井町、あの、六の十七の二です", A("練馬区、えー、石神井町、あの、六の十七の二")],
      ["住所が荒川区西尾久五丁目、えー、十四の六、グランメール尾久八〇七です", A("荒川区西尾久五丁目、えー、十四の六、グランメール尾久八〇七")],
      ["静岡市葵区松風町五の十二でよろしいですか", A("静岡市葵区松風町五の十二")],
      ["横浜市港北区新横浜三丁目、えー、七の十九、新横浜第三ビル四階です", A("横浜市港北区新横浜三丁目、えー、七の十九、新横浜第三ビル四階")],
      ["大阪市淀川区十三本町、二ー八ー十、レジデンス十三の、八〇一です", A("大阪市淀川区十三本町、二ー八ー十、レジデンス十三の、八〇一")],
      ["横手市平鹿町浅舞、えー、字下川原、八十五番地です", A("横手市平鹿町浅舞、えー、字下川原、八十五番地")],
      ["えっと、一五四の〇〇〇一で、世田谷区池尻二丁目三十一の八です", A("世田谷区池尻二丁目三十一の八")],
      ["目黒区八雲、一ハイフン二ハイフン三です", A("目黒区八雲、一ハイフン二ハイフン三")],
    ],
  ],
  [
    "answers to an address question",
    [
      ["二丁目五番地の三です", A("二丁目五番地の三"), "ご住所をお願いします"],
      ["1-2-3 ハイム市川201です", A("1-2-3 ハイム市川201"), "お届け先のご住所は？"],
      ["えっと、十四の六の二です", A("十四の六の二"), "番地をお願いします"],
      ["世田谷区池尻です", A("世田谷区池尻"), "ご住所を伺えますか"],
      ["マンションなんで、部屋番号が七〇八です", A("七〇八"), "ご自宅は豊島区南池袋二丁目三十一の四でよろしいですか"],
    ],
  ],
  [
    "English",
    [["Please send it to 2-8-15 Shirokane, Chuo-ku, Fukuoka-shi, Fukuoka 810-0012", A("2-8-15 Shirokane, Chuo-ku, Fukuoka-shi, Fukuoka")]],
  ],
  [
    "not an address",
    [
      ["ご住所は", []],
      ["住所変更をお願いしたいんですけど", []],
      ["新宿店に来てください", []],
      ["渋谷支店の口座です", []],
      ["東京駅で待ち合わせしましょう", []],
      ["京都タワーに行きました", []],
      ["母は長野県松本市に住んでます", []],
      ["横浜市港北区です", []],
      ["横浜市港北区です", [], "ご住所をお願いします"], // a city alone is not finer than 町
      ["会議は3月5日の10時から12時です", []],
      ["料金は1,200円です", []],
      ["新宿三丁目駅の乗り換え、分かりにくい", []],
      ["銀座四丁目の交差点で", []],
      ["新宿三丁目で飲みましょう", []],
      ["電話番号は03-1234-5678です", []],
      ["品番は2-3-4です", []],
      ["2024-12-25に伺います", []],
      ["東京都渋谷区神南1-2-3の会場で開催します", []], // an event venue
      ["大阪市内の3店舗で", []],
      ["杉並区に住んでいて、1-2年です", []],
      ["郵便番号150-0041です", []],
      ["国道246号線を北へ", []],
      ["+81-3-6812-9930にお電話ください", [], "ご住所をお願いします"],
    ],
  ],
])("%s", (_name, rows) => {
  it.each(rows)("%s", (text, expected, precedingText) => {
    expect(spans(text, precedingText)).toEqual(expected);
  });
});

describe("addressRecognizer", () => {
  it("leaves the postal code and 〒 outside the span", () => {
    const text = "〒116-0013 東京都荒川区西尾久5丁目14-6";
    expect(spans(text)).toEqual(A("東京都荒川区西尾久5丁目14-6"));
  });

  it("reports offsets in the original text, fillers and full-width digits included", () => {
    const text = "はい、中野区本町、えー、４丁目２の１１です。";
    const [finding] = analyzer.analyze(text);
    expect(finding?.entity).toBe("ADDRESS");
    expect(text.slice(finding!.start, finding!.end)).toBe("中野区本町、えー、４丁目２の１１");
  });

  it("scores a city with a number chain above a 町域 with one", () => {
    const [full] = analyzer.analyze("中野区本町4-2-11");
    const [town] = analyzer.analyze("本町4-2-11 コーポ本町201");
    expect(full?.score).toBeGreaterThanOrEqual(0.85);
    expect(town?.score).toBeLessThan(full!.score);
  });
});
