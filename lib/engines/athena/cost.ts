/**
 * What a query cost. Per-TB pricing bills data scanned, rounded up to the megabyte, 10 MB at
 * least; DDL and failed queries are free; a reused result scans nothing and is not billed;
 * queries on a capacity reservation are billed by DPU-hour, not by data scanned
 * (https://aws.amazon.com/athena/pricing/).
 */

const MB = 1024 ** 2;
const TB = 1024 ** 4;

/** Athena's list price per TB scanned in most regions (USD). Pass your own where it differs. */
export const DEFAULT_COST_PER_TB_USD = 5;

/** The DDL statements that read data, and so are billed as a scan: CREATE TABLE AS SELECT. */
const SCANNING_DDL = new Set(['CREATE_TABLE_AS_SELECT']);

/** One query, as GetQueryExecution describes it. */
export interface CostInput {
  readonly dataScannedBytes: number;
  /** StatementType: `DML`, `DDL` or `UTILITY`. */
  readonly statementType?: string;
  /** SubstatementType, e.g. `CREATE_TABLE_AS_SELECT` (whose StatementType is `DDL`). */
  readonly substatementType?: string;
  readonly state: string;
  /** Statistics.ResultReuseInformation.ReusedPreviousResult. */
  readonly reusedResult?: boolean;
  /** The capacity reservation the workgroup runs on, if any. */
  readonly capacityReservation?: string | null;
  readonly costPerTbUsd?: number;
}

/** The charge, or why there is none per query. */
export interface QueryCost {
  /** USD, for per-TB pricing; undefined on a capacity reservation. */
  readonly usd?: number;
  /** Why: `scanned`, `reused result: not billed`, `DDL: not billed`, `capacity reservation …`. */
  readonly basis: string;
}

/**
 * The cost of one query from its real kind and its bytes scanned.
 *
 * @example
 * queryCost({ dataScannedBytes: 3 * 1024 ** 3, statementType: 'DML', state: 'SUCCEEDED' }); // { usd: ≈0.0146, basis: 'scanned' }
 * queryCost({ dataScannedBytes: 0, statementType: 'DML', state: 'SUCCEEDED', reusedResult: true }); // { usd: 0, basis: 'reused result: not billed' }
 */
export function queryCost(query: CostInput): QueryCost {
  if (query.capacityReservation) {
    return { basis: `capacity reservation ${query.capacityReservation} (billed by DPU-hour, not per query)` };
  }
  if (query.state === 'FAILED') return { usd: 0, basis: 'failed: not billed' };
  if (query.reusedResult) return { usd: 0, basis: 'reused result: not billed' };
  const scans = query.statementType !== 'DDL' || SCANNING_DDL.has(query.substatementType ?? '') || query.dataScannedBytes > 0;
  if (!scans) return { usd: 0, basis: 'DDL: not billed' };
  const billedBytes = Math.max(10 * MB, Math.ceil(query.dataScannedBytes / MB) * MB);
  return { usd: (billedBytes / TB) * (query.costPerTbUsd ?? DEFAULT_COST_PER_TB_USD), basis: 'scanned' };
}

/**
 * The estimated charge in USD for one query on per-TB pricing; see {@link queryCost}.
 *
 * @example
 * estimateCostUsd({ dataScannedBytes: 3 * 1024 ** 3, statementType: 'DML', state: 'SUCCEEDED' }); // ≈ 0.0146
 */
export function estimateCostUsd(query: CostInput): number | undefined {
  return queryCost(query).usd;
}
