import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { App, type Stage, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { parseConfig, type TokumeiConfig } from "../config.js";
import { TokumeiStack } from "../lib/tokumei-stack.js";

/**
 * Builds the stacks of the app from a parsed configuration. The CDK entry point below and the tests call this,
 * so the tests check what `cdk deploy` deploys.
 *
 * @example
 * const app = new App();
 * const { stack } = createStacks(app, parseConfig(app.node.getAllContext()));
 */
export function createStacks(app: Stage, config: TokumeiConfig): { readonly stack: TokumeiStack } {
  const stack = new TokumeiStack(app, config.stackName, {
    config,
    stackName: config.stackName,
    description: "tokumei: anonymizes Japanese call recordings and chat logs into Parquet datasets queried with Athena",
    env: config.region ? { region: config.region } : undefined,
    tags: { project: "tokumei" },
  });
  return { stack };
}

/**
 * The app of `cdk.json`: context → config → stacks, checked by cdk-nag's AWS Solutions pack. cdk-nag 3 is a
 * policy-validation plugin: any finding that is not acknowledged (with a reason, on the construct it concerns)
 * fails `cdk synth`.
 */
export function main(): App {
  const app = new App();
  createStacks(app, parseConfig(app.node.getAllContext()));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/** Whether this module is the process entry point (`tsx infra/bin/app.ts`), not an import of the tests. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(realpathSync(entry)).href === import.meta.url;
}

if (isEntryPoint()) main();
