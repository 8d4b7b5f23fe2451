/**
 * How much of the cache a query read: the data files each Parquet scan opened after pruning
 * (`Total Files Read` in DuckDB's JSON profile), and the bytes DuckDB read from them. Bytes
 * come from the process's read counter (Linux `/proc/self/io` `rchar`, taken around the
 * query), since DuckDB's own `total_bytes_read` leaves out column data; elsewhere the profile's
 * figure is used. These, not timings, are what pruning is judged by.
 */
import { readFileSync } from 'node:fs';

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

/** Bytes this process has read through system calls so far; undefined where the OS does not say. */
export function processBytesRead(): number | undefined {
  try {
    const match = /^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the stats from a profile's JSON text (zeros when there is none), with the bytes the
 * process read during the query when known.
 */
export function readScanStats(profileJson: string | undefined, bytesReadByProcess?: number): ScanStats {
  if (!profileJson) return { filesRead: 0, bytesRead: bytesReadByProcess ?? 0 };
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
  return { filesRead, bytesRead: bytesReadByProcess ?? Number(root.total_bytes_read ?? 0) };
}
