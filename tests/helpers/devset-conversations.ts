import { fileURLToPath } from "node:url";
import { loadLabelledSets, type LabelledItem } from "../eval/devset.js";

/**
 * The labelled dev set (tests/devset) read back as conversations: the lines of call-sales-01-001 … -030 are one
 * call, in order. Files without threads (chitchat, news) are cut into conversations of 20 lines.
 */

export const DEVSET_DIR = fileURLToPath(new URL("../devset/", import.meta.url));

const LOOSE_CONVERSATION_LINES = 20;

export interface DevsetConversation {
  readonly id: string;
  /** Transcribed speech ("asr" lines) is a call; typed and written lines are a chat. */
  readonly source: "call" | "chat";
  readonly items: readonly LabelledItem[];
}

/**
 * @example
 * devsetConversations()[0] // { id: "call-sales-01", source: "call", items: [30 labelled lines] }
 */
export function devsetConversations(dir = DEVSET_DIR): DevsetConversation[] {
  const groups = new Map<string, LabelledItem[]>();
  for (const item of loadLabelledSets([dir])) {
    const key = /^(.*)-\d+$/.exec(item.id)?.[1] ?? item.id;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const out: DevsetConversation[] = [];
  for (const [id, group] of groups) {
    const threaded = /-\d+$/.test(id);
    const size = threaded ? group.length : LOOSE_CONVERSATION_LINES;
    for (let k = 0; k < group.length; k += size) {
      const items = group.slice(k, k + size);
      out.push({ id: threaded ? id : `${id}-${k / size + 1}`, source: items[0]!.style === "asr" ? "call" : "chat", items });
    }
  }
  return out;
}
