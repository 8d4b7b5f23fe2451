import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SCHEDULE, delays, jitteredDelay, sleep } from '../../../lib/engines/athena/backoff';
import { cloudTrailTableDdl } from '../../../lib/engines/athena/cloudtrail-table';
import { estimateCostUsd } from '../../../lib/engines/athena/cost';
import { resolveAthenaOptions } from '../../../lib/engines/athena/options';
import { sqlLiteral as athenaLiteral } from '../../../lib/sql';
import { isRetryable, isThrottling, retryThrottled } from '../../../lib/engines/athena/throttling';
import { CLOUDTRAIL_FIELDS } from '../../../lib/sources/cloudtrail-schema';
import { optionError } from '../../support/capture';

describe('sqlLiteral (ExecutionParameters)', () => {
  it('writes each value as a literal that cannot end early', () => {
    expect(athenaLiteral("o'brien' OR '1'='1")).toBe("'o''brien'' OR ''1''=''1'");
    expect(athenaLiteral('')).toBe("''");
    expect(athenaLiteral(null)).toBe('NULL');
    expect(athenaLiteral(true)).toBe('true');
    expect(athenaLiteral(42)).toBe('42');
    expect(athenaLiteral(9007199254740993n)).toBe('9007199254740993');
    expect(athenaLiteral(1.5)).toBe('1.5E0');
    expect(athenaLiteral(new Date(Date.UTC(2024, 2, 19, 5, 52, 7, 120)))).toBe("TIMESTAMP '2024-03-19 05:52:07.120'");
  });
});

describe('polling and retry schedules', () => {
  it('polls first after 100 ms, then waits 150, 225 … ms, up to 2 s', () => {
    const waits = delays(DEFAULT_POLL_SCHEDULE);
    const first = Array.from({ length: 12 }, () => waits.next().value);
    expect(first.slice(0, 3)).toEqual([100, 150, 225]);
    expect(first.at(-1)).toBe(2000);
    expect(first.every((w, i) => i === 0 || w >= first[i - 1]!)).toBe(true);
  });

  it('jitters retries below a growing, capped ceiling', () => {
    expect(jitteredDelay(3, { baseMs: 100, capMs: 5000, random: () => 0.999 })).toBeCloseTo(799.2);
    expect(jitteredDelay(20, { baseMs: 100, capMs: 5000, random: () => 0.5 })).toBe(2500);
  });

  it('sleep rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('retryThrottled', () => {
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });

  it('retries throttling and server errors, and nothing else', async () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('bad'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    // The network failing, as the SDK's own retry strategy classifies it; not a wrong host, not an abort.
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']) {
      expect(isRetryable(Object.assign(new Error('x'), { code })), code).toBe(true);
    }
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'AbortError', code: 'ECONNRESET' }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    let calls = 0;
    const waits: number[] = [];
    const value = await retryThrottled(async () => {
      calls++;
      if (calls < 3) throw throttled();
      return 'ok';
    }, { baseMs: 1, capMs: 5, onRetry: (_a, wait) => waits.push(wait) });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    let invalid = 0;
    await expect(retryThrottled(async () => {
      invalid++;
      throw Object.assign(new Error('bad'), { name: 'InvalidRequestException' });
    })).rejects.toThrow('bad');
    expect(invalid).toBe(1);
  });

  it('gives up after the attempts, with the last error', async () => {
    let calls = 0;
    await expect(retryThrottled(async () => {
      calls++;
      throw throttled();
    }, { attempts: 4, baseMs: 1, capMs: 2 })).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(4);
  });
});

describe('estimateCostUsd', () => {
  it('bills data scanned rounded up to the MB, 10 MB at least; DDL that scans nothing and failures free', () => {
    const MB = 1024 ** 2;
    const TB = 1024 ** 4;
    expect(estimateCostUsd({ dataScannedBytes: 0, state: 'SUCCEEDED', statementType: 'DML' })).toBeCloseTo((10 * MB / TB) * 5, 12);
    expect(estimateCostUsd({ dataScannedBytes: 100 * MB + 1, state: 'SUCCEEDED' })).toBeCloseTo((101 * MB / TB) * 5, 12);
    expect(estimateCostUsd({ dataScannedBytes: TB, state: 'CANCELLED', costPerTbUsd: 6.75 })).toBeCloseTo(6.75, 9);
    expect(estimateCostUsd({ dataScannedBytes: TB, state: 'FAILED' })).toBe(0);
    expect(estimateCostUsd({ dataScannedBytes: 0, state: 'SUCCEEDED', statementType: 'DDL' })).toBe(0);
    // A DDL statement that scanned data (a CTAS, whatever its SubstatementType) pays for it.
    expect(estimateCostUsd({ dataScannedBytes: TB, state: 'SUCCEEDED', statementType: 'DDL' })).toBeCloseTo(5, 9);
  });
});

describe('resolveAthenaOptions', () => {
  it('fills the defaults and names a wrong option', () => {
    const o = resolveAthenaOptions({});
    expect(o.workgroup).toBeUndefined();
    expect(o).toMatchObject({ catalog: 'AwsDataCatalog', database: 'security_analysis', resultReuseMaxAgeMinutes: 0, pageSize: 1000 });
    for (const [bad, option] of [
      [{ workgroup: '  ' }, 'workgroup'],
      [{ outputLocation: 'my-bucket/x' }, 'outputLocation'],
      [{ pageSize: 5000 }, 'pageSize'],
      [{ timeoutMs: -1 }, 'timeoutMs'],
      [{ polling: { firstMs: 0 } }, 'polling'],
      [{ databse: 'x' }, 'databse'],
    ] as const) {
      expect(optionError(() => resolveAthenaOptions(bad as never)).option, JSON.stringify(bad)).toBe(option);
    }
  });
});

describe('cloudTrailTableDdl', () => {
  const base = { bucket: 'org-trail-logs', accounts: ['111122223333', '444455556666'], regions: ['us-east-1', 'eu-west-1'], startDate: '2024-01-01' };

  it('has every CloudTrail column and projects account, region and day over the trail layout', () => {
    const ddl = cloudTrailTableDdl(base);
    for (const field of CLOUDTRAIL_FIELDS) expect(ddl).toContain(`\`${field.name}\` `);
    expect(ddl).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `security_analysis`.`cloudtrail`');
    expect(ddl).toContain("'projection.account_partition.values' = '111122223333,444455556666'");
    expect(ddl).toContain("'projection.date_partition.range' = '2024/01/01,NOW'");
    expect(ddl).toContain("LOCATION 's3://org-trail-logs/AWSLogs/'");
    expect(ddl).toContain("'storage.location.template' = 's3://org-trail-logs/AWSLogs/${account_partition}/CloudTrail/${region_partition}/${date_partition}'");
  });

  it('puts an organization trail and a prefix in the path', () => {
    const ddl = cloudTrailTableDdl({ ...base, prefix: 'cloudtrail/', organizationId: 'o-abcdefghij', table: 'org_cloudtrail' });
    expect(ddl).toContain("LOCATION 's3://org-trail-logs/cloudtrail/AWSLogs/o-abcdefghij/'");
    expect(ddl).toContain('`security_analysis`.`org_cloudtrail`');
  });

  it("refuses values that could break out of the DDL's quotes, naming the option", () => {
    for (const [bad, option] of [
      [{ bucket: "x' LOCATION 's3://evil" }, 'bucket'],
      [{ prefix: "a'b" }, 'prefix'],
      [{ accounts: ['11112222333'] }, 'accounts[0]'],
      [{ regions: ["us-east-1'"] }, 'regions[0]'],
      [{ table: 'ct`; DROP' }, 'table'],
      [{ organizationId: 'o-x' }, 'organizationId'],
      [{ startDate: '2024/1/1' }, 'startDate'],
    ] as const) {
      expect(optionError(() => cloudTrailTableDdl({ ...base, ...bad } as never)).option, JSON.stringify(bad)).toBe(option);
    }
  });
});
