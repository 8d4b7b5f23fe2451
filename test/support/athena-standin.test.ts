/**
 * The Athena stand-in, driven only through the real SDK v3 clients (Athena, S3, STS), with
 * expected answers computed in plain JS over the fixture events.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { AthenaStandIn, formatDouble, formatReal, parseParameterLiteral } from './athena-standin';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile, type Event } from './cloudtrail-fixtures';

const dir = tempDir('athena-standin-');
const events: Event[] = Array.from({ length: 12 }, (_, i) => makeEvent(i));
events.push(makeEvent(12, { userIdentity: { ...makeEvent(12).userIdentity, userName: "o'brien" } }));
events.push(makeEvent(13, { userIdentity: { ...makeEvent(13).userIdentity, userName: "o'brien" } }));
writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));

let standin: AthenaStandIn;
let athena: AthenaClient;

beforeAll(async () => {
  standin = await AthenaStandIn.start({ logs: dir.path, latency: { queuedMs: 30, runningMs: 30 } });
  athena = new AthenaClient(standin.athenaClientConfig);
});

afterAll(async () => {
  athena?.destroy();
  await standin?.close();
  dir.cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(input: Partial<StartQueryExecutionCommandInput> & { QueryString: string }): Promise<string> {
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({
    QueryExecutionContext: { Database: 'security_analysis' },
    ResultConfiguration: { OutputLocation: 's3://athena-results/irbook/' },
    ...input,
  }));
  return QueryExecutionId!;
}

/** Polls until a final state; returns the last QueryExecution and every state seen. */
async function poll(id: string): Promise<{ execution: QueryExecution; seen: string[] }> {
  const seen: string[] = [];
  for (;;) {
    const { QueryExecution: execution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = execution!.Status!.State!;
    if (seen.at(-1) !== state) seen.push(state);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state)) return { execution: execution!, seen };
    await sleep(5);
  }
}

async function run(input: Partial<StartQueryExecutionCommandInput> & { QueryString: string }) {
  const id = await start(input);
  return { id, ...(await poll(id)) };
}

async function allPages(id: string, maxResults?: number): Promise<GetQueryResultsCommandOutput[]> {
  const pages: GetQueryResultsCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: maxResults }));
    pages.push(page);
    token = page.NextToken;
  } while (token);
  return pages;
}

const cells = (page: GetQueryResultsCommandOutput) => page.ResultSet!.Rows!.map((r) => r.Data!.map((d) => d.VarCharValue));

describe('AthenaStandIn: a query over CloudTrail logs', () => {
  it('moves QUEUED → RUNNING → SUCCEEDED and answers as plain JS over the events does', async () => {
    standin.setLatency({ queuedMs: 150, runningMs: 150 });
    const { id, execution, seen } = await run({
      QueryString: 'SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname ORDER BY eventname',
    });
    standin.setLatency({ queuedMs: 30, runningMs: 30 });
    expect(seen).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    expect(execution.StatementType).toBe('DML');
    expect(execution.ResultConfiguration!.OutputLocation).toBe(`s3://athena-results/irbook/${id}.csv`);
    expect(execution.QueryExecutionContext).toEqual({ Database: 'security_analysis' });
    expect(execution.WorkGroup).toBe('primary');
    expect(execution.Status!.SubmissionDateTime).toBeInstanceOf(Date);
    expect(execution.Status!.CompletionDateTime!.getTime()).toBeGreaterThanOrEqual(execution.Status!.SubmissionDateTime!.getTime());
    // The local engine's bytes read from its ingest cache stand in for Athena's data scanned.
    expect(execution.Statistics!.DataScannedInBytes).toBeGreaterThan(0);
    expect(execution.Statistics!.QueryQueueTimeInMillis).toBeGreaterThanOrEqual(140);
    expect(execution.Statistics!.EngineExecutionTimeInMillis).toBeGreaterThanOrEqual(140);
    expect(execution.Statistics!.ResultReuseInformation).toEqual({ ReusedPreviousResult: false });

    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.eventName, (counts.get(e.eventName) ?? 0) + 1);
    const expected = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, n]) => [name, String(n)]);
    const [page] = await allPages(id);
    expect(cells(page!)).toEqual([['eventname', 'n'], ...expected]);
    expect(page!.NextToken).toBeUndefined();
    expect(page!.UpdateCount).toBe(0);
    expect(page!.ResultSet!.ResultSetMetadata!.ColumnInfo).toEqual([
      { CatalogName: 'hive', SchemaName: '', TableName: '', Name: 'eventname', Label: 'eventname', Type: 'varchar', Precision: 2147483647, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true },
      { CatalogName: 'hive', SchemaName: '', TableName: '', Name: 'n', Label: 'n', Type: 'bigint', Precision: 19, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: false },
    ]);
  });

  it('sends NULL as a Data entry without VarCharValue and the empty string as VarCharValue ""', async () => {
    const { id } = await run({ QueryString: `SELECT CAST(NULL AS VARCHAR) AS a, '' AS b, 'x' AS c` });
    const [page] = await allPages(id);
    expect(page!.ResultSet!.Rows![1]!.Data).toEqual([{}, { VarCharValue: '' }, { VarCharValue: 'x' }]);
    expect('VarCharValue' in page!.ResultSet!.Rows![1]!.Data![0]!).toBe(false);
  });

  it('prints every type as Athena does, with Athena type names', async () => {
    const { id } = await run({
      QueryString: `SELECT CAST(1.5 AS DOUBLE) AS d1, CAST(2 AS DOUBLE) AS d2, CAST(1e10 AS DOUBLE) AS d3, CAST(1.25 AS DECIMAL(10,2)) AS dec,
        true AS b, 42 AS i, CAST(7 AS BIGINT) AS big, DATE '2024-03-12' AS dt, TIMESTAMP '2024-03-12 10:00:00.5' AS ts,
        CAST(TIMESTAMP '2024-03-12 10:00:00' AS TIMESTAMP WITH TIME ZONE) AS tz, ARRAY['a', NULL] AS arr,
        MAP(ARRAY['k'], ARRAY[1.5]) AS m, CAST(ROW(1, 'x') AS ROW(n INTEGER, s VARCHAR)) AS r,
        ARRAY[TIMESTAMP '2024-03-12 10:00:00'] AS tsarr, CAST(0.1 AS REAL) AS re`,
    });
    const [page] = await allPages(id);
    const info = page!.ResultSet!.ResultSetMetadata!.ColumnInfo!;
    expect(info.map((c) => c.Type)).toEqual([
      'double', 'double', 'double', 'decimal', 'boolean', 'integer', 'bigint', 'date', 'timestamp',
      'timestamp with time zone', 'array', 'map', 'row', 'array', 'real',
    ]);
    expect([info[3]!.Precision, info[3]!.Scale]).toEqual([10, 2]);
    expect(cells(page!)[1]).toEqual([
      '1.5', '2.0', '1.0E10', '1.25', 'true', '42', '7', '2024-03-12', '2024-03-12 10:00:00.500',
      '2024-03-12 10:00:00.000 UTC', '[a, null]', '{k=1.5}', '{n=1, s=x}', '[2024-03-12 10:00:00.000]', '0.1',
    ]);
  });

  it('formats doubles as Java does', () => {
    expect([1.5, 2, 1e7, 9999999, 1e10, 0.001, 0.0001, -0, 0, NaN, -Infinity, 123456789.5].map(formatDouble)).toEqual([
      '1.5', '2.0', '1.0E7', '9999999.0', '1.0E10', '0.001', '1.0E-4', '-0.0', '0.0', 'NaN', '-Infinity', '1.234567895E8',
    ]);
    expect(formatReal(Math.fround(0.1))).toBe('0.1');
  });

  it('pages 2,500 rows with MaxResults and NextToken, the header first on the first page', async () => {
    const { id } = await run({ QueryString: 'SELECT i FROM range(2500) t(i) ORDER BY i' });
    const pages = await allPages(id);
    expect(pages.map((p) => p.ResultSet!.Rows!.length)).toEqual([1000, 1000, 501]);
    expect(pages.map((p) => p.NextToken === undefined)).toEqual([false, false, true]);
    const values = pages.flatMap(cells).map((r) => r[0]);
    expect(values).toEqual(['i', ...Array.from({ length: 2500 }, (_, i) => String(i))]);
    const small = await allPages(id, 700);
    expect(small.map((p) => p.ResultSet!.Rows!.length)).toEqual([700, 700, 700, 401]);
    expect(small.flatMap(cells).map((r) => r[0])).toEqual(values);
    await expect(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1001 })))
      .rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('writes Athena’s CSV to S3, quotes doubled, NULL unquoted and empty, newlines kept', async () => {
    const { execution } = await run({
      QueryString: `SELECT 'say "hi", ok' AS a, 'line1' || chr(10) || 'line2' AS b, CAST(NULL AS VARCHAR) AS c, '' AS d, 3 AS e`,
    });
    const location = execution.ResultConfiguration!.OutputLocation!;
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(location)!;
    const s3 = new S3Client(standin.s3ClientConfig);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    s3.destroy();
    expect(bytes.toString('utf8')).toBe('"a","b","c","d","e"\n"say ""hi"", ok","line1\nline2",,"","3"\n');
    expect((await standin.readObject(location)).equals(bytes)).toBe(true);
  });
});

describe('AthenaStandIn: ExecutionParameters', () => {
  it('binds a quoted string parameter: the rows for o’brien, and the literal is recorded as sent', async () => {
    const { id, execution } = await run({
      QueryString: `SELECT eventid, '?' AS q FROM cloudtrail WHERE useridentity.username = ? /* ? */ ORDER BY eventid`,
      ExecutionParameters: [`'o''brien'`],
    });
    expect(execution.Status!.State).toBe('SUCCEEDED');
    expect(execution.ExecutionParameters).toEqual([`'o''brien'`]);
    const expected = events.filter((e) => e.userIdentity.userName === "o'brien").map((e) => [String(e.eventID), '?']).sort();
    expect(expected).toHaveLength(2);
    expect(cells((await allPages(id))[0]!).slice(1)).toEqual(expected);
    const sent = standin.requests.filter((r) => r.action === 'StartQueryExecution').at(-1)!;
    expect(sent.body.ExecutionParameters).toEqual([`'o''brien'`]);
  });

  it('parses numbers, booleans, NULL, timestamps and dates back to values', async () => {
    const where = 'WHERE ? = 42 AND ? = 5000000000 AND ? = 1.5E0 AND ? AND ? IS NULL AND ? = TIMESTAMP \'2024-03-19 05:00:00\' AND ? = TIMESTAMP \'2024-03-19 00:00:00\'';
    const count = async (first: string) => {
      const { id } = await run({
        QueryString: `SELECT count(*) AS n FROM (SELECT 1) AS one(x) ${where}`,
        ExecutionParameters: [first, '5000000000', '1.5', 'true', 'NULL', `TIMESTAMP '2024-03-19 05:00:00.000'`, `DATE '2024-03-19'`],
      });
      return cells((await allPages(id))[0]!)[1];
    };
    expect(await count('42')).toEqual(['1']);
    expect(await count('41')).toEqual(['0']);
    expect(parseParameterLiteral(`'it''s'`, 1)).toBe("it's");
    expect(parseParameterLiteral('1.5', 1)).toBe(1.5);
    expect(parseParameterLiteral(`DATE '2024-03-19'`, 1)).toEqual(new Date(Date.UTC(2024, 2, 19)));
  });

  it('fails a query with ? outside WHERE, as Athena does, naming the clause', async () => {
    for (const [query, clause] of [['SELECT ? AS tag FROM cloudtrail', 'SELECT'], ['SELECT eventid FROM cloudtrail WHERE eventname = ? LIMIT ?', 'LIMIT']] as const) {
      const { execution } = await run({ QueryString: query, ExecutionParameters: query.includes('LIMIT') ? [`'x'`, '1'] : [`'x'`] });
      expect(execution.Status, query).toMatchObject({ State: 'FAILED', AthenaError: { ErrorCategory: 2 } });
      expect(execution.Status!.StateChangeReason).toContain(`in the ${clause} clause`);
    }
  });

  it('rejects a parameter that is not a literal, naming it', async () => {
    await expect(start({ QueryString: 'SELECT ?, ?', ExecutionParameters: ['1', 'eventname'] })).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringContaining('"eventname"'),
    });
  });

  it('fails a query whose placeholders and parameters do not match in number', async () => {
    const { execution } = await run({ QueryString: 'SELECT count(*) FROM cloudtrail WHERE eventname = ? OR eventname = ?', ExecutionParameters: [`'x'`] });
    expect(execution.Status).toMatchObject({
      State: 'FAILED',
      StateChangeReason: 'INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected 2 but found 1',
      AthenaError: { ErrorCategory: 2 },
    });
  });
});

describe('AthenaStandIn: failures, throttling, cancellation', () => {
  it('surfaces injected throttling as the SDK error name, and the SDK retries it', async () => {
    const once = new AthenaClient({ ...standin.athenaClientConfig, maxAttempts: 1 });
    standin.injectErrors('GetQueryExecution', 1);
    await expect(once.send(new GetQueryExecutionCommand({ QueryExecutionId: 'x' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    standin.injectErrors('StartQueryExecution', 1, 'TooManyRequestsException');
    const error: unknown = await once.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    once.destroy();

    const before = standin.requests.filter((r) => r.action === 'StartQueryExecution').length;
    standin.injectErrors('StartQueryExecution', 2);
    const { execution } = await run({ QueryString: 'SELECT 1 AS one' });
    expect(execution.Status!.State).toBe('SUCCEEDED');
    expect(standin.requests.filter((r) => r.action === 'StartQueryExecution').length - before).toBe(3);
  });

  it('cancels a held query on StopQueryExecution', async () => {
    standin.holdNext();
    const id = await start({ QueryString: 'SELECT 1' });
    let state: string | undefined;
    while (state !== 'RUNNING') {
      await sleep(5);
      state = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!.Status!.State;
      expect(['QUEUED', 'RUNNING']).toContain(state);
    }
    await sleep(100);
    expect(standin.queries.get(id)!.state).toBe('RUNNING');
    await expect(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: 'Query has not yet finished. Current state: RUNNING',
    });
    await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    const { execution } = await poll(id);
    expect(execution.Status!.State).toBe('CANCELLED');
    expect(standin.stopped).toContain(id);
    expect(standin.queries.get(id)!.state).toBe('CANCELLED');
  });

  it('fails with the reason and category given to failWith', async () => {
    standin.failWith('HIVE_BAD_DATA: error parsing field value', { category: 3, errorType: 1300, retryable: true });
    const { execution } = await run({ QueryString: 'SELECT 1' });
    expect(execution.Status).toMatchObject({
      State: 'FAILED',
      StateChangeReason: 'HIVE_BAD_DATA: error parsing field value',
      AthenaError: { ErrorCategory: 3, ErrorType: 1300, Retryable: true, ErrorMessage: 'HIVE_BAD_DATA: error parsing field value' },
    });
  });

  it('fails a query DuckDB rejects, with its message as the reason and the USER category', async () => {
    const { id, execution } = await run({ QueryString: 'SELECT no_such_column FROM cloudtrail' });
    expect(execution.Status!.State).toBe('FAILED');
    expect(execution.Status!.StateChangeReason).toMatch(/no_such_column/);
    expect(execution.Status!.AthenaError!.ErrorCategory).toBe(2);
    await expect(athena.send(new GetQueryResultsCommand({ QueryExecutionId: id }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('answers GetWorkGroup with its output location', async () => {
    const { WorkGroup } = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'primary' }));
    expect(WorkGroup!.Configuration!.ResultConfiguration!.OutputLocation).toBe('s3://athena-results/');
  });
});

describe('AthenaStandIn: STS and engine ownership', () => {
  it('answers GetCallerIdentity for STSClient, with a settable identity', async () => {
    const sts = new STSClient(standin.stsClientConfig);
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/irbook-test', UserId: 'AIDAIRBOOKTESTUSER01',
    });
    standin.callerIdentity = { Account: '444455556666', Arn: 'arn:aws:sts::444455556666:assumed-role/IR/me', UserId: 'AROAX:me' };
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect([identity.Account, identity.Arn, identity.UserId]).toEqual(['444455556666', 'arn:aws:sts::444455556666:assumed-role/IR/me', 'AROAX:me']);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    sts.destroy();
  });

  it('runs on a given engine and leaves it open when closed', async () => {
    const engine = await LocalEngine.open({ logs: dir.path });
    const other = await AthenaStandIn.start({ engine, latency: { queuedMs: 1, runningMs: 1 } });
    const client = new AthenaClient(other.athenaClientConfig);
    const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT count(*) AS n FROM cloudtrail' }));
    let state: string | undefined;
    while (state !== 'SUCCEEDED') {
      await sleep(5);
      state = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution!.Status!.State;
    }
    const { ResultSet } = await client.send(new GetQueryResultsCommand({ QueryExecutionId }));
    expect(ResultSet!.Rows![1]!.Data).toEqual([{ VarCharValue: String(events.length) }]);
    client.destroy();
    await other.close();
    expect((await engine.query('SELECT 1 AS x')).rows).toEqual([[1]]);
    await engine.close();
  });
});
