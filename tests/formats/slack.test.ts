import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { slackFormat, tokenizeSlackText } from "../../shared/formats/slack.js";
import { readZip, writeZip, type ZipEntry } from "../../shared/formats/zip.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";
import { keepFormatBytesInput, keepFormatInput, readEventBytes, testEngine } from "./keep-format-helpers.js";

const ZIP = "formats/slack/slack-export.zip";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs `act`, expects an InputFormatError, and returns its message. */
function errorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return (error as Error).message;
  }
  throw new Error("expected an InputFormatError");
}

function parseZip(path = ZIP): Conversation[] {
  const parseBytes = slackFormat.parseBytes;
  if (parseBytes === undefined) throw new Error("slack reads bytes");
  return parseBytes(readEventBytes(path), { file: path.split("/").pop() as string });
}

/** An archive of the sample export with some entries changed (undefined data removes one). */
function changedExport(changes: Record<string, string | undefined>): Uint8Array {
  const entries = readZip(readEventBytes(ZIP), "slack-export.zip");
  const out: ZipEntry[] = entries.filter((entry) => !(entry.name in changes) || changes[entry.name] !== undefined);
  const updated = out.map((entry) => (entry.name in changes ? { ...entry, data: encoder.encode(changes[entry.name] as string) } : entry));
  for (const [name, text] of Object.entries(changes)) {
    if (text !== undefined && !entries.some((entry) => entry.name === name)) updated.push({ name, data: encoder.encode(text), dosTime: 0, dosDate: 33 });
  }
  return writeZip(updated);
}

function renderedEntries(bytes: Uint8Array): Map<string, unknown> {
  return new Map(readZip(bytes, "out.zip").map((entry) => [entry.name, entry.name.endsWith("/") ? "" : JSON.parse(decoder.decode(entry.data))]));
}

describe("slack: parse an export (.zip)", () => {
  it("reads one conversation per channel and day, personal channel and group DM names replaced by ids", () => {
    // Act
    const conversations = parseZip();

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length, c.metadata["skippedMessages"]])).toEqual([
      ["C03TIMES003/2024-06-03", 1, 0],
      ["D05DM000005/2024-06-05", 2, 0],
      ["G04MPIM0004/2024-06-05", 1, 0],
      ["general/2024-06-03", 5, 1],
      ["general/2024-06-04", 2, 0],
      ["sales-team/2024-06-03", 1, 0],
    ]);
    expect(conversations[3]?.metadata).toEqual({
      format: "slack",
      file: "slack-export.zip",
      channel: "general",
      date: "2024-06-03",
      messages: 5,
      skippedMessages: 1,
    });
  });

  it.each([
    [0, "山田 太郎", "system", "2024-06-03T00:50:00.000Z", "@<SPEAKER_1> has joined the channel"],
    [1, "佐藤 花子", undefined, "2024-06-03T01:00:00.000Z", "@<SPEAKER_1> さん、明日の商談の件です。先方のご担当は北斗物産の高橋 誠様、お電話は03-1234-5678です。"],
    [2, "山田 太郎", undefined, "2024-06-03T01:05:00.000Z", "承知しました。資料はこちらです。連絡先は taro.yamada@example.com & 携帯 090-1234-5678 でも大丈夫です。"],
    [3, "B06REMIND1", "assistant", "2024-06-03T01:10:00.000Z", "リマインダー: 6月4日 10:00 #sales-team 定例"],
    [4, "佐藤 花子", undefined, "2024-06-03T01:20:00.000Z", "@<SPEAKER_4> 送付先は〒105-0011 東京都港区芝公園4-2-8 メゾン芝301号室で合っていますか？"],
  ])("general/2024-06-03 utterance %i", (index, speaker, role, timestamp, text) => {
    // Act
    const general = parseZip()[3];

    // Assess
    expect(general?.utterances[index]).toEqual({ index, speaker, ...(role ? { role } : {}), timestamp, text });
  });

  it("reads an archive whose export sits in one folder, skipping macOS metadata", () => {
    // Act
    const conversations = parseZip("formats/slack/slack-export-in-folder.zip");

    // Assess
    expect(conversations.map((c) => c.conversationId)).toEqual(parseZip().map((c) => c.conversationId));
  });

  it("maps roles by name, user id, bot name or subtype when asked", () => {
    // Act
    const general = slackFormat.parseBytes?.(readEventBytes(ZIP), {
      file: "slack-export.zip",
      roleMap: { "佐藤 花子": "customer", U04ABCD1234: "agent", リマインダー: "system" },
    })?.[3];

    // Assess
    expect(general?.utterances.map((u) => u.role)).toEqual(["agent", "customer", "agent", "system", "customer"]);
  });
});

describe("slack: message text", () => {
  it.each([
    ["mention", "<@U04ABCD1234> さん", ["user:U04ABCD1234", "text: さん"]],
    ["legacy mention with a name", "<@U04ABCD1234|t.yamada>", ["user:U04ABCD1234"]],
    ["channel link", "<#C02SALES002|sales-team>", ["channel:C02SALES002"]],
    ["specials and a user group", "<!here> <!subteam^S0SALES01|@sales>", ["special:here", "text: ", "labelled:@sales"]],
    ["labelled link", "<https://example.com/a?b=1&amp;c=2|資料>", ["labelled:資料"]],
    ["mailto", "<mailto:a@example.com|a@example.com>", ["labelled:a@example.com"]],
    ["bare link", "<https://example.com/>", ["link:https://example.com/"]],
    ["escaped text", "a &lt; b &amp;&amp; c &gt; d", ["text:a < b && c > d"]],
    ["a < that is not a token", "1 < 2", ["text:1 < 2"]],
  ])("%s", (_name, text, expected) => {
    // Act
    const tokens = tokenizeSlackText(text);

    // Assess
    expect(
      tokens.map((token) =>
        token.kind === "text" ? `text:${token.value}` : token.kind === "user" || token.kind === "channel" ? `${token.kind}:${token.id}` : token.kind === "special" ? `special:${token.name}` : token.kind === "labelled" ? `labelled:${token.label}` : `link:${token.url}`,
      ),
    ).toEqual(expected);
  });

  it("mentions use the number of the speaker_N the engine gives that user", () => {
    // Prepare
    const general = parseZip()[3] as Conversation;

    // Act
    const anonymized = testEngine().anonymizeConversation(general).conversation;

    // Assess: 山田 is mentioned as <SPEAKER_1> and speaks as speaker_1
    expect(anonymized.utterances[0]?.speaker).toBe("speaker_1");
    expect(anonymized.utterances[1]?.text.startsWith("@<SPEAKER_1> さん")).toBe(true);
  });
});

describe("slack: a single day file (text)", () => {
  it("reads a day file on its own, names from user_profile", () => {
    // Act
    const conversations = slackFormat.parse(readEvent("formats/slack/export/general/2024-06-04.json"), { file: "general/2024-06-04.json" });

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.map((u) => u.speaker)])).toEqual([
      ["general/2024-06-04", ["山田 太郎", "佐藤 花子"]],
    ]);
  });

  it("does not use a personal channel name as the conversation id", () => {
    // Act
    const [day] = slackFormat.parse(readEvent("formats/slack/export/times-yamada/2024-06-03.json"), { file: "times-yamada/2024-06-03.json" });

    // Assess
    expect(day?.conversationId).toBe("2024-06-03");
  });

  it.each([
    ["users.json", "formats/slack/export/users.json"],
    ["channels.json", "formats/slack/export/channels.json"],
  ])("refuses %s on its own, pointing to the whole export", (name, path) => {
    // Act
    const message = errorMessage(() => slackFormat.parse(readEvent(path), { file: name }));

    // Assess
    expect(message).toBe(
      `${name}: a Slack ${name} on its own holds no messages; anonymize the whole export (.zip) so that names are masked consistently with the messages`,
    );
  });

  it("keep-format of a day file pseudonymizes ids and masks the text", () => {
    // Prepare
    const { input } = keepFormatInput(slackFormat, "general/2024-06-04.json", readEvent("formats/slack/export/general/2024-06-04.json"));

    // Act
    const rendered = JSON.parse(slackFormat.render(input)) as Array<Record<string, unknown>>;

    // Assess
    expect(rendered.map((message) => [message["user"], message["text"]])).toEqual([
      ["U00000001", "おはようございます。&lt;PERSON_1&gt;様から折り返しがあり、メールは &lt;EMAIL_1&gt; とのことです。"],
      ["U00000002", "ありがとうございます！<!here> 本日の定例は15時からです。"],
    ]);
    expect((rendered[1]?.["reactions"] as Array<{ users: string[] }>)[0]?.users).toEqual(["U00000001", "U00000003"]);
  });
});

describe("slack: malformed exports", () => {
  it("names the entry, line and field of a message without a timestamp, never its text", () => {
    // Prepare
    const day = JSON.stringify([{ type: "message", user: "U04ABCD1234", text: "山田です 090-1234-5678", ts: "1717462800.000100" }, { type: "message", user: "U04ABCD1234", text: "佐藤です" }], null, 4);
    const bytes = changedExport({ "general/2024-06-04.json": day });

    // Act
    const message = errorMessage(() => slackFormat.parseBytes?.(bytes, { file: "slack-export.zip" }));

    // Assess
    expect(message).toBe("slack-export.zip › general/2024-06-04.json, line 8: message 2: ts: Invalid input: expected string, received undefined");
  });

  it("names users.json when it is not an array", () => {
    // Prepare
    const bytes = changedExport({ "users.json": '{"members": []}' });

    // Act
    const message = errorMessage(() => slackFormat.parseBytes?.(bytes, { file: "slack-export.zip" }));

    // Assess
    expect(message).toBe("slack-export.zip › users.json: expected a JSON array of user");
  });

  it("refuses entries that are not part of an export, withholding group DM names", () => {
    // Prepare
    const bytes = changedExport({ "mpdm-t.yamada--hanako.sato--k.suzuki-1/notes.txt": "山田の電話 090-1234-5678", "canvas.html": "<p>x</p>" });

    // Act
    const message = errorMessage(() => slackFormat.parseBytes?.(bytes, { file: "slack-export.zip" }));

    // Assess
    expect(message).toBe("slack-export.zip: 2 entries are not part of a Slack export (first: G04MPIM0004/notes.txt); remove them and try again");
  });

  it("refuses an archive without users.json", () => {
    // Prepare
    const bytes = changedExport({ "users.json": undefined });

    // Act
    const message = errorMessage(() => slackFormat.parseBytes?.(bytes, { file: "slack-export.zip" }));

    // Assess
    expect(message).toBe("slack-export.zip: not a Slack export: no users.json at the top of the archive");
  });

  it("names broken JSON by entry, line and column", () => {
    // Prepare
    const bytes = changedExport({ "general/2024-06-04.json": '[\n  {"type": "message", "text": "山田 太郎"' });

    // Act
    const message = errorMessage(() => slackFormat.parseBytes?.(bytes, { file: "slack-export.zip" }));

    // Assess
    expect(message).toMatch(/^slack-export\.zip › general\/2024-06-04\.json, line 2: invalid JSON at column \d+ \(unexpected end of input\)$/);
  });
});

describe("slack: keep-format of an export", () => {
  const rendered = (() => {
    const { anonymized, input } = keepFormatBytesInput(slackFormat, "slack-export.zip", readEventBytes(ZIP));
    const renderBytes = slackFormat.renderBytes;
    if (renderBytes === undefined) throw new Error("slack writes bytes");
    return { anonymized, bytes: renderBytes(input) };
  })();

  it("keeps the layout: same entries in the same order, personal and group DM folders renamed", () => {
    // Act
    const names = readZip(rendered.bytes, "out.zip").map((entry) => entry.name);

    // Assess
    expect(names).toEqual([
      "channels.json",
      "users.json",
      "mpims.json",
      "dms.json",
      "integration_logs.json",
      "D05DM000005/2024-06-05.json",
      "general/2024-06-03.json",
      "general/2024-06-04.json",
      "mpdm-user_1--user_2--user_3-1/2024-06-05.json",
      "sales-team/2024-06-03.json",
      "C03TIMES003/2024-06-03.json",
    ]);
  });

  it("users.json: pseudonymous ids, names as labels, profile fields emptied, bots kept", () => {
    // Act
    const users = renderedEntries(rendered.bytes).get("users.json") as Array<Record<string, unknown>>;

    // Assess
    expect(users.map((user) => [user["id"], user["name"], user["real_name"]])).toEqual([
      ["U00000001", "user_1", "user_1"],
      ["U00000002", "user_2", "user_2"],
      ["U00000003", "user_3", "user_3"],
      ["U00000004", "reminder-bot", "リマインダー"],
      ["USLACKBOT", "slackbot", "Slackbot"],
    ]);
    expect(users[0]?.["profile"]).toEqual({
      title: "",
      phone: "",
      skype: "",
      real_name: "user_1",
      real_name_normalized: "user_1",
      display_name: "user_1",
      display_name_normalized: "user_1",
      fields: { Xf01: { value: "", alt: "" } },
      status_text: "",
      status_emoji: "",
      avatar_hash: "",
      email: "",
      first_name: "user_1",
      last_name: "user_1",
      image_72: "",
      team: "T01TOKUMEI",
    });
    expect(users[0]).toMatchObject({ team_id: "T01TOKUMEI", tz: "Asia/Tokyo", is_admin: true, updated: 1717000000 });
  });

  it("channels: members and creators pseudonymous, the personal channel renamed, topics masked", () => {
    // Act
    const entries = renderedEntries(rendered.bytes);
    const channels = entries.get("channels.json") as Array<Record<string, unknown>>;
    const mpims = entries.get("mpims.json") as Array<Record<string, unknown>>;

    // Assess
    expect(channels.map((channel) => [channel["id"], channel["name"], channel["creator"], channel["members"]])).toEqual([
      ["C01GENERAL1", "general", "U00000001", ["U00000001", "U00000002", "U00000003"]],
      ["C02SALES002", "sales-team", "U00000002", ["U00000001", "U00000002"]],
      ["C03TIMES003", "C03TIMES003", "U00000001", ["U00000001"]],
    ]);
    expect((channels[0]?.["topic"] as Record<string, unknown>)["value"]).toBe("全社連絡。緊急時は<USER_1>（<PHONE_2>）まで");
    expect((channels[2]?.["topic"] as Record<string, unknown>)["value"]).toBe("<USER_1>の分報");
    expect(mpims[0]?.["name"]).toBe("mpdm-user_1--user_2--user_3-1");
  });

  it("messages: text masked with mentions and links kept, blocks, files and attachments masked", () => {
    // Act
    const general = renderedEntries(rendered.bytes).get("general/2024-06-03.json") as Array<Record<string, unknown>>;

    // Assess
    expect(general.map((message) => message["text"])).toEqual([
      "<@U00000001> has joined the channel",
      "<@U00000001> さん、明日の商談の件です。先方のご担当は北斗物産の&lt;PERSON_1&gt;、お電話は&lt;PHONE_1&gt;です。",
      "承知しました。資料はこちらです。連絡先は &lt;EMAIL_1&gt; &amp; 携帯 &lt;PHONE_2&gt; でも大丈夫です。",
      "リマインダー: 6月4日 10:00 <#C02SALES002|sales-team> 定例",
      "",
      "<@U00000003> 送付先は〒&lt;POSTAL_CODE_1&gt; &lt;ADDRESS_1&gt;で合っていますか？",
    ]);
    const blocks = JSON.stringify(general[1]?.["blocks"]);
    expect(blocks).toContain('{"type":"user","user_id":"U00000001"}');
    expect(blocks).toContain('"text":" さん、明日の商談の件です。先方のご担当は北斗物産の<PERSON_1>、お電話は<PHONE_1>です。"');
    const file = (general[4]?.["files"] as Array<Record<string, unknown>>)[0];
    expect(file).toMatchObject({ id: "F07FILE0001", user: "U00000002", mimetype: "application/pdf", size: 48213 });
    expect(file?.["name"]).toBe("<USER_1>様_見積書_0603.pdf");
    expect(file?.["title"]).toBe("<USER_1>様 見積書");
    expect(general[2]?.["parent_user_id"]).toBe("U00000002");
    expect(general[2]?.["reactions"]).toEqual([{ name: "+1", users: ["U00000002"], count: 1 }]);
    expect(general[3]?.["bot_profile"]).toEqual({ id: "B06REMIND1", app_id: "A06REMIND1", name: "リマインダー", deleted: false, team_id: "T01TOKUMEI" });
  });

  it("leaves no name, e-mail, phone, address, IP address or real user id of the sample anywhere", () => {
    // Act
    const all = readZip(rendered.bytes, "out.zip").map((entry) => entry.name + decoder.decode(entry.data)).join("\n");

    // Assess
    expect(all).not.toMatch(/山田|佐藤|鈴木|太郎|花子|健一|高橋|yamada|hanako|suzuki|taro|@example\.|090-|080-|03-1234|芝公園|192\.0\.2|U04ABCD1234|U04EFGH5678|U05IJKL9012|avatars\.slack-edge/);
  });

  it("an export in a folder keeps its folder and directory entries (renamed where personal), without macOS metadata", () => {
    // Prepare
    const { input } = keepFormatBytesInput(slackFormat, "in-folder.zip", readEventBytes("formats/slack/slack-export-in-folder.zip"));

    // Act
    const names = readZip(slackFormat.renderBytes?.(input) ?? new Uint8Array(), "out.zip").map((entry) => entry.name);

    // Assess
    const folder = "Tokumei Slack export Jun 3 2024/";
    expect(names.every((name) => name.startsWith(folder))).toBe(true);
    expect(names).toContain(`${folder}C03TIMES003/`);
    expect(names).toContain(`${folder}mpdm-user_1--user_2--user_3-1/`);
    expect(names).toContain(`${folder}general/`);
    expect(names.filter((name) => name.includes(".DS_Store") || name.includes("__MACOSX"))).toEqual([]);
    expect(names).toHaveLength(17); // 20 entries less __MACOSX/, its file and .DS_Store
  });

  it("round trip: the rendered export parses to the anonymized conversations", () => {
    // Act
    const again = slackFormat.parseBytes?.(rendered.bytes, { file: "slack-export.zip" });

    // Assess: same ids, roles, times and texts; speakers named by the export's own labels, same pattern
    const shape = (conversations: readonly Conversation[]) =>
      conversations.map((conversation) => {
        const order = [...new Set(conversation.utterances.map((u) => u.speaker))];
        return {
          id: conversation.conversationId,
          utterances: conversation.utterances.map((u) => ({ ...u, speaker: order.indexOf(u.speaker) })),
        };
      });
    expect(shape(again ?? [])).toEqual(shape(rendered.anonymized.map((a) => a.conversation)));
  });
});
