import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { OptionError, QueryError } from '../../lib/errors';
import { queryToFile } from '../../lib/query-to-file';
import { QueryResult } from '../../lib/result/query-result';
import { deliveryFile, deliveryPath, makeEvent, tempDir, writeFile, type Event } from '../support/cloudtrail-fixtures';

const dir = tempDir('irbook-write-file-');
const logs = join(dir.path, 'logs');
const events: Event[] = Array.from({ length: 5_000 }, (_, i) => makeEvent(i));
let engine: LocalEngine;

beforeAll(async () => {
  for (let f = 0; f < 5; f++) {
    writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', f), deliveryFile(events.slice(f * 1_000, (f + 1) * 1_000)));
  }
  // A limit far below the export's size: queryToFile must not be bound by it.
  engine = await LocalEngine.open({ logs, maxRows: 100 });
});

afterAll(async () => {
  await engine.close();
  dir.cleanup();
});

const QUERY = `SELECT eventid, useridentity.username AS who, resources, readonly FROM cloudtrail ORDER BY eventid`;
const sortedEvents = () => [...events].sort((a, b) => (String(a.eventID) < String(b.eventID) ? -1 : 1));

function leftovers(): string[] {
  return readdirSync(dir.path).filter((name) => name.includes('.partial-'));
}

describe('queryToFile', () => {
  it('writes every row as JSON lines, past the engine row limit, that read back as the events say', async () => {
    const file = join(dir.path, 'all.jsonl');
    const written = await queryToFile(QUERY, file, { engine });
    expect(written).toMatchObject({ file, format: 'jsonl', rows: events.length });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(
      sortedEvents().map((e) => ({
        eventid: e.eventID,
        who: e.userIdentity.userName,
        resources: (e.resources as { ARN: string; accountId: string; type: string }[]).map((r) => ({ arn: r.ARN, accountid: r.accountId, type: r.type })),
        readonly: String(e.readOnly),
      })),
    );
  });

  it('writes CSV with a header, quoting nested values as JSON text', async () => {
    const file = join(dir.path, 'all.csv');
    await queryToFile(`SELECT eventid, eventname, requestparameters FROM cloudtrail ORDER BY eventid`, file, { engine });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe('eventid,eventname,requestparameters');
    expect(lines).toHaveLength(events.length + 2); // header, rows, and the empty string after the last CRLF
    const first = sortedEvents()[0]!;
    const json = JSON.stringify(first.requestParameters).replace(/"/g, '""');
    expect(lines[1]).toBe(`${first.eventID},${first.eventName},"${json}"`);
  });

  it('neutralises formulas in CSV as toCsv does, unless keepFormulas is set', async () => {
    const formula = `SELECT '=HYPERLINK("x")' AS cell`;
    const safe = join(dir.path, 'formula-safe.csv');
    const kept = join(dir.path, 'formula-kept.csv');
    await queryToFile(formula, safe, { engine });
    await queryToFile(formula, kept, { engine, keepFormulas: true });
    expect(readFileSync(safe, 'utf8')).toBe(`cell\r\n"'=HYPERLINK(""x"")"\r\n`);
    expect(readFileSync(kept, 'utf8')).toBe(`cell\r\n"=HYPERLINK(""x"")"\r\n`);
  });

  it('leaves no file, and no partial one, when the query fails', async () => {
    const file = join(dir.path, 'failed.csv');
    await expect(queryToFile('SELECT no_such_column FROM cloudtrail', file, { engine })).rejects.toBeInstanceOf(QueryError);
    expect(existsSync(file)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('needs a format it can tell', async () => {
    const error = await queryToFile(QUERY, join(dir.path, 'out.txt'), { engine }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('format');
    expect(leftovers()).toEqual([]);
  });
});

describe('QueryResult.toFile', () => {
  it('writes the same CSV as toCsv and the same objects as toJSON, one per line', async () => {
    const result = new QueryResult({
      columns: [
        { name: 'n', kind: 'bigint', engineType: 'BIGINT' },
        { name: 'n', kind: 'string', engineType: 'VARCHAR' },
        { name: 'at', kind: 'timestamp', engineType: 'TIMESTAMP' },
      ],
      rows: Array.from({ length: 5_000 }, (_, i) => [BigInt(i) * 9_007_199_254_740_993n, i % 7 === 0 ? null : `a,"${i}"`, new Date(Date.UTC(2024, 2, 1) + i * 1000)]),
      stats: { engine: 'test', elapsedMs: 0, filesSkipped: [] },
      sql: 'SELECT …',
    });
    const csv = join(dir.path, 'result.csv');
    expect(await result.toFile(csv)).toBe(5_000);
    expect(readFileSync(csv, 'utf8')).toBe(result.toCsv());
    const jsonl = join(dir.path, 'result.ndjson');
    await result.toFile(jsonl);
    expect(readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(result.toJSON());
  });
});
