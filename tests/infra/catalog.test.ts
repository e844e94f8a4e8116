import { beforeAll, describe, expect, it } from "vitest";
import { type ColumnType, DATASET_TABLES, PARTITION_KEYS } from "../../shared/dataset/schema.js";
import { actionsOf, arnOf, resourcesOf, type Synthesized, synthesize } from "./synth.js";

/** Athena/Hive DDL type names of the schema's column types, stated here independently of infra/. */
const ATHENA_TYPE: Record<ColumnType, string> = {
  string: "string",
  int: "int",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
};

describe("Glue catalog and Athena workgroup", () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  });

  const tableInput = (name: string) => {
    const tables = Object.values(synth.template.findResources("AWS::Glue::Table"));
    const table = tables.find((t) => t.Properties.TableInput.Name === name);
    if (!table) throw new Error(`no Glue table ${name}`);
    return table.Properties.TableInput;
  };

  it("has one database and one table per dataset of shared/dataset/schema.ts", () => {
    synth.template.resourceCountIs("AWS::Glue::Database", 1);
    synth.template.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: "tokumei" } });
    synth.template.resourceCountIs("AWS::Glue::Table", DATASET_TABLES.length);
  });

  it.each(DATASET_TABLES.map((table) => [table.name, table] as const))("%s: columns equal the writer's schema (names, types, order)", (name, table) => {
    // Act
    const columns = tableInput(name).StorageDescriptor.Columns as { Name: string; Type: string; Comment: string }[];

    // Assess
    expect(columns.map(({ Name, Type }) => ({ Name, Type }))).toEqual(table.columns.map((c) => ({ Name: c.name, Type: ATHENA_TYPE[c.type] })));
    expect(columns.map((c) => c.Comment)).toEqual(table.columns.map((c) => c.comment));
  });

  it.each(DATASET_TABLES.map((table) => [table.name] as const))("%s: Parquet SerDe, partitioned by dt and source with projection", (name) => {
    // Act
    const input = tableInput(name);

    // Assess
    expect(input.TableType).toBe("EXTERNAL_TABLE");
    expect(input.PartitionKeys.map((k: { Name: string; Type: string }) => ({ Name: k.Name, Type: k.Type }))).toEqual(
      PARTITION_KEYS.map((k) => ({ Name: k.name, Type: ATHENA_TYPE[k.type] })),
    );
    expect(input.StorageDescriptor).toMatchObject({
      InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
    });
    expect(input.Parameters).toMatchObject({
      classification: "parquet",
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyy-MM-dd",
      "projection.dt.range": "2024-01-01,NOW",
      "projection.source.type": "enum",
      "projection.source.values": "call,chat",
    });
    const template = JSON.stringify(input.Parameters["storage.location.template"]);
    expect(template).toContain(`/datasets/${name}/dt=\${dt}/source=\${source}/`);
    expect(JSON.stringify(input.StorageDescriptor.Location)).toContain(`/datasets/${name}/`);
  });

  it("enforces the workgroup's KMS-encrypted result location on every query", () => {
    const key = arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));
    synth.template.hasResourceProperties("AWS::Athena::WorkGroup", {
      Name: "Tokumei-datasets",
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: "SSE_KMS", KmsKey: key } },
      },
    });
    const workGroup = Object.values(synth.template.findResources("AWS::Athena::WorkGroup"))[0];
    expect(JSON.stringify(workGroup?.Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation)).toContain(
      synth.stack.getLogicalId(synth.stack.buckets.athenaResults.node.defaultChild as never),
    );
  });

  it("offers a query policy that reads datasets/ only (no JSONL copies, audit or quarantine records) and nothing raw", () => {
    // Arrange
    const policy = Object.values(synth.template.findResources("AWS::IAM::ManagedPolicy"))[0];
    const statements = policy?.Properties.PolicyDocument.Statement as Parameters<typeof actionsOf>[0][];
    const { raw, transcripts, anonymized } = synth.stack.buckets;
    const idOf = (bucket: typeof raw) => synth.stack.getLogicalId(bucket.node.defaultChild as never);

    // Act
    const reads = statements.filter((s) => actionsOf(s).includes("s3:GetObject")).flatMap((s) => resourcesOf(s).map((r) => JSON.stringify(r)));

    // Assess
    expect(reads.filter((r) => r.includes(idOf(anonymized)))).toEqual([expect.stringMatching(/"\/datasets\/\*"\]\]\}$/)]);
    const everything = JSON.stringify(statements);
    expect(everything).not.toContain(idOf(raw));
    expect(everything).not.toContain(idOf(transcripts));
    expect(everything).not.toContain("secretsmanager:");
  });
});
