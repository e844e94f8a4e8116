import { Arn, ArnFormat, Aws, Stack, Validations } from "aws-cdk-lib";
import * as athena from "aws-cdk-lib/aws-athena";
import * as glue from "aws-cdk-lib/aws-glue";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { type ColumnType, DATASET_TABLES, type DatasetTable } from "../../../shared/dataset/schema.js";
import { bucketObjects } from "../nag-findings.js";
import { PREFIXES } from "./data-buckets.js";

/** Glue/Athena (Hive DDL) type of each schema column type; one entry per type, so a new type fails to compile here. */
export const ATHENA_TYPES: Readonly<Record<ColumnType, string>> = {
  string: "string",
  int: "int",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
};

/** The two partition columns and how Athena projects them (no crawler, no MSCK REPAIR). */
export const PARTITION_PROJECTION = {
  dt: { type: "date", format: "yyyy-MM-dd", interval: "1", unit: "DAYS" },
  source: { type: "enum", values: ["call", "chat"] },
} as const;

export interface DatasetCatalogProps {
  readonly key: kms.IKey;
  readonly anonymized: s3.IBucket;
  readonly athenaResults: s3.IBucket;
  /** First day of the dt projection, YYYY-MM-DD. */
  readonly projectionStartDate: string;
}

/**
 * The Glue database with one table per dataset of `shared/dataset/schema.ts` (columns, types and comments come
 * from there, so the Parquet writer and the catalog cannot drift), Parquet SerDe, partitions dt/source by
 * projection; an Athena workgroup whose settings (KMS-encrypted results in the results bucket) override
 * what clients ask for; and a managed policy to attach to the people who query the datasets: the workgroup, the
 * two tables, datasets/ (not the JSONL copies, audit or quarantine records) and their own query results.
 */
export class DatasetCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly tables: Readonly<Record<DatasetTable["name"], glue.CfnTable>>;
  readonly workGroup: athena.CfnWorkGroup;
  /** Attach to data scientists' roles or groups: query the datasets in the workgroup, nothing else. */
  readonly queryPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DatasetCatalogProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.databaseName = `${stackName}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    this.database = new glue.CfnDatabase(this, "Database", {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: "tokumei: anonymized conversation datasets" },
    });

    const tables: Partial<Record<DatasetTable["name"], glue.CfnTable>> = {};
    for (const table of DATASET_TABLES) {
      const location = `s3://${props.anonymized.bucketName}/${PREFIXES.datasets}${table.name}/`;
      const cfnTable = new glue.CfnTable(this, `${table.name[0]?.toUpperCase()}${table.name.slice(1)}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: table.name,
          description: `tokumei ${table.name} dataset (Parquet, partitioned by dt and source)`,
          tableType: "EXTERNAL_TABLE",
          partitionKeys: table.partitionKeys.map((column) => ({ name: column.name, type: ATHENA_TYPES[column.type], comment: column.comment })),
          parameters: {
            classification: "parquet",
            EXTERNAL: "TRUE",
            "parquet.compression": "SNAPPY",
            "projection.enabled": "true",
            "projection.dt.type": PARTITION_PROJECTION.dt.type,
            "projection.dt.format": PARTITION_PROJECTION.dt.format,
            "projection.dt.range": `${props.projectionStartDate},NOW`,
            "projection.dt.interval": PARTITION_PROJECTION.dt.interval,
            "projection.dt.interval.unit": PARTITION_PROJECTION.dt.unit,
            "projection.source.type": PARTITION_PROJECTION.source.type,
            "projection.source.values": PARTITION_PROJECTION.source.values.join(","),
            "storage.location.template": `${location}dt=\${dt}/source=\${source}/`,
          },
          storageDescriptor: {
            location,
            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serdeInfo: {
              serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
              parameters: { "serialization.format": "1" },
            },
            columns: table.columns.map((column) => ({ name: column.name, type: ATHENA_TYPES[column.type], comment: column.comment })),
          },
        },
      });
      cfnTable.node.addDependency(this.database);
      tables[table.name] = cfnTable;
    }
    this.tables = tables as Record<DatasetTable["name"], glue.CfnTable>;

    this.workGroup = new athena.CfnWorkGroup(this, "WorkGroup", {
      name: `${stackName}-datasets`,
      description: "tokumei: queries over the anonymized datasets; results are KMS-encrypted and expire",
      state: "ENABLED",
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: "AUTO" },
        resultConfiguration: {
          outputLocation: `s3://${props.athenaResults.bucketName}/${PREFIXES.athenaResults}`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: props.key.keyArn },
        },
      },
    });

    const stack = Stack.of(this);
    const glueArn = (resource: string, resourceName?: string): string =>
      Arn.format({ service: "glue", resource, ...(resourceName ? { resourceName } : {}), arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);
    this.queryPolicy = new iam.ManagedPolicy(this, "QueryPolicy", {
      description: "tokumei: query the anonymized datasets with Athena (workgroup, tables, datasets/ and query results)",
      statements: [
        new iam.PolicyStatement({
          sid: "UseTheWorkGroup",
          actions: [
            "athena:GetWorkGroup",
            "athena:StartQueryExecution",
            "athena:StopQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
            "athena:ListQueryExecutions",
          ],
          resources: [Arn.format({ service: "athena", resource: "workgroup", resourceName: this.workGroup.ref, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack)],
        }),
        new iam.PolicyStatement({
          sid: "ReadTheCatalog",
          actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"],
          resources: [
            glueArn("catalog"),
            glueArn("database", this.databaseName),
            ...DATASET_TABLES.map((table) => glueArn("table", `${this.databaseName}/${table.name}`)),
          ],
        }),
        new iam.PolicyStatement({
          sid: "ReadTheDatasets",
          actions: ["s3:GetObject"],
          resources: [props.anonymized.arnForObjects(`${PREFIXES.datasets}*`)],
        }),
        new iam.PolicyStatement({
          sid: "ListTheDatasets",
          actions: ["s3:ListBucket", "s3:GetBucketLocation"],
          resources: [props.anonymized.bucketArn],
          conditions: { StringLike: { "s3:prefix": [`${PREFIXES.datasets}*`] } },
        }),
        new iam.PolicyStatement({
          sid: "WriteAndReadQueryResults",
          actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          resources: [props.athenaResults.arnForObjects(`${PREFIXES.athenaResults}*`)],
        }),
        new iam.PolicyStatement({
          sid: "LocateTheResultsBucket",
          actions: ["s3:ListBucket", "s3:GetBucketLocation"],
          resources: [props.athenaResults.bucketArn],
        }),
        new iam.PolicyStatement({ sid: "DecryptDatasetsEncryptResults", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.key.keyArn] }),
      ],
    });
    Validations.of(this.queryPolicy).acknowledge(
      {
        id: bucketObjects(props.anonymized, PREFIXES.datasets),
        reason: "Athena reads every Parquet file of the two tables; file names carry partition and input-derived parts made at run time.",
      },
      {
        id: bucketObjects(props.athenaResults, PREFIXES.athenaResults),
        reason: "Athena writes each query's results under athena-results/ with a query-id name; the caller reads them back.",
      },
    );
  }
}
