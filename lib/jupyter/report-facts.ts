/**
 * What a headless run's report header is built from, recorded by the library inside the
 * kernel while the playbook runs: the data source, the suspect chosen and why, and each query
 * result (its SQL, context and first rows). `irbook run` names a file in
 * `IRBOOK_REPORT_FACTS`; outside such a run nothing is recorded.
 */

import { appendFileSync, readFileSync } from 'node:fs';
import type { ResultContext } from '../result/context';
import type { QueryResult } from '../result/query-result';
import type { SqlValue } from '../sql';

/** The environment variable naming the facts file (JSON lines). */
export const REPORT_FACTS_ENV = 'IRBOOK_REPORT_FACTS';

/** Rows of a result kept for the findings; the report summarises, it does not list. */
const ROWS_KEPT = 200;

/** One recorded fact. */
export type ReportFact =
  | { readonly kind: 'source'; readonly engine: string; readonly description: string }
  | { readonly kind: 'suspect'; readonly suspect: string | null; readonly reason: string }
  | {
      readonly kind: 'result';
      readonly text: string;
      readonly params: readonly unknown[];
      readonly context: ResultContext;
      readonly rowCount: number;
      readonly records: readonly Record<string, unknown>[];
    };

/** Whether this process runs inside `irbook run` (facts are wanted). */
export function recordingFacts(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[REPORT_FACTS_ENV]);
}

/**
 * Appends a fact to the run's facts file; does nothing outside `irbook run`. Never throws: a
 * report header is not worth failing an investigation for.
 *
 * @example
 * recordFact({ kind: 'suspect', suspect: arn, reason: 'the most authorization failures in 2.2' });
 */
export function recordFact(fact: ReportFact, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[REPORT_FACTS_ENV];
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify(fact, jsonSafe)}\n`);
  } catch {
    // The run's folder is gone or full: the notebook itself goes on.
  }
}

/**
 * Records a query result: its SQL and parameters (to recognise catalog queries), context
 * and first rows.
 *
 * @example
 * recordResult(result, query.compile());
 */
export function recordResult(result: QueryResult, query: { text: string; params: readonly SqlValue[] }, env: NodeJS.ProcessEnv = process.env): void {
  if (!recordingFacts(env)) return;
  const records = result.toRecords().slice(0, ROWS_KEPT);
  recordFact({ kind: 'result', text: query.text, params: query.params, context: result.context, rowCount: result.rowCount, records }, env);
}

/**
 * The facts a run recorded, in order; lines that do not parse are skipped (a kernel killed
 * mid-write leaves half a line).
 *
 * @example
 * const facts = readFacts('/tmp/irbook-run-x/facts.jsonl');
 */
export function readFacts(file: string): ReportFact[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const facts: ReportFact[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      facts.push(JSON.parse(line) as ReportFact);
    } catch {
      // See above.
    }
  }
  return facts;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}
