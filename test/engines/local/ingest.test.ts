/**
 * The ingest hands files to DuckDB after cheap checks only, so what DuckDB refuses must be
 * found without its error text, and what the cheap checks let through must read as the
 * exact JS reading would.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { engineScratch } from '../../support/engine-scratch';
import { deliveryFile, deliveryPath, makeEvent, writeFile } from '../../support/cloudtrail-fixtures';

const { logsFolder, withEngine } = engineScratch();

const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => makeEvent(from + i));
const delivery = (logs: string, n: number) => deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', n);

describe('ingest through DuckDB', () => {
  it('ingests a userAgent of 10,000 [ and one of escaped quotes and backslashes, as written', async () => {
    const logs = logsFolder();
    const agents = ['['.repeat(10_000), '{'.repeat(600) + '\\"' + ']'.repeat(3), 'a\\"[[["\\\\'];
    writeFile(delivery(logs, 1), deliveryFile(agents.map((userAgent, i) => makeEvent(i, { userAgent }))));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT useragent FROM cloudtrail ORDER BY eventid');
      expect(result.rows.map((r) => r[0])).toEqual(agents);
      expect(result.stats.filesSkipped).toEqual([]);
    });
  });

  it('ingests the good files of a batch DuckDB refuses, naming each bad file with the exact reading\'s reason', async () => {
    const logs = logsFolder();
    const good = [1, 2, 3, 4, 5].map((n) => writeFile(delivery(logs, n), deliveryFile(events(n * 10, 3))));
    // Balanced brackets, one object with "Records" first: only a parser finds these.
    const badLiteral = writeFile(delivery(logs, 6), gzipSync('{"Records":[{"eventName":"x","eventTime":tru}]}'));
    const notObjects = writeFile(delivery(logs, 7), gzipSync('{"Records":[1,2]}'));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT count(*), count(DISTINCT eventid) FROM cloudtrail');
      expect(result.rows[0]!.map(Number)).toEqual([good.length * 3, good.length * 3]);
      expect(result.stats.filesSkipped).toEqual([
        { file: badLiteral, reason: expect.stringMatching(/^malformed JSON/) },
        { file: notObjects, reason: expect.stringMatching(/record 1 is not a JSON object/) },
      ]);
    });
  });

  it('reads a file DuckDB refuses but JS reads (duplicate keys, invalid UTF-8) as JS reads it', async () => {
    const logs = logsFolder();
    const base = JSON.stringify(makeEvent(1)).slice(1);
    writeFile(delivery(logs, 1), gzipSync(`{"Records":[{"eventName":"First","eventName":"Second",${base.replace(/"eventName":"[^"]*",/, '')}]}`));
    const invalid = Buffer.concat([Buffer.from('{"Records":[{"userAgent":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from(`",${JSON.stringify(makeEvent(2)).slice(1).replace(/"userAgent":"[^"]*",/, '')}]}`)]);
    writeFile(delivery(logs, 2), gzipSync(invalid));
    writeFile(delivery(logs, 3), deliveryFile(events(3, 2)));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT eventid, eventname, useragent FROM cloudtrail ORDER BY eventid');
      expect(result.rows).toEqual([
        ['evt-1', 'Second', 'aws-cli/2.15.0'],
        ['evt-2', makeEvent(2).eventName, 'bad \uFFFD\uFFFD'],
        ['evt-3', makeEvent(3).eventName, 'aws-cli/2.15.0'],
        ['evt-4', makeEvent(4).eventName, 'aws-cli/2.15.0'],
      ]);
      expect(result.stats.filesSkipped).toEqual([]);
    });
  });

  it('reads pretty-printed delivery files, and refuses a raw line break inside a string', async () => {
    const logs = logsFolder();
    writeFile(delivery(logs, 1), gzipSync(JSON.stringify({ Records: events(0, 3) }, null, 2)));
    const broken = writeFile(delivery(logs, 2), gzipSync(`{"Records":[{"eventName":"a\nb","eventTime":"2024-03-12T10:00:00Z"}]}`));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT count(*) FROM cloudtrail');
      expect(Number(result.rows[0]![0])).toBe(3);
      expect(result.stats.filesSkipped).toEqual([{ file: broken, reason: expect.stringMatching(/^malformed JSON/) }]);
    });
  });

  it('counts a nested value of the wrong type, keeping the record and the rest of its struct', async () => {
    const logs = logsFolder();
    const odd = makeEvent(0);
    odd.userIdentity = { ...odd.userIdentity, sessionContext: 'none' };
    writeFile(delivery(logs, 1), deliveryFile([odd, ...events(1, 2)]));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT useridentity.username, useridentity.sessioncontext.attributes.mfaauthenticated FROM cloudtrail ORDER BY eventid');
      expect(result.rows).toEqual([['alice', null], ['bob', 'false'], ['carol', 'true']]);
      expect((await engine.inventory()).untypedValues).toBe(1);
    });
  });

  it('takes the partitions of a loose file from its records, never from keys of the file that mimic the ingest\'s own', async () => {
    const logs = logsFolder();
    const record = makeEvent(0, { recipientAccountId: '444455556666', awsRegion: 'eu-west-1' });
    writeFile(join(logs, 'loose.json'), JSON.stringify({ Records: [record], __account: '999999999999', __untyped: 7 }));
    await withEngine({ logs }, async (engine) => {
      const result = await engine.query('SELECT account_partition, region_partition, date_partition FROM cloudtrail');
      expect(result.rows).toEqual([['444455556666', 'eu-west-1', '2024/03/12']]);
      expect((await engine.inventory()).untypedValues).toBe(0);
    });
  });
});
