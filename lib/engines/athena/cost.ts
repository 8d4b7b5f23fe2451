/** What a query cost: Athena bills data scanned, rounded up to the megabyte, at least 10 MB. */

const MB = 1024 ** 2;
const TB = 1024 ** 4;

/** Athena's list price per TB scanned in most regions (USD). Pass your own where it differs. */
export const DEFAULT_COST_PER_TB_USD = 5;

/**
 * The estimated charge for one query. DDL and failed queries are free; a SUCCEEDED or
 * CANCELLED query pays for what it scanned, rounded up to the next megabyte, 10 MB at least.
 *
 * @example
 * estimateCostUsd({ dataScannedBytes: 3 * 1024 ** 3, statementType: 'DML', state: 'SUCCEEDED' }); // ≈ 0.0146
 */
export function estimateCostUsd(query: {
  dataScannedBytes: number;
  statementType?: string;
  state: string;
  costPerTbUsd?: number;
}): number {
  if (query.statementType === 'DDL' || query.state === 'FAILED') return 0;
  const billedBytes = Math.max(10 * MB, Math.ceil(query.dataScannedBytes / MB) * MB);
  return (billedBytes / TB) * (query.costPerTbUsd ?? DEFAULT_COST_PER_TB_USD);
}
