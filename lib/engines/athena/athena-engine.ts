/** The Athena engine: the playbooks' SQL on real accounts, through the AWS SDK v3. */

import { inspect } from 'node:util';
import { formatBytes } from '../../display/format';
import { QueryCancelledError, QueryError } from '../../errors';
import { QueryResult } from '../../result/query-result';
import { compileQuery, type QueryInput } from '../../sql';
import type { Engine, QueryOptions } from '../engine';
import { createClients, type AthenaClients } from './clients';
import { queryCost } from './cost';
import { startQuery, stopQuery, waitForQuery } from './execution';
import { resolveAthenaOptions, type AthenaEngineOptions, type ResolvedAthenaOptions } from './options';
import { checkAthenaRules } from './placeholders';
import { fetchResults } from './results';
import { resolveRegion, resolveWorkgroup } from './settings';
import { whoami, type CallerIdentity } from './whoami';
import { inspectWorkGroup, type WorkGroupFacts } from './workgroup';

/** Athena's ErrorCategory numbers, as the words a person reads. */
const ERROR_CATEGORIES: Readonly<Record<number, string>> = { 1: 'SYSTEM', 2: 'USER', 3: 'OTHER' };

/**
 * Runs Athena (Trino) SQL on Amazon Athena: the organization's CloudTrail table, Security
 * Lake. Values from the `sql` tag go out as ExecutionParameters; polling starts at 100 ms
 * and backs off to 2 s; large results are read from the CSV Athena wrote to S3; a timeout or
 * an abort (the kernel's interrupt) stops the query with StopQueryExecution; every result
 * carries data scanned, engine and queue time and an estimated cost.
 *
 * @example
 * const athena = await AthenaEngine.open({ region: 'us-east-1', workgroup: 'primary', database: 'security_analysis' });
 * console.log(await athena.whoami());
 * (await athena.query(sql`SELECT count(*) AS n FROM cloudtrail WHERE ${inWindow(window)}`)).display();
 */
export class AthenaEngine implements Engine {
  readonly name = 'athena';
  readonly options: ResolvedAthenaOptions;
  readonly #clients: Promise<AthenaClients>;

  #workGroup: Promise<WorkGroupFacts> | undefined;

  private constructor(options: ResolvedAthenaOptions) {
    this.options = options;
    this.#clients = createClients(options.region, options.clients);
    // An unused engine must not report an unhandled rejection if the SDK fails to load.
    this.#clients.catch(() => undefined);
  }

  /**
   * Checks the options, finds the region and workgroup the settings leave open (see
   * resolveRegion, resolveWorkgroup) and prepares the clients; makes no AWS call.
   *
   * @throws OptionError naming a wrong or unknown option, or saying how to set a region
   */
  static async open(options: AthenaEngineOptions = {}): Promise<AthenaEngine> {
    const checked = resolveAthenaOptions(options);
    const region = await resolveRegion(checked.region, checked.clients.athena);
    const workgroup = resolveWorkgroup(checked.workgroup);
    const engine = new AthenaEngine({
      ...checked,
      region: region.value,
      workgroup: workgroup.value,
      sources: { region: region.source, workgroup: workgroup.source },
    });
    await engine.#clients;
    return engine;
  }

  /**
   * What the workgroup decides, as Athena reports it (GetWorkGroup and the capacity
   * reservations): where results are written, and whether queries are billed per TB. Asked
   * once per engine; a refused call leaves that fact unknown instead of failing.
   */
  async workGroup(): Promise<WorkGroupFacts> {
    this.#workGroup ??= this.#clients.then((clients) =>
      inspectWorkGroup(clients.athena, this.options.workgroup, this.options.outputLocation, this.options.retry));
    return this.#workGroup;
  }

  /**
   * The account and principal the engine's credentials belong to (STS GetCallerIdentity), so
   * the setup cell shows who is about to query before anything runs.
   *
   * @example
   * (await engine.whoami()).account; // '111122223333'
   */
  async whoami(): Promise<CallerIdentity> {
    return whoami((await this.#clients).sts);
  }

  /**
   * For the setup cell: who is calling, the region and workgroup and where each came from,
   * where results are written as Athena reports it, how queries are billed, and whether
   * result reuse can apply.
   */
  async describe(): Promise<string> {
    const me = await this.whoami();
    const o = this.options;
    const wg = await this.workGroup();
    const lines = [
      `athena: account ${me.account} as ${me.arn}`,
      `  region ${o.region} (from ${o.sources.region}); workgroup ${o.workgroup} (from ${o.sources.workgroup}); database ${o.catalog}.${o.database}`,
      `  results: ${wg.resultLocation ?? 'no location set (queries will fail: set outputLocation)'} (${wg.resultLocationSource})`,
      `  billing: ${billingLine(wg, o.costPerTbUsd)}`,
      `  result reuse: ${reuseLine(wg, o.resultReuseMaxAgeMinutes, o.outputLocation)}`,
    ];
    for (const problem of wg.problems) lines.push(`  could not check: ${problem}`);
    return lines.join('\n');
  }

  /** Runs one query; see Engine.query. */
  async query(query: QueryInput, options: QueryOptions = {}): Promise<QueryResult> {
    const compiled = compileQuery(query);
    checkAthenaRules(compiled);
    const { text, params } = compiled;
    const clients = await this.#clients;
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const fail = (message: string, fields: Partial<ConstructorParameters<typeof QueryError>[1]> = {}) =>
      new QueryError(message, { sql: text, engine: this.name, ...fields });

    if (signal.aborted) throw this.#cancelled(text, undefined, timeout.aborted);
    let id: string;
    try {
      id = await startQuery(clients.athena, text, params, this.options, signal);
    } catch (error) {
      if (signal.aborted) throw this.#cancelled(text, undefined, timeout.aborted);
      throw fail(`Athena did not start the query: ${(error as Error).message}`, { cause: error });
    }

    let execution;
    try {
      execution = await waitForQuery(clients.athena, id, this.options.polling, this.options.retry, signal, options.onProgress);
    } catch (error) {
      // Whatever ended the watch (an interrupt, a lost connection, AccessDenied on polling),
      // the query would run on, and be billed, unwatched: stop it before the cell fails.
      const stopFailure = await stopQuery(clients.athena, id, this.options.retry);
      if (signal.aborted) throw this.#cancelled(text, id, timeout.aborted, stopFailure);
      const stopped = stopFailure ? `${stopFailure}; the query may still be running` : 'StopQueryExecution was called';
      throw fail(`Athena query ${id}: watching it failed: ${(error as Error).message}; ${stopped}`, { queryExecutionId: id, cause: error });
    }

    const status = execution.Status ?? {};
    const state = status.State ?? 'UNKNOWN';
    if (state === 'CANCELLED') throw this.#cancelled(text, id, false, undefined, status.StateChangeReason);
    if (state !== 'SUCCEEDED') {
      const category = status.AthenaError?.ErrorCategory;
      throw fail(`Athena query ${id} ${state}: ${status.StateChangeReason ?? 'no reason given'}`, {
        queryExecutionId: id,
        state,
        stateChangeReason: status.StateChangeReason,
        errorCategory: category === undefined ? undefined : (ERROR_CATEGORIES[category] ?? String(category)),
      });
    }

    let fetched;
    try {
      fetched = await fetchResults(clients, execution, this.options, signal);
    } catch (error) {
      if (signal.aborted) throw this.#cancelled(text, id, timeout.aborted);
      throw fail(`Athena query ${id}: reading the results failed: ${(error as Error).message}`, { queryExecutionId: id, cause: error });
    }
    const statistics = execution.Statistics ?? {};
    const scanned = statistics.DataScannedInBytes ?? 0;
    const reused = statistics.ResultReuseInformation?.ReusedPreviousResult;
    const cost = queryCost({
      dataScannedBytes: scanned,
      statementType: execution.StatementType,
      substatementType: execution.SubstatementType,
      state,
      reusedResult: reused,
      capacityReservation: (await this.workGroup()).capacityReservation,
      costPerTbUsd: this.options.costPerTbUsd,
    });
    return new QueryResult({
      columns: fetched.columns,
      rows: fetched.rows,
      sql: text,
      stats: {
        engine: this.name,
        elapsedMs: performance.now() - started,
        filesSkipped: [],
        dataScannedBytes: scanned,
        engineMs: statistics.EngineExecutionTimeInMillis,
        queueMs: statistics.QueryQueueTimeInMillis,
        estimatedCostUsd: cost.usd,
        costNote: cost.usd === undefined ? cost.basis : undefined,
        queryExecutionId: id,
        readFrom: fetched.path,
        reusedResult: reused,
      },
    });
  }

  #cancelled(sql: string, id: string | undefined, timedOut: boolean, stopFailure?: string, reason?: string): QueryCancelledError {
    const why = reason ?? (timedOut ? `timed out after ${this.options.timeoutMs} ms` : 'interrupted');
    const stopped = id === undefined ? 'it had not started' : stopFailure ?? 'StopQueryExecution was called';
    return new QueryCancelledError(`Athena query ${id ?? '(not started)'} cancelled: ${why}; ${stopped}`, {
      sql,
      engine: this.name,
      queryExecutionId: id,
      state: 'CANCELLED',
      stateChangeReason: why,
    });
  }

  /** Releases the SDK clients' connections. Safe to call twice. */
  async close(): Promise<void> {
    const clients = await this.#clients.catch(() => undefined);
    if (!clients) return;
    // Clients passed in belong to the caller.
    if (!this.options.clients.athena) clients.athena.destroy();
    if (!this.options.clients.s3) clients.s3.destroy();
    if (!this.options.clients.sts) clients.sts.destroy();
  }

  [inspect.custom](): string {
    const o = this.options;
    return `AthenaEngine { region: ${o.region}, workgroup: ${o.workgroup}, catalog: ${o.catalog}, database: ${o.database} }`;
  }
}

function billingLine(wg: WorkGroupFacts, costPerTbUsd: number): string {
  if (wg.capacityReservation) return `capacity reservation ${wg.capacityReservation} (DPU-hours; no per-query charge is estimated)`;
  const cutoff = wg.bytesScannedCutoff ? `; the workgroup stops a query at ${formatBytes(wg.bytesScannedCutoff)} scanned` : '';
  const unknown = wg.capacityReservation === undefined ? ' (capacity reservations could not be checked)' : '';
  return `per TB scanned, estimated at $${costPerTbUsd}/TB with the 10 MB minimum${unknown}${cutoff}`;
}

function reuseLine(wg: WorkGroupFacts, maxAgeMinutes: number, outputLocation: string | undefined): string {
  if (maxAgeMinutes === 0) return 'off (resultReuseMaxAgeMinutes: 0)';
  // Athena disables reuse for a query that overrides the workgroup's result configuration.
  if (outputLocation && !wg.enforced) return 'off in effect: outputLocation overrides the workgroup\'s result configuration';
  return `up to ${maxAgeMinutes} minutes old; never for Lake Formation tables such as Security Lake's (Athena runs those again)`;
}
