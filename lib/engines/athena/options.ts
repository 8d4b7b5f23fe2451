/** The Athena engine's options, checked, with their defaults. */

import { OptionError } from '../../errors';
import { checkOptionNames, countOption } from '../../options';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule } from './backoff';
import { DEFAULT_COST_PER_TB_USD } from './cost';
import type { AthenaClients } from './clients';
import { DEFAULT_RETRY, type RetryPolicy } from './throttling';

/** How to reach Athena and how to run queries there. */
export interface AthenaEngineOptions {
  /**
   * AWS region. Empty or left out: `AWS_REGION`, `AWS_DEFAULT_REGION`, the region the
   * SageMaker setup recorded, the profile's, the instance's (see resolveRegion).
   */
  readonly region?: string;
  /** Athena workgroup. Empty or left out: `IRBOOK_WORKGROUP`, the SageMaker setup's, else `primary`. */
  readonly workgroup?: string;
  /** Where Athena writes results, `s3://bucket/prefix/`; default: the workgroup's setting. */
  readonly outputLocation?: string;
  /** Data catalog. Default `AwsDataCatalog`. */
  readonly catalog?: string;
  /** Database unqualified table names resolve in. Default `security_analysis`. */
  readonly database?: string;
  /** Reuse a result of the same query up to this many minutes old (0: never). Default 0. */
  readonly resultReuseMaxAgeMinutes?: number;
  /** Stop a query (StopQueryExecution) that runs longer than this. Default 30 minutes. */
  readonly timeoutMs?: number;
  /** How often to poll: first wait, growth, cap. Default 100 ms × 1.5 up to 2 s. */
  readonly polling?: Partial<PollSchedule>;
  /**
   * How calls that were throttled, failed on the server or lost the connection are retried:
   * tries in all and the backoff's base and cap. Default 8 tries, 200 ms, 10 s.
   */
  readonly retry?: Partial<RetryPolicy>;
  /** USD per TB scanned, for the estimate on each result. Default 5. */
  readonly costPerTbUsd?: number;
  /** Results with more rows than one GetQueryResults page are read from the CSV in S3. Default 1000. */
  readonly pageSize?: number;
  /**
   * How rows are read: `auto` (default) takes a one-page result from GetQueryResults and a
   * larger one from the CSV in S3; `page` always pages GetQueryResults (no S3 read permission
   * needed); `s3` always reads the CSV.
   */
  readonly resultPath?: 'auto' | 'page' | 's3';
  /** SDK clients to use instead of ones built from the options (custom credentials, tests). */
  readonly clients?: Partial<AthenaClients>;
}

/** The options checked, with every default filled in but the two found at open: region and workgroup. */
export interface CheckedAthenaOptions {
  readonly region?: string;
  readonly workgroup?: string;
  readonly outputLocation?: string;
  readonly catalog: string;
  readonly database: string;
  readonly resultReuseMaxAgeMinutes: number;
  readonly timeoutMs: number;
  readonly polling: PollSchedule;
  readonly retry: RetryPolicy;
  readonly costPerTbUsd: number;
  readonly pageSize: number;
  readonly resultPath: 'auto' | 'page' | 's3';
  readonly clients: Partial<AthenaClients>;
}

const NAMES = ['region', 'workgroup', 'outputLocation', 'catalog', 'database', 'resultReuseMaxAgeMinutes', 'timeoutMs',
  'polling', 'retry', 'costPerTbUsd', 'pageSize', 'resultPath', 'clients'] as const;

/** The options an engine runs with: region and workgroup resolved, and where each came from. */
export interface ResolvedAthenaOptions extends CheckedAthenaOptions {
  readonly region: string;
  readonly workgroup: string;
  /** Where the region and the workgroup were found, for the setup cell (`AWS_DEFAULT_REGION`, …). */
  readonly sources: { readonly region: string; readonly workgroup: string };
}

/** Check the options and fill in the defaults; a wrong one is an OptionError naming it. */
export function resolveAthenaOptions(options: AthenaEngineOptions): CheckedAthenaOptions {
  checkOptionNames(options, NAMES, 'AthenaEngine');
  for (const name of ['region', 'workgroup', 'outputLocation', 'catalog', 'database'] as const) {
    const value: unknown = options[name];
    // An empty region or workgroup is the settings cell's way of saying "find it".
    if (value === '' && (name === 'region' || name === 'workgroup')) continue;
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new OptionError(name, value, `AthenaEngine: ${name} must be a non-empty string`);
    }
  }
  if (options.outputLocation !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(options.outputLocation)) {
    throw new OptionError('outputLocation', options.outputLocation,
      `AthenaEngine: outputLocation must be an S3 URI like s3://my-athena-results/prefix/, not "${options.outputLocation}"`);
  }
  const polling = { ...DEFAULT_POLL_SCHEDULE, ...options.polling };
  checkOptionNames(polling, ['firstMs', 'factor', 'maxMs'], 'AthenaEngine polling');
  if (!(polling.firstMs > 0 && polling.factor >= 1 && polling.maxMs >= polling.firstMs)) {
    throw new OptionError('polling', options.polling, 'AthenaEngine: polling needs firstMs > 0, factor ≥ 1 and maxMs ≥ firstMs');
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  checkOptionNames(retry, ['attempts', 'baseMs', 'capMs'], 'AthenaEngine retry');
  if (!(Number.isInteger(retry.attempts) && retry.attempts >= 1 && retry.baseMs >= 0 && retry.capMs >= retry.baseMs)) {
    throw new OptionError('retry', options.retry, 'AthenaEngine: retry needs a whole number of attempts ≥ 1, baseMs ≥ 0 and capMs ≥ baseMs');
  }
  const pageSize = countOption('AthenaEngine', 'pageSize', options.pageSize, 1000, { min: 2 });
  if (pageSize > 1000) throw new OptionError('pageSize', pageSize, 'AthenaEngine: pageSize is at most 1000 (GetQueryResults MaxResults)');
  const reuse = countOption('AthenaEngine', 'resultReuseMaxAgeMinutes', options.resultReuseMaxAgeMinutes, 0, { min: 0 });
  if (reuse > 10080) throw new OptionError('resultReuseMaxAgeMinutes', reuse, 'AthenaEngine: resultReuseMaxAgeMinutes is at most 10080 (7 days)');
  const resultPath = options.resultPath ?? 'auto';
  if (!['auto', 'page', 's3'].includes(resultPath)) {
    throw new OptionError('resultPath', resultPath, "AthenaEngine: resultPath must be 'auto', 'page' or 's3'");
  }
  return {
    region: options.region || undefined,
    workgroup: options.workgroup || undefined,
    outputLocation: options.outputLocation,
    catalog: options.catalog ?? 'AwsDataCatalog',
    database: options.database ?? 'security_analysis',
    resultReuseMaxAgeMinutes: reuse,
    timeoutMs: countOption('AthenaEngine', 'timeoutMs', options.timeoutMs, 30 * 60_000, { min: 1 }),
    polling: Object.freeze(polling),
    retry: Object.freeze(retry),
    costPerTbUsd: options.costPerTbUsd ?? DEFAULT_COST_PER_TB_USD,
    pageSize,
    resultPath,
    clients: options.clients ?? {},
  };
}
