import { z } from "zod";

/**
 * The one conversation model every input format parses to (design.md, "Contracts").
 * Dataset rows, anonymization and audit all start from it.
 */

export const RoleSchema = z.enum(["agent", "customer", "user", "assistant", "teacher", "student", "system", "unknown"]);
export type Role = z.infer<typeof RoleSchema>;

/**
 * A speaker → role map written as `speaker=role` pairs (the CLI's --roles, the function's TOKUMEI_ROLES).
 * Returns an error message naming the bad pair (the spec is configuration, never conversation text).
 *
 * @example
 * parseRoleSpec("spk_0=agent,spk_1=customer"); // { ok: true, roles: { spk_0: "agent", spk_1: "customer" } }
 */
export function parseRoleSpec(spec: string): { ok: true; roles: Record<string, Role> } | { ok: false; message: string } {
  const roles: Record<string, Role> = {};
  for (const pair of spec.split(",").filter((p) => p.trim() !== "")) {
    const [speaker, role] = pair.split("=").map((part) => part.trim());
    const parsed = RoleSchema.safeParse(role);
    if (!speaker || !parsed.success) return { ok: false, message: `expects speaker=role pairs with roles ${RoleSchema.options.join(", ")}; got "${pair}"` };
    roles[speaker] = parsed.data;
  }
  return { ok: true, roles };
}

export const UtteranceSchema = z.object({
  /** 0-based position in the conversation. */
  index: z.number().int().nonnegative(),
  /** Speaker label as the source gives it (spk_0, ch_1, a chat user name or id). */
  speaker: z.string(),
  role: RoleSchema.optional(),
  startMs: z.number().nonnegative().optional(),
  endMs: z.number().nonnegative().optional(),
  /** ISO 8601 timestamp for chat messages, when the source has one. */
  timestamp: z.string().optional(),
  text: z.string(),
});
export type Utterance = z.infer<typeof UtteranceSchema>;

export const SourceSchema = z.enum(["call", "chat"]);
export type Source = z.infer<typeof SourceSchema>;

export const ConversationSchema = z.object({
  conversationId: z.string().min(1),
  source: SourceSchema,
  utterances: z.array(UtteranceSchema),
  /** Format name, input file, job name and similar; never raw utterance text. */
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type Conversation = z.infer<typeof ConversationSchema>;
