/**
 * ASFF → OCSF 1.1 Detection Finding (class 2004), as Security Lake writes Security Hub
 * findings into its `SH_FINDINGS` source (reference README: `metadata.product.name` ←
 * ProductName, `time`/`time_dt` ← UpdatedAt, `cloud.account.uid` ← AwsAccountId,
 * `finding_info.desc/title` ← Description/Title, `resources[]` ← Resources[] in their order).
 * The row is JSON that DuckDB reads with the table's own column types; members left out are
 * NULL there.
 */

import type { AsffFinding } from './findings';

/** A JSON value of a finding row. */
type RowValue = string | number | null | readonly RowValue[] | { readonly [member: string]: RowValue };
/** One `sh_findings` row as JSON, keyed by column. */
export type OcsfFindingRow = { readonly [column: string]: RowValue };

const SEVERITY = {
  INFORMATIONAL: [1, 'Informational'],
  LOW: [2, 'Low'],
  MEDIUM: [3, 'Medium'],
  HIGH: [4, 'High'],
  CRITICAL: [5, 'Critical'],
} as const;

/** `2024-03-12 09:25:01.000`: a TIMESTAMP as DuckDB reads it from JSON (UTC, no zone). */
export function timestampText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The `sh_findings` row of a Security Hub finding.
 *
 * @example
 * toOcsfFinding(finding).metadata; // { product: { name: 'Macie', vendor_name: 'AWS', … }, … }
 */
export function toOcsfFinding(f: AsffFinding): OcsfFindingRow {
  const [severityId, severity] = SEVERITY[f.Severity.Label];
  const [activityId, activity] = f.CreatedAt === f.UpdatedAt ? [1, 'Create'] : [2, 'Update'];
  return {
    metadata: {
      product: {
        feature: { uid: f.GeneratorId },
        uid: f.ProductArn,
        name: f.ProductName,
        vendor_name: 'AWS',
        version: '2018-10-08',
      },
      processed_time_dt: timestampText(f.UpdatedAt),
      profiles: ['cloud', 'datetime'],
      version: '1.1.0',
    },
    time: f.UpdatedAt,
    time_dt: timestampText(f.UpdatedAt),
    message: f.Title,
    cloud: { account: { uid: f.AwsAccountId }, region: f.Region, provider: 'AWS' },
    finding_info: {
      created_time_dt: timestampText(f.CreatedAt),
      uid: f.Id,
      desc: f.Description,
      title: f.Title,
      modified_time_dt: timestampText(f.UpdatedAt),
      first_seen_time_dt: timestampText(f.FirstObservedAt),
      last_seen_time_dt: timestampText(f.UpdatedAt),
      types: f.Types,
    },
    remediation: f.Remediation ? { desc: f.Remediation.Text, references: [f.Remediation.Url] } : null,
    compliance: f.Compliance
      ? {
          standards: [f.Compliance.Standard],
          control: f.Compliance.SecurityControlId,
          status: f.Compliance.Status === 'FAILED' ? 'Fail' : 'Pass',
          status_code: f.Compliance.Status,
        }
      : null,
    resources: f.Resources.map((r) => ({
      type: r.Type,
      uid: r.Id,
      cloud_partition: 'aws',
      region: r.Region,
      owner: { account: { uid: f.AwsAccountId } },
    })),
    class_name: 'Detection Finding',
    class_uid: 2004,
    category_name: 'Findings',
    category_uid: 2,
    severity_id: severityId,
    severity,
    activity_name: activity,
    activity_id: activityId,
    type_uid: 2004 * 100 + activityId,
    type_name: `Detection Finding: ${activity}`,
    status: 'New',
    unmapped: { RecordState: 'ACTIVE', 'Workflow.Status': 'NEW' },
    accountid: f.AwsAccountId,
    region: f.Region,
  };
}
