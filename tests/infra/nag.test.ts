import { Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { type Synthesized, synthesize } from "./synth.js";

/**
 * cdk-nag 3 is a CDK policy-validation plugin (infra/bin/app.ts registers it with `Validations.of(app)`, and
 * `cdk synth` fails on any finding). Here the same pack runs directly on the construct tree; every finding must
 * be fixed or acknowledged, one finding id at a time, with a reason, on the construct it concerns.
 */

/** Every acknowledgment in the tree: where it sits, what it acknowledges and why. */
function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ""),
          reason,
        })),
      ),
  );
}

/** The findings of the AWS Solutions pack that are not acknowledged, one line each. */
function unacknowledgedFindings({ app }: Synthesized): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}: ${violation.description}`),
  );
}

describe("cdk-nag AwsSolutions", () => {
  it.each([
    ["the default configuration", {}],
    [
      "every option switched on",
      {
        tracing: "true",
        comprehend: "true",
        mode: "pseudonymize",
        chatRetentionDays: "90",
        alarmEmail: "ops@example.com",
        region: "ap-northeast-1",
        reviewReport: "true",
      },
    ],
  ])("has no unacknowledged error or warning with %s", (_name, context) => {
    // Arrange
    const synth = synthesize(context);

    // Act
    const findings = unacknowledgedFindings(synth);

    // Assess
    expect(findings).toEqual([]);
    expect(Annotations.fromStack(synth.stack).findError("*", Match.anyValue())).toEqual([]);
  });

  it("acknowledges each finding with a specific reason on the resource it concerns, never app- or stack-wide", () => {
    // Arrange
    const synth = synthesize({ tracing: "true", comprehend: "true", reviewReport: "true" });

    // Act
    const all = acknowledgments(synth.app).filter((a) => a.id.startsWith("AwsSolutions-"));

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { path, id, reason } of all) {
      expect(path.split("/").length, `${id} at ${path}`).toBeGreaterThan(2);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(60);
      // IAM5 findings are acknowledged per resource or action, never the rule as a whole.
      if (id.startsWith("AwsSolutions-IAM5")) expect(id).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/);
    }
    const reasons = all.map((a) => a.reason);
    expect(new Set(reasons).size, "reasons are written for their finding, not copied").toBeGreaterThan(reasons.length / 2);
  });

  it("still reports a finding nobody acknowledged in the stack (no stack-wide acknowledgments)", () => {
    // Arrange: an unencrypted, unlogged bucket added to the stack.
    const synth = synthesize();
    new s3.Bucket(synth.stack, "Careless");

    // Act
    const findings = unacknowledgedFindings(synth);

    // Assess
    expect(findings.some((f) => f.includes("AwsSolutions-S1") && f.includes("Careless"))).toBe(true);
  });
});
