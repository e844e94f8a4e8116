import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { zendeskFormat } from "../../shared/formats/zendesk.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";
import { keepFormatInput } from "./keep-format-helpers.js";

const COMMENTS = "formats/zendesk/ticket-comments.json";
const TICKET = "formats/zendesk/ticket-with-comments.json";
const EXPORT = "formats/zendesk/full-export.json";

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

const parse = (path: string, roleMap?: Record<string, "agent" | "customer">): Conversation[] =>
  zendeskFormat.parse(readEvent(path), { file: path.split("/").pop() as string, ...(roleMap ? { roleMap } : {}) });

describe("zendesk: parse", () => {
  it.each([
    [COMMENTS, [["ticket-comments", 4, 0, 1]]],
    [TICKET, [["ticket-5123", 2, 1, 1]]],
    [EXPORT, [["ticket-6001", 2, 0, 0], ["ticket-6002", 1, 0, 0]]],
  ])("%s: one conversation per ticket", (path, expected) => {
    // Act
    const conversations = parse(path);

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length, c.metadata["skippedMessages"], c.metadata["privateComments"]])).toEqual(expected);
    expect(conversations.every((c) => c.source === "chat" && c.metadata["format"] === "zendesk")).toBe(true);
  });

  it.each([
    [COMMENTS, 0, "山本 美咲", "customer", "2024-06-03T01:15:00Z", "配送先の変更をお願いします。\n新しい住所は神奈川県横浜市中区山下町12-3 グランドハイツ405号室です。\n電話番号は045-123-4567です。"],
    [COMMENTS, 1, "田村 健", "agent", "2024-06-03T02:00:00Z", "山本様\n\nご連絡ありがとうございます。担当の田村です。\n変更を承りました。確認のメールを misaki.yamamoto@example.com にお送りします。"],
    [COMMENTS, 3, "-1", "system", "2024-06-10T00:00:00Z", "このチケットは自動的にクローズされました。"],
    [TICKET, 0, "501", "customer", "2024-06-04T03:00:00Z", "請求書の宛名を株式会社青葉商事 小林 直樹に変更してください。\n連絡先: 090-3333-4444"],
    [TICKET, 1, "502", "agent", "2024-06-04T04:00:00Z", "小林様、承知いたしました。次回の請求書から変更いたします。"],
  ])("%s utterance %i (roles: sideloaded users, else requester/assignee; html_body when there is no body)", (path, index, speaker, role, timestamp, text) => {
    // Act
    const conversation = parse(path)[0];

    // Assess
    expect(conversation?.utterances[index]).toEqual({ index, speaker, role, timestamp, text });
  });

  it("a role map wins over the users' roles", () => {
    // Act
    const [conversation] = parse(COMMENTS, { "378123002": "customer", "山本 美咲": "agent" });

    // Assess
    expect(conversation?.utterances.map((u) => u.role)).toEqual(["agent", "customer", "customer", "system"]);
  });

  it("reads {tickets: […]} with sideloaded users", () => {
    // Prepare
    const text = JSON.stringify({
      tickets: [{ id: 7, requester_id: 1, comments: [{ author_id: 1, body: "こんにちは", public: true, created_at: "2024-06-01T00:00:00Z" }] }],
      users: [{ id: 1, name: "松本 恵", role: "end-user" }],
    });

    // Act
    const conversations = zendeskFormat.parse(text, { file: "tickets.json" });

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances[0]?.speaker, c.utterances[0]?.role])).toEqual([["ticket-7", "松本 恵", "customer"]]);
  });
});

describe("zendesk: malformed input", () => {
  it("names the line and field of a bad author id, never the content", () => {
    // Act
    const message = errorMessage(() => parse("formats/zendesk/malformed-author.json"));

    // Assess
    expect(message).toBe("malformed-author.json, line 41: comment 2: author_id: expected a numeric id");
    expect(message).not.toMatch(/田村|090/);
  });

  it("names the line of a bad ticket in the full export", () => {
    // Prepare
    const text = `${readEvent(EXPORT).split("\n")[0]}\n{"id": 6003, "requester_id": 1, "comments": [{"body": "山田 090-1111-2222"}]}\n`;

    // Act
    const message = errorMessage(() => zendeskFormat.parse(text, { file: "export.json" }));

    // Assess
    expect(message).toBe("export.json, line 2: comment 1: author_id: expected a numeric id");
  });

  it("refuses JSON of another shape", () => {
    // Act
    const message = errorMessage(() => zendeskFormat.parse('{"ticket_id": 1}', { file: "t.json" }));

    // Assess
    expect(message).toBe("t.json, line 1: expected a JSON object with 'comments', 'ticket' or 'tickets'");
  });
});

describe("zendesk: keep-format", () => {
  it("masks body, html_body and plain_body alike, keeping the HTML markup", () => {
    // Prepare
    const { input } = keepFormatInput(zendeskFormat, "ticket-comments.json", readEvent(COMMENTS));

    // Act
    const rendered = JSON.parse(zendeskFormat.render(input)) as { comments: Array<Record<string, unknown>> };

    // Assess
    const second = rendered.comments[1] as Record<string, unknown>;
    expect(second["body"]).toBe("<PERSON_1>様\n\nご連絡ありがとうございます。担当の<PERSON_2>です。\n変更を承りました。確認のメールを <EMAIL_1> にお送りします。");
    expect(second["plain_body"]).toBe(second["body"]);
    expect(second["html_body"]).toBe(
      '<div class="zd-comment" dir="auto"><p dir="auto">&lt;PERSON_1&gt;様</p><p dir="auto">ご連絡ありがとうございます。担当の&lt;PERSON_2&gt;です。<br>変更を承りました。確認のメールを <a href="mailto:&lt;EMAIL_1&gt;" rel="noreferrer">&lt;EMAIL_1&gt;</a> にお送りします。</p></div>',
    );
    const first = rendered.comments[0] as Record<string, unknown>;
    expect(first["html_body"]).toBe(
      '<div class="zd-comment" dir="auto"><p dir="auto">配送先の変更をお願いします。</p><p dir="auto">新しい住所は&lt;ADDRESS_1&gt;です。<br>電話番号は&lt;PHONE_1&gt;です。</p></div>',
    );
  });

  it("masks metadata (IP address, location; latitude and longitude emptied), via addresses and ids", () => {
    // Prepare
    const { input } = keepFormatInput(zendeskFormat, "ticket-comments.json", readEvent(COMMENTS));

    // Act
    const rendered = JSON.parse(zendeskFormat.render(input)) as { comments: Array<Record<string, unknown>>; users: Array<Record<string, unknown>> };

    // Assess
    const first = rendered.comments[0] as Record<string, unknown>;
    expect(first["author_id"]).toBe(1);
    expect((first["metadata"] as Record<string, Record<string, unknown>>)["system"]).toEqual({
      client: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36",
      ip_address: "<IP_ADDRESS_1>",
      location: "<LOCATION>",
      latitude: null,
      longitude: null,
    });
    const via = first["via"] as { channel: string; source: { from: Record<string, unknown> } };
    expect(via.channel).toBe("email");
    expect(via.source.from).toEqual({ address: "<EMAIL_1>", name: "<SPEAKER_1>" });
    expect(rendered.comments.map((comment) => comment["author_id"])).toEqual([1, 2, 2, -1]);
    expect(rendered.users.map((user) => [user["id"], user["name"], user["role"], user["email"]])).toEqual([
      [1, "speaker_1", "end-user", "<EMAIL_1>"],
      [2, "speaker_2", "agent", "<EMAIL_3>"],
    ]);
    expect(rendered.users[0]?.["phone"]).toBe("<PHONE_2>");
  });

  it("leaves no name, address, phone, e-mail, IP address or user id of the sample", () => {
    // Prepare
    const outputs = [COMMENTS, TICKET, EXPORT].map((path) => {
      const { input } = keepFormatInput(zendeskFormat, path.split("/").pop() as string, readEvent(path));
      return zendeskFormat.render(input);
    });

    // Assess
    for (const output of outputs) {
      expect(output).not.toMatch(/山本|美咲|田村|小林|伊藤|横浜市|梅田|045-123|090-3333|080-1111|@example\.com|203\.0\.113|198\.51\.100|192\.0\.2|378123|35\.4437|139\.638|Yokohama|Sendai|M-00123456|yuki\.ito/);
    }
  });

  it("keeps the full export one ticket per line", () => {
    // Prepare
    const { input } = keepFormatInput(zendeskFormat, "full-export.json", readEvent(EXPORT));

    // Act
    const lines = zendeskFormat.render(input).split("\n");

    // Assess
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(lines.slice(0, 2).map((line) => (JSON.parse(line) as { id: number; requester_id: number }).requester_id)).toEqual([1, 3]);
  });

  it.each([COMMENTS, TICKET, EXPORT])("round trip %s: the rendered file parses to the anonymized conversations", (path) => {
    // Prepare
    const file = path.split("/").pop() as string;
    const { anonymized, input } = keepFormatInput(zendeskFormat, file, readEvent(path));

    // Act
    const again = zendeskFormat.parse(zendeskFormat.render(input), { file });

    // Assess: same ids, roles, times, texts and speaker pattern
    const shape = (conversations: readonly Conversation[]) =>
      conversations.map((conversation) => {
        const order = [...new Set(conversation.utterances.map((u) => u.speaker))];
        return { id: conversation.conversationId, utterances: conversation.utterances.map((u) => ({ ...u, speaker: order.indexOf(u.speaker) })) };
      });
    expect(shape(again)).toEqual(shape(anonymized.map((a) => a.conversation)));
  });
});
