/** Query results shaped like the playbook queries' answers, for the chart tests. */

import { QueryResult } from '../../../lib/result/query-result';
import type { Value } from '../../../lib/result/types';
import { makeData } from '../../result/fixtures';

export const ACCOUNT = '123456789012';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const DEPLOY = `arn:aws:sts::${ACCOUNT}:assumed-role/DeployRole/ci-session`;
/** Attacker-influenced text: a user name may not hold these, but a session name or a tag can. */
export const HOSTILE = `arn:aws:sts::${ACCOUNT}:assumed-role/R/x&y<z>"q`;
export const T0 = Date.UTC(2024, 2, 1, 0, 0, 0);
export const HOUR_MS = 3_600_000;

/** `entity, failures`: one row per entity, failures as bigint (as DuckDB and Athena give them). */
export function topEntities(entities: readonly string[], counts?: readonly number[]): QueryResult {
  return new QueryResult(
    makeData(
      [
        ['entity', 'string'],
        ['failures', 'bigint'],
      ],
      entities.map((e, i) => [e, BigInt(counts?.[i] ?? entities.length - i)]),
    ),
  );
}

/** `bucket, entity, failures` with hourly buckets. */
export function failuresOverTime(rows: readonly (readonly [hour: number, entity: string | null, failures: number])[]): QueryResult {
  return new QueryResult(
    makeData(
      [
        ['bucket', 'timestamp'],
        ['entity', 'string'],
        ['failures', 'bigint'],
      ],
      rows.map(([h, e, n]) => [new Date(T0 + h * HOUR_MS), e, BigInt(n)]),
    ),
  );
}

/** `hour, events[, series]`. */
export function activityByHour(rows: readonly (readonly [hour: Value, events: number, series?: string])[]): QueryResult {
  const withSeries = rows.some((r) => r[2] !== undefined);
  return new QueryResult(
    makeData(
      [
        ['hour', 'bigint'],
        ['events', 'bigint'],
        ...(withSeries ? [['entity', 'string'] as const] : []),
      ],
      rows.map(([h, n, s]) => [h, BigInt(n), ...(withSeries ? [s ?? null] : [])]),
    ),
  );
}

/** CloudTrail-like events: one a minute, services in turn, every `failEvery`-th one denied. */
export function events(count: number, failEvery = 5): QueryResult {
  const services = ['iam.amazonaws.com', 's3.amazonaws.com', 'sts.amazonaws.com'];
  return new QueryResult(
    makeData(
      [
        ['eventtime', 'timestamp'],
        ['eventsource', 'string'],
        ['eventname', 'string'],
        ['errorcode', 'string'],
        ['sourceipaddress', 'string'],
      ],
      Array.from({ length: count }, (_, i): Value[] => [
        new Date(T0 + i * 60_000),
        services[i % services.length] ?? null,
        `Call${i}`,
        i % failEvery === 0 ? 'AccessDenied' : null,
        `198.51.100.${i % 250}`,
      ]),
    ),
  );
}

/** The inlined data of a chart's spec. */
export function specValues(spec: { [key: string]: unknown }): { [key: string]: unknown }[] {
  const data = spec.data as { values: { [key: string]: unknown }[] };
  return data.values;
}
