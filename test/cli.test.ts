import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleManifest } from '../lib/sample';
import { tempDir, writeFile } from './support/cloudtrail-fixtures';
import { authFailuresByArn, readSample, type ParsedRecord } from './support/sample-reader';

/** The built command, as `npx irbook` runs it (npm test builds dist/ first). */
const BIN = join(__dirname, '..', 'bin', 'irbook.js');
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const QUERY_2_2 =
  "SELECT useridentity.arn, count(*) AS total FROM cloudtrail WHERE errorcode IN ('AccessDenied','Client.UnauthorizedOperation') " +
  "AND useridentity.arn LIKE '%iam%' GROUP BY useridentity.arn ORDER BY total DESC LIMIT 5";

const dir = tempDir();
const scratch = tempDir();
let manifest: SampleManifest;
let events: ParsedRecord[];

beforeAll(async () => {
  const sample = await run('sample', '--out', dir.path, '--events', '20000', '--seed', '7');
  expect(sample.code, sample.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(join(dir.path, 'manifest.json'), 'utf8')) as SampleManifest;
  events = readSample(dir.path).flatMap((f) => f.records);
}, 120_000);

afterAll(() => {
  dir.cleanup();
  scratch.cleanup();
});

describe('irbook query on the sample', () => {
  it('puts the manifest\'s compromised user first in query 2.2, with the counts plain JS finds', async () => {
    const result = await run('query', '--logs', dir.path, '--format', 'json', QUERY_2_2);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { arn: string; total: number }[];
    expect(rows[0]!.arn).toBe(manifest.stories.credentialCompromise.principalArn);

    const expected = authFailuresByArn(events, true).slice(0, 5);
    expect(rows.map((r) => r.total)).toEqual(expected.map(([, n]) => n));
    expect(rows[0]).toEqual({ arn: expected[0]![0], total: expected[0]![1] });
    expect(events.length).toBe(manifest.events);
  });

  it('finds the Service_Backup escalation chain and the ransom bucket', async () => {
    const file = writeFile(join(scratch.path, 'chain.sql'), `
      SELECT eventname, json_extract_scalar(requestparameters, '$.bucketName') AS bucket
      FROM "security_analysis"."cloudtrail"
      WHERE lower(useridentity.username) = 'service_backup' AND errorcode IS NULL
      ORDER BY eventtime`);
    const result = await run('query', '--logs', dir.path, '--format', 'json', '--file', file);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { eventname: string; bucket: string | null }[];
    const names = rows.map((r) => r.eventname);
    const at = (name: string) => names.indexOf(name);
    expect(at('CreateUser')).toBeGreaterThanOrEqual(0);
    expect(at('CreateUser')).toBeLessThan(at('AttachUserPolicy'));
    expect(at('AttachUserPolicy')).toBeLessThan(at('CreateAccessKey'));
    expect(rows.some((r) => r.eventname === 'CreateBucket' && r.bucket === manifest.stories.s3DataAccess.ransomBucket)).toBe(true);
  });

  it('prints csv and a table, and reports what it read on stderr', async () => {
    const csv = await run('query', '--logs', dir.path, '--format', 'csv', 'SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC LIMIT 3');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe('eventname,n');
    expect(csv.stderr).toMatch(/3 row\(s\).*file\(s\)/);
    expect(csv.stderr).not.toMatch(/warning/);
    const table = await run('query', '--logs', dir.path, 'SELECT count(*) AS n FROM cloudtrail');
    expect(table.stdout).toContain(String(manifest.events));
    expect(table.stdout).not.toMatch(/could not be read/);
  });

  it('exits 1 with the engine\'s message when the query fails, 2 on a bad command line', async () => {
    const failed = await run('query', '--logs', dir.path, 'SELECT nosuchcolumn FROM cloudtrail');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/nosuchcolumn/);
    expect((await run('query', 'SELECT 1')).code).toBe(2);
    expect((await run('query', '--logs', dir.path, '--format', 'xml', 'SELECT 1')).code).toBe(2);
    expect((await run('sample', '--out', join(dir.path, 'x'), '--events', 'many')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const missing = await run('query', '--logs', join(dir.path, 'nope'), 'SELECT 1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('has help for each command', async () => {
    for (const args of [['--help'], ['query', '--help'], ['sample', '--help']]) {
      const help = await run(...args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage/);
    }
  });
});
