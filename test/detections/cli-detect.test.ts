/**
 * `irbook detect` through the built command (npm test builds dist/ first): rows, formats,
 * problems on stderr, and exit codes 0 (fired or not), 1 (the work failed), 2 (bad usage).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeFile, type Event } from '../support/cloudtrail-fixtures';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import { arn, record, writeLogs } from './crafted';

const BIN = join(__dirname, '..', '..', 'bin', 'irbook.js');
// The ingest cache goes to a scratch folder, not the user's.
const caches = tempDir();
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, XDG_CACHE_HOME: caches.path } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const t = (hms: string) => `2024-03-12T${hms}Z`;
const EVENTS: Event[] = [
  record('alice', t('10:00:00'), 'CreateUser'),
  record('bob', t('10:30:00'), 'CreateUser'),
  record('bob', t('13:00:00'), 'CreateUser'), // after --until
  record('mallory', t('11:00:00'), 'ListUsers', { errorCode: 'AccessDenied', ip: '203.0.113.9' }),
  record('mallory', t('11:01:00'), 'ListRoles', { errorCode: 'AccessDenied', ip: '203.0.113.9' }),
  record('mallory', t('11:04:59'), 'GetUser', { errorCode: 'AccessDenied', ip: '203.0.113.9' }),
  record('carol', t('11:00:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
  record('carol', t('11:30:00'), 'ListUsers', { errorCode: 'AccessDenied' }),
];

const RULE = (id: string, title: string, level: string, selection: string, name: string) => `title: ${title}
id: ${id}
name: ${name}
status: test
description: a crafted rule
author: Test Author
references:
  - https://example.com/${name}
level: ${level}
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
${selection}
  condition: selection
`;

const CREATE_USER_ID = '11111111-1111-4111-8111-111111111111';
const BURST_ID = '33333333-3333-4333-8333-333333333333';

const logs = tempDir();
const rules = tempDir();
const quiet = tempDir();
const broken = tempDir();

beforeAll(() => {
  writeLogs(logs.path, EVENTS);
  writeFile(join(rules.path, 'create-user.yml'), RULE(CREATE_USER_ID, 'Crafted CreateUser', 'high', '    eventName: CreateUser', 'crafted_create_user'));
  writeFile(join(rules.path, 'denied.yml'), RULE('22222222-2222-4222-8222-222222222222', 'Crafted denial', 'low', '    errorCode: AccessDenied', 'crafted_denied'));
  writeFile(join(rules.path, 'burst.yml'), `title: Crafted burst of denials
id: ${BURST_ID}
author: Test Author
level: critical
correlation:
  type: event_count
  rules:
    - crafted_denied
  group-by:
    - userIdentity.arn
  timespan: 5m
  condition:
    gte: 3
`);
  writeFile(join(quiet.path, 'never.yml'), RULE('44444444-4444-4444-8444-444444444444', 'Never fires', 'medium', '    eventName: NoSuchCall', 'never'));
  writeFile(join(broken.path, 'outcome.yml'), RULE('55555555-5555-4555-8555-555555555555', 'Uses a field CloudTrail lacks', 'medium', '    outcome: failure', 'no_field'));
  writeFile(join(broken.path, 'ok.yml'), RULE(CREATE_USER_ID, 'Crafted CreateUser', 'high', '    eventName: CreateUser', 'crafted_create_user'));
});

afterAll(() => [logs, rules, quiet, broken, caches].forEach((d) => d.cleanup()));

const WINDOW = ['--since', '2024-03-12', '--until', '2024-03-12T12:00:00Z'];
const inWindow = (e: Event) => e.eventTime >= '2024-03-12T00:00:00Z' && e.eventTime < '2024-03-12T12:00:00Z';

describe('irbook detect', () => {
  it('prints one row per rule that fired, as JSON, with the counts the records give', async () => {
    const result = await run('detect', '--logs', logs.path, '--rules', rules.path, ...WINDOW, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    // Critical first; the denial rule only feeds the correlation (generate: false).
    expect(rows.map((r) => r.rule_id)).toEqual([BURST_ID, CREATE_USER_ID]);
    const created = EVENTS.filter((e) => inWindow(e) && e.eventName === 'CreateUser');
    expect(rows[1]).toMatchObject({ level: 'high', title: 'Crafted CreateUser', hits: created.length, author: 'Test Author', principals: [arn('alice'), arn('bob')] });
    expect(rows[1]!.first_seen).toBe(new Date(created[0]!.eventTime).toISOString());
    const burst = EVENTS.filter((e) => e.userIdentity.arn === arn('mallory'));
    expect(rows[0]).toMatchObject({ level: 'critical', hits: burst.length, principals: [arn('mallory')], source_ips: ['203.0.113.9'] });
    expect(result.stderr).toContain('2 of 2 rules fired');
  });

  it('prints a table with the rules\' attribution, and CSV', async () => {
    const table = await run('detect', '--logs', logs.path, '--rules', join(rules.path, 'create-user.yml'), ...WINDOW);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/high\s+\|\s+Crafted CreateUser\s+\|\s+2 \|/);
    expect(table.stdout).toContain(`by Test Author, id ${CREATE_USER_ID}, references: https://example.com/crafted_create_user`);
    const csv = await run('detect', '--logs', logs.path, '--rules', rules.path, ...WINDOW, '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe('level,title,hits,first_seen,last_seen,principals,source_ips,author,rule_id,source');
  });

  it('exits 0 when nothing fired, and says so', async () => {
    const result = await run('detect', '--logs', logs.path, '--rules', quiet.path, ...WINDOW);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('0 of 1 rules fired');
  });

  it('runs the rules it can and lists the others on stderr with title and reason; still exit 0', async () => {
    const result = await run('detect', '--logs', logs.path, '--rules', broken.path, ...WINDOW, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { rule_id: string }[]).map((r) => r.rule_id)).toEqual([CREATE_USER_ID]);
    expect(result.stderr).toMatch(/rule not run: Uses a field CloudTrail lacks \(.*outcome\.yml\): .*outcome/);
  });

  it('exits 2 on bad usage and 1 when the work fails', async () => {
    for (const args of [
      ['--rules', rules.path],
      ['--logs', logs.path, '--format', 'xml'],
      ['--logs', logs.path, '--since', '2024-13-01'],
      ['--logs', logs.path, '--since', '2024-03-12', '--until', '2024-03-11'],
      ['--logs', logs.path, '--target', 'splunk'],
      ['--logs', logs.path, '--rules', join(rules.path, 'missing')],
      ['--logs', logs.path, '--region', 'us-east-1'],
      ['--logs', logs.path, '--bogus'],
    ]) {
      const result = await run('detect', ...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('Usage: irbook detect');
    }
    const failed = await run('detect', '--logs', join(logs.path, 'no-such-folder'), '--rules', rules.path);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('no-such-folder');
  });
});

describe.skipIf(SIGMA_REFERENCE_RULES === undefined)('with the reference rules', () => {
  it('runs them all in one go and reports any it cannot run', async () => {
    const result = await run('detect', '--logs', logs.path, '--rules', SIGMA_REFERENCE_RULES!, ...WINDOW);
    expect(result.code, result.stderr).toBe(0);
    const notRun = result.stderr.split('\n').filter((l) => l.startsWith('irbook: rule not run: ')).length;
    const ran = Number(/(\d+) of (\d+) rules fired/.exec(result.stdout)?.[2]);
    expect(ran + notRun).toBe(57);
  });
});
