import type { AnonymizedConversation } from "../engine.js";
import type { Conversation, Role } from "../schema/conversation.js";
import type { ChatFields } from "./chat.js";

/**
 * The seam every input format implements: recognise a file by its content, parse it into the conversation
 * model, and write it again in its own layout with only the PII replaced (`--keep-format`).
 */

/** What a parser gets besides the text. */
export interface FormatParseOptions {
  /** File name: error messages and the default conversation id. */
  readonly file: string;
  /** Speaker label, name or raw role value → role (e.g. ch_0 → agent); wins over a format's own role words. */
  readonly roleMap?: Readonly<Record<string, Role>>;
  /** Conversation id for inputs that carry none. */
  readonly conversationId?: string;
  /** Which fields or columns hold what (`ParseOptions.fields`), for the generic chat formats. */
  readonly fields?: ChatFields;
}

/** What a renderer gets: the input as read and the result of anonymizing what its parser returned. */
export interface KeepFormatInput {
  readonly file: string;
  /** The decoded input text the conversations were parsed from. */
  readonly text: string;
  /** One per parsed conversation, in parse order: masked texts, speakers replaced by speaker_N. */
  readonly anonymized: readonly AnonymizedConversation[];
  /**
   * Masks a string that is not an utterance (a header, a user profile field, a ticket's metadata) with the
   * same placeholders as the conversation at `conversationIndex`: participant names become their speaker_N
   * pseudonym, detected PII its placeholder.
   */
  readonly maskField: (value: string, conversationIndex: number) => string;
  /**
   * Masks a value that is a person's name by where it stands (a LINE header, a profile's real name), whatever
   * the detector says: a participant's name becomes their speaker_N, any other name a PERSON placeholder
   * numbered in the scope of the conversation at `conversationIndex`.
   */
  readonly maskName: (value: string, conversationIndex: number) => string;
  /** The options the input was parsed with (a column mapping, a role map); absent: the defaults. */
  readonly options?: FormatParseOptions;
}

/** What a binary format's renderer gets: as KeepFormatInput, with the input's bytes instead of its text. */
export interface KeepFormatBytesInput extends Omit<KeepFormatInput, "text"> {
  readonly bytes: Uint8Array;
}

export interface FormatModule {
  /** The name used by `--format`, in audit records and in the conversations dataset. */
  readonly format: string;
  /** True when the content is surely this format (checked before the generic JSON/CSV/text formats). */
  sniff(file: string, text: string): boolean;
  /** Throws InputFormatError naming file, line and what is wrong, never quoting the input. */
  parse(text: string, options: FormatParseOptions): Conversation[];
  /** The input again in its own layout, every utterance and personal field masked. */
  render(input: KeepFormatInput): string;
  /**
   * Formats whose unit is an archive (a Slack export .zip) also read and write bytes. The caller tries
   * `sniffBytes` before decoding a file as text; when it answers true, `parseBytes` and `renderBytes` are used
   * instead of `parse` and `render`.
   */
  sniffBytes?(file: string, bytes: Uint8Array): boolean;
  parseBytes?(bytes: Uint8Array, options: FormatParseOptions): Conversation[];
  renderBytes?(input: KeepFormatBytesInput): Uint8Array;
}
