import { InputFormatError } from "../errors.js";
import type { Conversation, Role, Utterance } from "../schema/conversation.js";
import { baseName, keptSpeaker, mapRoleWord, ownValue } from "./chat.js";
import type { FormatModule, KeepFormatInput } from "./format-module.js";
import { detectGenericFormat } from "./generic-format.js";

/**
 * Plain text → the conversation model: one utterance per non-empty line, with an optional speaker prefix
 * ("山田: …", "オペレーター：…").
 */

/** The longest speaker prefix (characters before the first ':' or '：'). */
export const MAX_SPEAKER_PREFIX_LENGTH = 20;

/** Options of {@link parsePlainText}. */
export interface PlainTextParseOptions {
  /** File name, for metadata and the default conversation id. */
  file: string;
  /** Conversation id (default: the file name without extension). */
  conversationId?: string;
  /** Speaker → role; otherwise speakers named by a role word (オペレーター, お客様, 先生…) get that role. */
  roleMap?: Readonly<Record<string, Role>>;
}

/**
 * Splits a line into speaker and text when it starts with a speaker prefix of 1–20 characters before the
 * first ':' or '：'. Times ("14:00", "3日 14:00から"), URLs ("https://…") and sentences (a prefix holding
 * 。！？) are not prefixes. Returns undefined when the line has no prefix.
 *
 * @example
 * splitSpeakerPrefix("オペレーター：お電話です"); // { speaker: "オペレーター", text: "お電話です" }
 * splitSpeakerPrefix("14:00に伺います"); // undefined
 */
export function splitSpeakerPrefix(line: string): { speaker: string; text: string } | undefined {
  const match = /[:：]/.exec(line);
  if (match === null || match.index === 0 || match.index > MAX_SPEAKER_PREFIX_LENGTH) return undefined;
  const speaker = line.slice(0, match.index).trim();
  const text = line.slice(match.index + 1).trim();
  if (speaker === "" || text === "") return undefined;
  const before = line[match.index - 1] ?? "";
  const after = line[match.index + 1] ?? "";
  const isTime = /\d/.test(before) && /\d/.test(after); // "次回は12月3日 14:00から"
  const isUrl = line.startsWith("//", match.index + 1); // "https://…"
  if (isTime || isUrl || /^[\d\s]+$/.test(speaker) || /[。！？!?「」]/.test(speaker)) return undefined;
  return { speaker, text };
}

/**
 * Parses plain text: each non-empty line is one utterance; a leading "Speaker: " / "話者名：" prefix becomes
 * the speaker, other lines get speaker "unknown". Lines are trimmed; LF, CRLF and a UTF-8 BOM are accepted.
 *
 * @example
 * const conversation = parsePlainText("山田：こんにちは\n佐藤: はい\n", { file: "notes.txt" });
 * conversation.utterances.map((u) => u.speaker); // ["山田", "佐藤"]
 */
export function parsePlainText(content: string, options: PlainTextParseOptions): Conversation {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const utterances: Utterance[] = [];
  for (const rawLine of text.split(/\r\n|\n|\r/)) {
    const line = rawLine.trim();
    if (line === "") continue;
    const split = splitSpeakerPrefix(line);
    const speaker = split?.speaker ?? "unknown";
    const utterance: Utterance = { index: utterances.length, speaker, text: split?.text ?? line };
    const role = split ? (ownValue(options.roleMap, speaker) ?? mapRoleWord(speaker)) : undefined;
    if (role !== undefined) utterance.role = role;
    utterances.push(utterance);
  }
  return {
    conversationId: options.conversationId ?? (baseName(options.file) || "conversation"),
    source: "chat",
    utterances,
    metadata: { format: "plain-text", file: options.file },
  };
}

/**
 * Plain text as a format module: the last fallback of detection. Written back line by line, each speaker
 * prefix replaced by its speaker_N pseudonym and each text masked; blank lines, indentation, separators
 * and line breaks are kept.
 *
 * @example
 * plainTextModule.sniff("notes.txt", "山田：こんにちは"); // true
 */
export const plainTextModule: FormatModule = {
  format: "plain-text",
  sniff: (file, text) => detectGenericFormat(file, text) === "plain-text",
  parse: (text, options) => [parsePlainText(text, options)],
  render(input: KeepFormatInput) {
    const result = input.anonymized[0];
    if (result === undefined) throw new InputFormatError("nothing anonymized to write", { file: input.file });
    const bom = input.text.charCodeAt(0) === 0xfeff;
    const parts = (bom ? input.text.slice(1) : input.text).split(/(\r\n|\n|\r)/);
    let index = 0;
    return (
      (bom ? "\ufeff" : "") +
      parts
        .map((part, k) => {
          const line = part.trim();
          if (k % 2 === 1 || line === "") return part;
          const masked = result.conversation.utterances[index++];
          if (masked === undefined) {
            throw new InputFormatError("a line has no anonymized counterpart", { file: input.file, line: k / 2 + 1 });
          }
          const lead = part.slice(0, part.indexOf(line));
          const trail = part.slice(lead.length + line.length);
          if (splitSpeakerPrefix(line) === undefined) return lead + masked.text + trail;
          const at = /[:：]/.exec(line)!.index;
          const speakerPart = line.slice(0, at);
          const textPart = line.slice(at + 1);
          const spacing = speakerPart.slice(speakerPart.trimEnd().length);
          const textLead = textPart.slice(0, textPart.length - textPart.trimStart().length);
          const speaker = keptSpeaker(speakerPart.trim(), masked.speaker);
          return lead + speaker + spacing + line[at] + textLead + masked.text + trail;
        })
        .join("")
    );
  },
};
