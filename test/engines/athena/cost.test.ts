/** What a query costs, from its real kind: the rule, and the engine at the SDK boundary. */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  ListCapacityReservationsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AthenaEngine } from '../../../lib/engines/athena/athena-engine';
import { queryCost } from '../../../lib/engines/athena/cost';

const GIB = 1024 ** 3;
const TIB = 1024 ** 4;
const MIB = 1024 ** 2;

describe('queryCost', () => {
  it('bills a CTAS, which Athena reports as DDL, for the data it scanned', () => {
    const ctas = { dataScannedBytes: 5 * GIB, statementType: 'DDL', substatementType: 'CREATE_TABLE_AS_SELECT', state: 'SUCCEEDED' };
    expect(queryCost(ctas)).toEqual({ usd: (5 * GIB / TIB) * 5, basis: 'scanned' });
    // A CTAS over an empty source still pays the 10 MB minimum of a query.
    expect(queryCost({ ...ctas, dataScannedBytes: 0 }).usd).toBe((10 * MIB / TIB) * 5);
  });

  it('leaves other DDL, failed queries and reused results unbilled', () => {
    expect(queryCost({ dataScannedBytes: 0, statementType: 'DDL', substatementType: 'CREATE_TABLE', state: 'SUCCEEDED' }))
      .toEqual({ usd: 0, basis: 'DDL: not billed' });
    expect(queryCost({ dataScannedBytes: 3 * GIB, statementType: 'DML', state: 'FAILED' }).usd).toBe(0);
    expect(queryCost({ dataScannedBytes: 0, statementType: 'DML', state: 'SUCCEEDED', reusedResult: true }))
      .toEqual({ usd: 0, basis: 'reused result: not billed' });
  });

  it('rounds a scan up to the megabyte, 10 MB at least, at the price given', () => {
    expect(queryCost({ dataScannedBytes: 1, statementType: 'DML', state: 'SUCCEEDED' }).usd).toBe((10 * MIB / TIB) * 5);
    expect(queryCost({ dataScannedBytes: 20 * MIB + 1, statementType: 'DML', state: 'CANCELLED', costPerTbUsd: 6.75 }).usd)
      .toBe((21 * MIB / TIB) * 6.75);
  });

  it('gives no per-query price on a capacity reservation', () => {
    const cost = queryCost({ dataScannedBytes: 5 * GIB, statementType: 'DML', state: 'SUCCEEDED', capacityReservation: 'ir-reserved' });
    expect(cost.usd).toBeUndefined();
    expect(cost.basis).toContain('capacity reservation ir-reserved');
  });
});

describe('AthenaEngine cost, at the SDK boundary', () => {
  it('reports a CTAS by the data it scanned, not as free DDL', async () => {
    const athena = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(athena);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-ctas' });
    mock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-ctas',
        StatementType: 'DDL',
        SubstatementType: 'CREATE_TABLE_AS_SELECT',
        Status: { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: 7 * GIB, ResultReuseInformation: { ReusedPreviousResult: false } },
        ResultConfiguration: { OutputLocation: 's3://results/q-ctas.txt' },
      },
    });
    mock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
    mock.on(GetWorkGroupCommand).resolves({ WorkGroup: { Name: 'primary', Configuration: { EnforceWorkGroupConfiguration: false } } });
    mock.on(ListCapacityReservationsCommand).resolves({ CapacityReservations: [] });
    const engine = await AthenaEngine.open({
      region: 'us-east-1',
      polling: { firstMs: 1, factor: 1, maxMs: 1 },
      clients: { athena, s3: new S3Client({ region: 'us-east-1' }), sts: new STSClient({ region: 'us-east-1' }) },
    });
    try {
      const result = await engine.query('CREATE TABLE scratch.suspect_events AS SELECT * FROM cloudtrail WHERE eventname = \'ConsoleLogin\'');
      expect(result.stats.estimatedCostUsd).toBe((7 * GIB / TIB) * 5);
      expect(result.stats.costNote).toBeUndefined();
    } finally {
      await engine.close();
      mock.restore();
    }
  });
});
