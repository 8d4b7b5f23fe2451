/** One query's life on Athena: start it, watch it until it ends, stop it when told. */

import type { AthenaClient, QueryExecution } from '@aws-sdk/client-athena';
import { randomUUID } from 'node:crypto';
import type { QueryProgress } from '../../display/progress';
import { formatBytes } from '../../display/format';
import { delays, sleep, type PollSchedule } from './backoff';
import type { ResolvedAthenaOptions } from './options';
import { retryThrottled, type RetryPolicy } from './throttling';
import { sqlLiteral, type SqlValue } from '../../sql';

/** The states after which a query changes no more. */
export const FINAL_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * StartQueryExecution with the values as ExecutionParameters (never in the text), the
 * workgroup, database and result location, and an idempotency token so a retry after
 * throttling or a lost reply cannot start the query twice.
 */
export async function startQuery(
  athena: AthenaClient,
  text: string,
  params: readonly SqlValue[],
  options: ResolvedAthenaOptions,
  signal: AbortSignal,
): Promise<string> {
  const { StartQueryExecutionCommand } = await import('@aws-sdk/client-athena');
  const command = new StartQueryExecutionCommand({
    QueryString: text,
    ClientRequestToken: randomUUID(),
    WorkGroup: options.workgroup,
    QueryExecutionContext: { Catalog: options.catalog, Database: options.database },
    ...(options.outputLocation ? { ResultConfiguration: { OutputLocation: options.outputLocation } } : {}),
    ...(params.length > 0 ? { ExecutionParameters: params.map(sqlLiteral) } : {}),
    ...(options.resultReuseMaxAgeMinutes > 0
      ? { ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: options.resultReuseMaxAgeMinutes } } }
      : {}),
  });
  const out = await retryThrottled(() => athena.send(command, { abortSignal: signal }), { ...options.retry, signal });
  if (!out.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
  return out.QueryExecutionId;
}

/**
 * Poll GetQueryExecution on the schedule until the query ends, telling `onProgress` each state
 * and the data scanned so far. Rejects with the signal's reason when it aborts (the caller
 * stops the query).
 */
export async function waitForQuery(
  athena: AthenaClient,
  id: string,
  schedule: PollSchedule,
  retry: RetryPolicy,
  signal: AbortSignal,
  onProgress?: (progress: QueryProgress) => void,
): Promise<QueryExecution> {
  const { GetQueryExecutionCommand } = await import('@aws-sdk/client-athena');
  const waits = delays(schedule);
  for (;;) {
    await sleep(waits.next().value, signal);
    const out = await retryThrottled(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal }), { ...retry, signal });
    const execution = out.QueryExecution ?? {};
    const state = execution.Status?.State ?? 'UNKNOWN';
    const scanned = execution.Statistics?.DataScannedInBytes;
    onProgress?.({ state, detail: scanned ? `${formatBytes(scanned)} scanned` : undefined });
    if (FINAL_STATES.has(state)) return execution;
  }
}

/**
 * StopQueryExecution, so an abandoned query stops costing money. Never throws: returns why
 * the stop failed, for the error the cell shows, or undefined when it went through.
 */
export async function stopQuery(athena: AthenaClient, id: string, retry: RetryPolicy): Promise<string | undefined> {
  try {
    const { StopQueryExecutionCommand } = await import('@aws-sdk/client-athena');
    await retryThrottled(() => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })), { ...retry, attempts: Math.min(retry.attempts, 4) });
    return undefined;
  } catch (error) {
    return `StopQueryExecution failed: ${(error as Error).message}`;
  }
}
