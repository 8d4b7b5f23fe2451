/**
 * What `irbook query` writes when the logs are hostile: CSV that a spreadsheet opens as text,
 * JSON and messages that cannot drive the terminal. Runs the built command (npm test builds).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from './support/cloudtrail-fixtures';

const BIN = join(__dirname, '..', 'bin', 'irbook.js');
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const AGENTS = ['=HYPERLINK("http://evil.example","x")', '+cmd|\' /C calc\'!A0', '@SUM(1)', '-2+3', 'aws-cli/2.15.0'];
const ESC_NAME = 'Get\u001b[31mObject\u009b2J\u202e';
const dir = tempDir();

beforeAll(() => {
  const events = AGENTS.map((userAgent, i) => makeEvent(i, { userAgent, eventName: i === 0 ? ESC_NAME : 'ListBuckets' }));
  writeFile(deliveryPath(dir.path, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
  // A log file that cannot be read, with an escape sequence in its name.
  writeFile(join(dir.path, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2024', '03', '12', 'bad\u001b[2Jname.json'), '{"Records": [');
});
afterAll(() => dir.cleanup());

const SQL = 'SELECT useragent, eventname FROM cloudtrail ORDER BY eventtime';

describe('irbook query output', () => {
  it("csv: puts ' in front of formula-like text, unless --keep-formulas", async () => {
    const csv = await run('query', '--logs', dir.path, '--format', 'csv', SQL);
    expect(csv.code, csv.stderr).toBe(0);
    const quoted = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = csv.stdout.split('\r\n');
    AGENTS.forEach((agent, i) => expect(lines[i + 1]?.startsWith(`${quoted(/^[=+\-@]/.test(agent) ? `'${agent}` : agent)},`)).toBe(true));
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")",Get\u001b[31mObject\u009b2J\u202e`);
    const kept = await run('query', '--logs', dir.path, '--format', 'csv', '--keep-formulas', SQL);
    expect(kept.stdout).toContain('"=HYPERLINK(""http://evil.example"",""x"")"');
    expect(kept.stdout).toContain('\r\n@SUM(1),');
  });

  it('never writes control characters from the logs to the terminal', async () => {
    const json = await run('query', '--logs', dir.path, '--format', 'json', SQL);
    expect(json.code).toBe(0);
    // The same data, with \u escapes: the ESC, the 8-bit CSI and the bidi override.
    expect((JSON.parse(json.stdout) as { eventname: string }[])[0]?.eventname).toBe(ESC_NAME);
    expect(json.stdout).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(json.stdout).toContain('Get\\u001b[31mObject\\u009b2J\\u202e');

    const table = await run('query', '--logs', dir.path, SQL);
    expect(table.stdout).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(table.stdout).toContain('Get\\x1b[31mObject\\x9b2J\\u202e');

    // The unreadable file is named on stderr with its escape shown, not run.
    for (const out of [json.stderr, table.stdout]) {
      expect(out).toContain('bad\\x1b[2Jname.json');
      expect(out).not.toContain('\u001b');
    }
  });
});
