import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { wildcardResource } from "../nag-findings.js";

/** The repository root (where package.json and package-lock.json are), from this file, not the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The Lambda runtime of every function. */
export const RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * ESM bundles need a real `require` for the CommonJS packages esbuild inlines (`fs`, `path` …); the alias keeps
 * clear of an `import { createRequire }` of the bundled code.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __tokumeiCreateRequire } from 'node:module'; const require = __tokumeiCreateRequire(import.meta.url);";

export interface TokumeiFunctionProps {
  /** Absolute path of the handler's TypeScript entry file. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** The stack's key: encrypts the log group (and the asynchronous dead-letter queue's messages). */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** X-Ray active tracing. */
  readonly tracing: boolean;
  /** Extra bundling steps (files shipped next to the bundle). */
  readonly commandHooks?: nodejs.ICommandHooks | undefined;
  /** Where failed asynchronous invocations (EventBridge) end up. */
  readonly deadLetterQueue?: sqs.IQueue | undefined;
}

/**
 * One way to build a function: Node.js 22 on arm64, an ESM bundle made by the local esbuild (no Docker), source
 * maps on, its own KMS-encrypted log group with a retention, and its own role that can write only to that log
 * group (no AWSLambdaBasicExecutionRole). Callers add the permissions the handler needs to `role`.
 */
export class TokumeiFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TokumeiFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${props.description} (writes only to its own log group)`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      deadLetterQueue: props.deadLetterQueue,
      environment: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: "node22",
        mainFields: ["module", "main"],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The pinned SDK clients of package-lock.json, not whatever the runtime ships.
        bundleAwsSDK: true,
        commandHooks: props.commandHooks,
      },
    });
    // The role gets its permissions in the same deployment; the log group must exist before the first invoke.
    this.function.node.addDependency(this.logGroup);

    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose: the project supports Node >= 20 and its test suite runs on 20/22; nodejs24.x is adopted by changing RUNTIME once the suite runs on it.",
    });
    if (props.tracing) {
      Validations.of(this.role.node.findChild("DefaultPolicy")).acknowledge({
        id: wildcardResource("*"),
        reason: "xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) support no resource-level permissions.",
      });
    }
  }
}
