import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile } from '../support/cloudtrail-fixtures';

/** The built command (npm test builds dist/ first). */
const BIN = join(__dirname, '..', '..', 'bin', 'irbook.js');
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

const dir = tempDir('irbook-cli-out-');
const events = Array.from({ length: 300 }, (_, i) => makeEvent(i));

beforeAll(() => {
  writeFile(deliveryPath(join(dir.path, 'logs'), '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
});
afterAll(() => dir.cleanup());

describe('irbook query --out FILE', () => {
  it('writes every row to the file by its extension and prints only the summary', async () => {
    const out = join(dir.path, 'names.jsonl');
    const { code, stdout, stderr } = await run('query', '--logs', join(dir.path, 'logs'), '--out', out, 'SELECT eventid, eventname FROM cloudtrail ORDER BY eventid');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`300 row(s) written to ${out} (jsonl)`);
    const expected = [...events].sort((a, b) => (String(a.eventID) < String(b.eventID) ? -1 : 1)).map((e) => ({ eventid: e.eventID, eventname: e.eventName }));
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(expected);
  });

  it('refuses a file whose format it cannot tell, writing nothing', async () => {
    const out = join(dir.path, 'names.txt');
    const { code, stderr } = await run('query', '--logs', join(dir.path, 'logs'), '--out', out, 'SELECT 1');
    expect(code).toBe(2);
    expect(stderr).toContain('.csv or .jsonl');
    expect(existsSync(out)).toBe(false);
  });
});
