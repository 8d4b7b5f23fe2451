/**
 * How much of the cache a query read, from DuckDB's JSON profile: bytes actually read from
 * disk (`total_bytes_read`) and the data files each Parquet scan opened after pruning
 * (`Total Files Read`). These, not timings, are what pruning is judged by.
 */

/** Cache files and bytes one query read. */
export interface ScanStats {
  readonly filesRead: number;
  readonly bytesRead: number;
}

interface ProfileNode {
  readonly total_bytes_read?: number;
  readonly extra_info?: Record<string, unknown>;
  readonly children?: readonly ProfileNode[];
}

/** Reads the stats from a profile's JSON text; zeros when there is none. */
export function readScanStats(profileJson: string | undefined): ScanStats {
  if (!profileJson) return { filesRead: 0, bytesRead: 0 };
  let root: ProfileNode;
  try {
    root = JSON.parse(profileJson) as ProfileNode;
  } catch {
    return { filesRead: 0, bytesRead: 0 };
  }
  let filesRead = 0;
  const visit = (node: ProfileNode) => {
    const files = Number(node.extra_info?.['Total Files Read']);
    if (Number.isFinite(files)) filesRead += files;
    node.children?.forEach(visit);
  };
  visit(root);
  return { filesRead, bytesRead: Number(root.total_bytes_read ?? 0) };
}
