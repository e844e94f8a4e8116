import { type CfnResource, Stack, Token } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * cdk-nag 3 acknowledges findings one by one, by the id it reports: `AwsSolutions-IAM5[Resource::…]` with
 * references flattened the way cdk-nag prints them (`<LogicalId.Arn>`, `<AWS::Region>`). These helpers build
 * those ids from the constructs, so an acknowledgment follows a renamed construct instead of going stale.
 */

function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(construct).getLogicalId(resource);
}

/**
 * `arn:<partition>:<service>:<region>:<account>` as cdk-nag prints it: literals when the stack has an
 * environment, `<AWS::Region>`-style pseudo references when it is environment-agnostic.
 */
export function arnPrefix(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  const part = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:${part(stack.partition, "Partition")}:${service}:${part(stack.region, "Region")}:${part(stack.account, "AccountId")}`;
}

/** `<LogicalId.Arn>`: how cdk-nag prints `Fn::GetAtt [LogicalId, Arn]`. */
export function arnRef(construct: IConstruct): string {
  return `<${logicalIdOf(construct)}.Arn>`;
}

/** How cdk-nag prints `Fn::Select [6, Fn::Split [":", Ref]]`: the name part of a state machine ARN. */
export function stateMachineNameRef(stateMachine: IConstruct): string {
  return JSON.stringify({ "Fn::Select": [6, { "Fn::Split": [":", { Ref: logicalIdOf(stateMachine) }] }] });
}

/** The IAM5 finding id of a wildcard resource. */
export function wildcardResource(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/** The IAM5 finding id of objects under a prefix of a bucket: `<Bucket.Arn>/prefix*`. */
export function bucketObjects(bucket: IConstruct, prefix: string): string {
  return wildcardResource(`${arnRef(bucket)}/${prefix}*`);
}
