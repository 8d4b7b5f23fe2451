/**
 * The Athena engine over the wire: the real SDK clients against the local Athena stand-in
 * (which runs the SQL on the local engine and writes the result CSV to s3rver).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '../../../lib/engines/athena/athena-engine';
import type { AthenaEngineOptions } from '../../../lib/engines/athena/options';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { AthenaCsvError, QueryCancelledError, QueryError } from '../../../lib/errors';
import { CREDENTIAL_COMPROMISE_QUERIES } from '../../../lib/playbooks';
import { generateSample, type SampleManifest } from '../../../lib/sample';
import { sql } from '../../../lib/sql';
import { AthenaStandIn } from '../../support/athena-standin';

let dir: string;
let manifest: SampleManifest;
let local: LocalEngine;
let standin: AthenaStandIn;
const engines: AthenaEngine[] = [];

async function athena(options: AthenaEngineOptions = {}): Promise<AthenaEngine> {
  const engine = await AthenaEngine.open({
    region: 'us-east-1',
    workgroup: 'primary',
    outputLocation: `s3://${standin.bucket}/irbook/`,
    polling: { firstMs: 5, factor: 1.5, maxMs: 40 },
    clients: {
      athena: new AthenaClient({ ...standin.athenaClientConfig, maxAttempts: 1 }),
      s3: new S3Client(standin.s3ClientConfig),
      sts: new STSClient(standin.stsClientConfig),
    },
    ...options,
  });
  engines.push(engine);
  return engine;
}

function requestsFor(action: string, id?: string) {
  return standin.requests.filter((r) => r.action === action && (id === undefined || (r.body as { QueryExecutionId?: string }).QueryExecutionId === id));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-athena-'));
  manifest = await generateSample({ out: join(dir, 'logs'), events: 20_000, seed: 11, lake: false });
  local = await LocalEngine.open({ logs: join(dir, 'logs') });
  standin = await AthenaStandIn.start({ engine: local, latency: { queuedMs: 10, runningMs: 10 } });
}, 120_000);

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await standin?.close();
  await local?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('AthenaEngine against the stand-in', () => {
  it('gives the same answer as the local engine for every playbook query', async () => {
    const engine = await athena();
    const context = { window: { start: '2024-03-01', end: '2024-04-01' }, entity: manifest.stories.credentialCompromise.principalArn };
    for (const [name, query] of Object.entries(CREDENTIAL_COMPROMISE_QUERIES)) {
      const built = query.build(context);
      const [here, there] = [await local.query(built), await engine.query(built)];
      expect(there.columnNames, name).toEqual(here.columnNames);
      expect(there.rows, name).toEqual(here.rows);
      expect(there.rowCount, name).toBeGreaterThanOrEqual(name === 'consoleLogins' || name === 'mfaChanges' ? 0 : 1);
    }
  }, 180_000);

  it('reads 2,500 rows from pages and from the S3 CSV alike, none lost or repeated', async () => {
    const query = 'SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE concat(\'row "\', CAST(i AS VARCHAR), \'", a,b\') END AS label FROM range(2500) t(i) ORDER BY i';
    const viaS3 = await (await athena()).query(query);
    const viaPages = await (await athena({ resultPath: 'page' })).query(query);
    expect(viaS3.stats.readFrom).toBe('s3');
    expect(viaPages.stats.readFrom).toBe('page');
    expect(viaS3.rows).toEqual(viaPages.rows);
    const ids = viaS3.rows.map((r) => Number(r[0]));
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(viaS3.rows[7]![1]).toBeNull();
    expect(viaS3.rows[8]![1]).toBe('row "8", a,b');
    // Three GetQueryResults pages (header + 999, 1000, 501) on the page path; one on the S3 path.
    expect(requestsFor('GetQueryResults', viaPages.stats.queryExecutionId)).toHaveLength(3);
    expect(requestsFor('GetQueryResults', viaS3.stats.queryExecutionId)).toHaveLength(1);
  }, 60_000);

  it('keeps NULL and the empty string apart on both paths', async () => {
    const query = "SELECT NULL AS a, '' AS b, 'x' AS c, CAST(NULL AS BIGINT) AS d";
    for (const resultPath of ['page', 's3'] as const) {
      const result = await (await athena({ resultPath })).query(query);
      expect(result.rows, resultPath).toEqual([[null, '', 'x', null]]);
    }
  });

  it('sends values as ExecutionParameters, never in the query text', async () => {
    const engine = await athena();
    const hostile = "arn:aws:iam::111122223333:user/o'brien' OR '1'='1";
    const result = await engine.query(sql`SELECT count(*) AS n FROM cloudtrail WHERE useridentity.arn = ${hostile} OR useridentity.arn = ${manifest.stories.credentialCompromise.principalArn}`);
    const start = requestsFor('StartQueryExecution').at(-1)!.body as { QueryString: string; ExecutionParameters: string[] };
    expect(start.QueryString).not.toContain("o'brien");
    expect(start.QueryString).toContain('useridentity.arn = ?');
    expect(start.ExecutionParameters).toEqual([`'${hostile.replace(/'/g, "''")}'`, `'${manifest.stories.credentialCompromise.principalArn}'`]);
    const expected = await local.query(sql`SELECT count(*) AS n FROM cloudtrail WHERE useridentity.arn = ${manifest.stories.credentialCompromise.principalArn}`);
    expect(result.rows).toEqual(expected.rows);
  });

  it('refuses ? outside WHERE before sending anything, as the local engine does', async () => {
    const engine = await athena();
    const before = requestsFor('StartQueryExecution').length;
    const query = sql`SELECT ${'triage'} AS stage, count(*) AS n FROM cloudtrail`;
    await expect(engine.query(query)).rejects.toMatchObject({ name: 'PlaceholderError', clause: 'SELECT' });
    await expect(local.query(query)).rejects.toMatchObject({ name: 'PlaceholderError', clause: 'SELECT' });
    expect(requestsFor('StartQueryExecution')).toHaveLength(before);
  });

  it('turns FAILED into a QueryError with the id, the reason and the category', async () => {
    const engine = await athena();
    const error = await engine.query('SELECT no_such_column FROM cloudtrail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    const failure = error as QueryError;
    expect(failure.state).toBe('FAILED');
    expect(failure.errorCategory).toBe('USER');
    expect(failure.stateChangeReason).toContain('no_such_column');
    expect(standin.queries.get(failure.queryExecutionId!)?.state).toBe('FAILED');
    expect(failure.sql).toBe('SELECT no_such_column FROM cloudtrail');
  });

  it('names the result CSV in S3 when it is not well-formed', async () => {
    // A reused result is read again from the first query's CSV, which is spoiled in between.
    const engine = await athena({ resultPath: 's3', resultReuseMaxAgeMinutes: 60 });
    const query = 'SELECT 7 AS seven';
    const first = await engine.query(query);
    const location = standin.queries.get(first.stats.queryExecutionId!)!.outputLocation;
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)!;
    const s3 = new S3Client(standin.s3ClientConfig);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '"seven"\n"7' }));
    s3.destroy();
    const error = await engine.query(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).cause).toBeInstanceOf(AthenaCsvError);
    expect((error as QueryError).message).toContain(`${location}: row 2`);
  });

  it('retries throttled calls with backoff and starts the query once', async () => {
    const engine = await athena();
    standin.injectErrors('StartQueryExecution', 2, 'TooManyRequestsException');
    standin.injectErrors('GetQueryExecution', 2, 'ThrottlingException');
    const before = requestsFor('StartQueryExecution').length;
    const result = await engine.query('SELECT 42 AS answer');
    expect(result.rows).toEqual([[42]]);
    const starts = requestsFor('StartQueryExecution').slice(before).map((r) => r.body as { ClientRequestToken: string });
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((s) => s.ClientRequestToken)).size).toBe(1);
  });

  it('retries dropped connections like throttling, and still starts the query once', async () => {
    const engine = await athena({ retry: { baseMs: 1, capMs: 5 } });
    standin.injectResets('StartQueryExecution', 1);
    standin.injectResets('GetQueryExecution', 2);
    const before = requestsFor('StartQueryExecution').length;
    const result = await engine.query('SELECT 7 AS answer');
    expect(result.rows).toEqual([[7]]);
    const starts = requestsFor('StartQueryExecution').slice(before).map((r) => r.body as { ClientRequestToken: string });
    expect(starts).toHaveLength(2);
    expect(new Set(starts.map((s) => s.ClientRequestToken)).size).toBe(1);
  });

  it.each([
    ['the connection drops on every poll', () => standin.injectResets('GetQueryExecution', 3)],
    ['polling is refused (AccessDenied)', () => standin.injectErrors('GetQueryExecution', 1, 'AccessDeniedException')],
  ])('stops the query before failing the cell when %s', async (_case, inject) => {
    const engine = await athena({ retry: { attempts: 3, baseMs: 1, capMs: 5 } });
    standin.holdNext();
    inject();
    const error = await engine.query('SELECT 1 AS x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).not.toBeInstanceOf(QueryCancelledError);
    const id = (error as QueryError).queryExecutionId!;
    expect(standin.stopped).toContain(id);
    expect(standin.queries.get(id)?.state).toBe('CANCELLED');
    expect((error as Error).message).toContain('StopQueryExecution was called');
  });

  it('stops the query when it times out', async () => {
    const engine = await athena({ timeoutMs: 300 });
    standin.holdNext();
    const started = performance.now();
    const error = await engine.query('SELECT 1 AS x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryCancelledError);
    const id = (error as QueryCancelledError).queryExecutionId!;
    expect(standin.stopped).toContain(id);
    expect(standin.queries.get(id)?.state).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stops the query when the signal aborts (the kernel interrupt)', async () => {
    const engine = await athena();
    standin.holdNext();
    const controller = new AbortController();
    const pending = engine.query('SELECT 2 AS x', { signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryCancelledError);
    const id = (error as QueryCancelledError).queryExecutionId!;
    expect(standin.stopped).toContain(id);
    expect((error as QueryCancelledError).stateChangeReason).toBe('interrupted');
  });

  it('reports each state and the data scanned while it runs, and the cost after', async () => {
    const engine = await athena();
    standin.setLatency({ queuedMs: 60, runningMs: 60 });
    const states: string[] = [];
    // A bare count(*) is answered from Parquet metadata (cached per engine) and reads no data: read a column.
    const result = await engine.query('SELECT count(*) AS n FROM cloudtrail WHERE requestparameters IS NOT NULL', { onProgress: (p) => states.push(p.state) });
    standin.setLatency({ queuedMs: 10, runningMs: 10 });
    expect(states).toContain('QUEUED');
    expect(states).toContain('RUNNING');
    expect(states.at(-1)).toBe('SUCCEEDED');
    // The stand-in reports the local engine's bytes read from its ingest cache as data scanned.
    expect(result.stats.dataScannedBytes).toBeGreaterThan(100_000);
    expect(result.stats.estimatedCostUsd).toBeCloseTo((Math.max(10, Math.ceil(result.stats.dataScannedBytes! / 2 ** 20)) / 2 ** 20) * 5, 12);
    expect(result.stats.queueMs).toBeGreaterThanOrEqual(0);
    expect(result.toText()).toContain('scanned');
  });

  it('with the default schedule, sees a quick query done at the first poll, 100 ms in', async () => {
    const engine = await athena({ polling: undefined });
    standin.setLatency({ queuedMs: 0, runningMs: 0 });
    const started = performance.now();
    const result = await engine.query('SELECT 1 AS x');
    const elapsed = performance.now() - started;
    standin.setLatency({ queuedMs: 10, runningMs: 10 });
    // One GetQueryExecution: no busy polling before 100 ms, and no second wait after it.
    expect(requestsFor('GetQueryExecution', result.stats.queryExecutionId)).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(100);
  });

  it('reuses an earlier result when asked to, and says so under the table', async () => {
    const engine = await athena({ resultReuseMaxAgeMinutes: 60 });
    const query = "SELECT count(*) AS n FROM cloudtrail WHERE eventname = 'ConsoleLogin'";
    const first = await engine.query(query);
    const second = await engine.query(query);
    expect(second.rows).toEqual(first.rows);
    expect(first.stats.reusedResult).toBe(false);
    expect(second.stats.reusedResult).toBe(true);
    expect(second.stats.dataScannedBytes).toBe(0);
    expect(second.toText()).toContain('reused an earlier result');
    // A reused result is not billed: no 10 MB minimum.
    expect(first.stats.estimatedCostUsd).toBeGreaterThan(0);
    expect(second.stats.estimatedCostUsd).toBe(0);
    const start = requestsFor('StartQueryExecution').at(-1)!.body as { ResultReuseConfiguration?: unknown };
    expect(start.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } });
  });

  it('says who is calling, through STS', async () => {
    const engine = await athena();
    standin.callerIdentity = { Account: '444455556666', Arn: 'arn:aws:sts::444455556666:assumed-role/IRNotebookRole/SageMaker', UserId: 'AROAEXAMPLE:SageMaker' };
    expect(await engine.whoami()).toEqual({ account: '444455556666', arn: 'arn:aws:sts::444455556666:assumed-role/IRNotebookRole/SageMaker', userId: 'AROAEXAMPLE:SageMaker' });
    expect(await engine.describe()).toContain('account 444455556666 as arn:aws:sts::444455556666:assumed-role/IRNotebookRole/SageMaker');
  });

  it('says where results go and how queries are billed, as Athena reports it', async () => {
    const lines = (await (await athena()).describe()).split('\n');
    expect(lines[1]).toBe('  region us-east-1 (from the settings cell); workgroup primary (from the settings cell); database AwsDataCatalog.security_analysis');
    expect(lines[2]).toBe(`  results: s3://${standin.bucket}/irbook/ (outputLocation)`);
    expect(lines[3]).toMatch(/^  billing: per TB scanned, estimated at \$5\/TB/);
    expect(lines.filter((l) => l.includes('could not check'))).toEqual([]);
    const reuse = (await (await athena({ resultReuseMaxAgeMinutes: 30, outputLocation: undefined })).describe()).split('\n')[4];
    expect(reuse).toContain("up to 30 minutes old; never for Lake Formation tables such as Security Lake's");
  });
});

describe('AthenaEngine on a workgroup that enforces its settings and runs on a capacity reservation', () => {
  let enforced: AthenaStandIn;
  beforeAll(async () => {
    enforced = await AthenaStandIn.start({
      engine: local,
      latency: { queuedMs: 5, runningMs: 5 },
      workGroupOutputLocation: 's3://athena-results/enforced/',
      workGroup: { enforced: true, capacityReservations: { 'ir-reserved': ['irbook'], 'other-team': ['analytics'] } },
    });
  });
  afterAll(() => enforced?.close());

  async function open(workgroup: string): Promise<AthenaEngine> {
    const engine = await AthenaEngine.open({
      region: 'us-east-1',
      workgroup,
      outputLocation: 's3://athena-results/mine/',
      polling: { firstMs: 5, factor: 1.5, maxMs: 40 },
      clients: {
        athena: new AthenaClient({ ...enforced.athenaClientConfig, maxAttempts: 1 }),
        s3: new S3Client(enforced.s3ClientConfig),
        sts: new STSClient(enforced.stsClientConfig),
      },
    });
    engines.push(engine);
    return engine;
  }

  it("reports the workgroup's location, not the ignored outputLocation, and results are there", async () => {
    const engine = await open('irbook');
    expect((await engine.describe()).split('\n')[2]).toBe('  results: s3://athena-results/enforced/ (enforced by workgroup irbook; outputLocation is ignored)');
    const result = await engine.query('SELECT 1 AS x');
    expect(enforced.queries.get(result.stats.queryExecutionId!)?.outputLocation.startsWith('s3://athena-results/enforced/')).toBe(true);
  });

  it('shows "capacity reservation" instead of a per-TB price, only for the workgroup assigned to one', async () => {
    const reserved = await open('irbook');
    expect((await reserved.describe()).split('\n')[3]).toBe('  billing: capacity reservation ir-reserved (DPU-hours; no per-query charge is estimated)');
    const result = await reserved.query("SELECT count(*) AS n FROM cloudtrail WHERE eventname = 'ConsoleLogin'");
    expect(result.stats.estimatedCostUsd).toBeUndefined();
    expect(result.toText()).toContain('capacity reservation ir-reserved');
    const perTb = await (await open('primary')).query("SELECT count(*) AS n FROM cloudtrail WHERE eventname = 'ConsoleLogin'");
    expect(perTb.stats.estimatedCostUsd).toBeGreaterThan(0);
  });
});
