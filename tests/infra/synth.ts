import { readFileSync } from "node:fs";
import { App, type CfnResource, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { createStacks } from "../../infra/bin/app.js";
import { parseConfig } from "../../infra/config.js";
import type { TokumeiStack } from "../../infra/lib/tokumei-stack.js";

/** The context of cdk.json (feature flags), so the tests build what `cdk synth` builds. */
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  readonly app: App;
  readonly stack: TokumeiStack;
  readonly template: Template;
}

/**
 * Builds the app the way infra/bin/app.ts does, from cdk.json's context plus `context`, with asset bundling
 * skipped (`aws:cdk:bundling-stacks: []`) so no esbuild runs.
 *
 * @example
 * const { stack, template } = synthesize({ comprehend: "true" });
 */
export function synthesize(context: Readonly<Record<string, unknown>> = {}): Synthesized {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context, "aws:cdk:bundling-stacks": [] } });
  const { stack } = createStacks(app, parseConfig(app.node.getAllContext()));
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource, for `{ Ref }` / `{ Fn::GetAtt }` matching. */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnResource);
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` of a construct. */
export function arnOf(construct: IConstruct): { "Fn::GetAtt": [string, string] } {
  return { "Fn::GetAtt": [logicalId(construct), "Arn"] };
}

/** A policy statement as it appears in the template. */
export interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
  readonly Sid?: string;
}

/** Actions of a statement as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Resources of a statement as a list. */
export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/**
 * Every identity-policy statement of the template (AWS::IAM::Policy, AWS::IAM::ManagedPolicy and inline
 * role policies), with the logical ids of the roles it applies to.
 */
export function identityStatements(template: Template): { statement: Statement; roles: string[]; policy: string }[] {
  const found: { statement: Statement; roles: string[]; policy: string }[] = [];
  const refs = (roles: unknown): string[] => ((roles as { Ref?: string }[] | undefined) ?? []).map((role) => role.Ref ?? "").filter(Boolean);
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const [id, resource] of Object.entries(template.findResources(type))) {
      const properties = resource.Properties as { PolicyDocument: { Statement: Statement[] }; Roles?: unknown };
      for (const statement of properties.PolicyDocument.Statement) found.push({ statement, roles: refs(properties.Roles), policy: id });
    }
  }
  for (const [id, resource] of Object.entries(template.findResources("AWS::IAM::Role"))) {
    const inline = (resource.Properties as { Policies?: { PolicyDocument: { Statement: Statement[] } }[] }).Policies ?? [];
    for (const policy of inline) for (const statement of policy.PolicyDocument.Statement) found.push({ statement, roles: [id], policy: id });
  }
  return found;
}
