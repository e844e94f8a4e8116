import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../shared/errors.js";
import { parseReleaseConfig, type ReleaseConfigInput } from "../shared/release/config.js";
import { runRelease } from "../shared/release/run.js";
import type { ReleaseManifest } from "../shared/release/schema.js";
import type { Io } from "./anonymize-command.js";
import { LocalFolderStorage } from "./local-storage.js";
import { ProgressBar } from "./progress.js";

export interface ReleaseArgs {
  /** The folder `tokumei anonymize --out` wrote (it holds datasets/). */
  readonly input: string;
  /** Where releases/<id>/ goes; the input folder when unset. */
  readonly out?: string | undefined;
  readonly k?: string | undefined;
  /** Comma-separated quasi-identifier columns. */
  readonly qi?: string | undefined;
  readonly maxSuppression?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** call, chat or call,chat. */
  readonly source?: string | undefined;
  readonly releaseId?: string | undefined;
  readonly tokenScope?: string | undefined;
  readonly dryRun?: boolean;
}

/**
 * `tokumei release DIR [--out DIR] [--k N] …`: a 匿名加工 release of the datasets under DIR/datasets/, written to
 * OUT/releases/<id>/. Returns 0; a release that cannot be made throws ReleaseError (exit 1), bad options
 * ConfigError (exit 2).
 */
export async function runReleaseCommand(args: ReleaseArgs, io: Io): Promise<number> {
  const config = parseReleaseConfig(releaseSettings(args), "release options");
  const datasets = join(args.input, "datasets");
  if (!(await isDirectory(datasets))) throw new ConfigError(`no datasets/ folder under ${args.input}: run tokumei anonymize --out ${args.input} first`);
  const out = args.out ?? args.input;
  let progress: ProgressBar | undefined;
  const { manifest, prefix, written } = await runRelease(
    { datasets: new LocalFolderStorage(args.input, out), releases: new LocalFolderStorage(out, out) },
    config,
    {
      dryRun: args.dryRun ?? false,
      onFileRead: (done, total) => {
        progress ??= new ProgressBar(total, "reading datasets");
        progress.update(done);
        if (done === total) progress.finish();
      },
    },
  );
  for (const line of summary(manifest, join(out, prefix), written)) io.out(line);
  return 0;
}

/** CLI flags → the release settings object (numbers and lists parsed; the schema checks the rest). */
function releaseSettings(args: ReleaseArgs): ReleaseConfigInput {
  const list = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const number = (flag: string, value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw new ConfigError(`${flag} expects a number`);
    return n;
  };
  return {
    ...(args.k !== undefined ? { k: number("--k", args.k) } : {}),
    ...(args.qi !== undefined ? { quasiIdentifiers: list(args.qi) as ReleaseConfigInput["quasiIdentifiers"] } : {}),
    ...(args.maxSuppression !== undefined ? { maxSuppression: number("--max-suppression", args.maxSuppression) } : {}),
    ...(args.from !== undefined ? { from: args.from } : {}),
    ...(args.to !== undefined ? { to: args.to } : {}),
    ...(args.source !== undefined ? { sources: list(args.source) as ReleaseConfigInput["sources"] } : {}),
    ...(args.releaseId !== undefined ? { releaseId: args.releaseId } : {}),
    ...(args.tokenScope !== undefined ? { tokenScope: args.tokenScope as ReleaseConfigInput["tokenScope"] } : {}),
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function summary(manifest: ReleaseManifest, folder: string, written: boolean): string[] {
  const { rows, suppressed, kAnonymity, generalisation, tokens, dropped } = manifest;
  const droppedTotal = dropped.duplicateConversations + dropped.conversationsWithoutUtterances;
  return [
    `release ${manifest.releaseId} (匿名加工情報)${written ? ` → ${folder}` : " (dry run: nothing written)"}`,
    `  conversations: ${rows.conversationsIn} in, ${rows.conversationsOut} out (${suppressed.conversations} suppressed); utterances: ${rows.utterancesIn} in, ${rows.utterancesOut} out`,
    `  k-anonymity: k = ${kAnonymity.kRequested} requested, ${kAnonymity.kAchieved} achieved over ${kAnonymity.quasiIdentifiers.join(", ")} (${kAnonymity.equivalenceClasses} ${kAnonymity.equivalenceClasses === 1 ? "class" : "classes"})`,
    generalisation.length === 0
      ? "  generalised: nothing beyond the dataset's bands"
      : `  generalised: ${generalisation.map((s) => `${s.column} ${s.from} → ${s.to}`).join("; ")}`,
    `  tokens re-keyed: ${tokens.replaced} (scope: ${tokens.scope}); the release key was destroyed, no mapping kept`,
    ...(droppedTotal + dropped.orphanUtterances > 0
      ? [
          `  left out: ${dropped.duplicateConversations} duplicate conversation(s), ${dropped.conversationsWithoutUtterances} without utterances, ${dropped.orphanUtterances} utterance(s) without a conversation`,
        ]
      : []),
    ...(written ? [`  manifest: ${join(folder, "manifest.json")}`] : []),
  ];
}
