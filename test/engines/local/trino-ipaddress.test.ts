/**
 * Trino's IPADDRESS on DuckDB: the RFC 1918 filters analysts run on CloudTrail, the SQL
 * address parser checked against an independent JS one, CIDR rules and their errors.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rewriteTrinoSql } from '../../../lib/engines/local/trino-dialect';
import { installTrinoFunctions } from '../../../lib/engines/local/trino-functions';
import { formatIpAddress, parseIpv4, parseIpv6 } from '../../../lib/engines/local/trino/ipv6';
import { parseCidr } from '../../../lib/engines/local/trino/udfs';

let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  await installTrinoFunctions(connection);
});

afterAll(() => connection.closeSync());

async function rows(sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(rewriteTrinoSql(sql))).getRowsJS();
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const valuesOf = (items: readonly string[]) => items.map((s) => `(${sqlString(s)})`).join(', ');

describe('RFC 1918 filters over source addresses', () => {
  const addresses = ['10.1.2.3', '172.16.0.1', '172.31.255.255', '172.32.0.1', '192.168.1.1', '203.0.113.5', '::1', '2001:db8::7'];
  const external = ['172.32.0.1', '203.0.113.5', '::1', '2001:db8::7'];
  const table = `(VALUES ${valuesOf(addresses)}) AS cloudtrail_logs(sourceipaddress)`;

  test('NOT (contains(…) OR …) keeps exactly the external addresses', async () => {
    const result = await rows(`SELECT sourceipaddress FROM ${table}
      WHERE NOT (contains('10.0.0.0/8', CAST(sourceipaddress AS IPADDRESS))
        OR contains('172.16.0.0/12', CAST(sourceipaddress AS IPADDRESS))
        OR contains('192.168.0.0/16', CAST(sourceipaddress AS IPADDRESS)))
      ORDER BY 1`);
    expect(result.map((r) => r[0])).toEqual([...external].sort());
  });

  test('the same with BETWEEN IPADDRESS ranges', async () => {
    const result = await rows(`SELECT sourceipaddress FROM ${table}
      WHERE NOT (CAST(sourceipaddress AS IPADDRESS) BETWEEN IPADDRESS '10.0.0.0' AND IPADDRESS '10.255.255.255'
        OR CAST(sourceipaddress AS IPADDRESS) BETWEEN IPADDRESS '172.16.0.0' AND IPADDRESS '172.31.255.255'
        OR CAST(sourceipaddress AS IPADDRESS) BETWEEN IPADDRESS '192.168.0.0' AND IPADDRESS '192.168.255.255')
      ORDER BY 1`);
    expect(result.map((r) => r[0])).toEqual([...external].sort());
  });

  test('TRY_CAST skips AWS service names; CAST fails on them naming the value', async () => {
    const mixed = `(VALUES ${valuesOf([...addresses, 'ec2.amazonaws.com', 'AWS Internal'])}) AS t(sourceipaddress)`;
    const result = await rows(`SELECT count(*) FROM ${mixed}
      WHERE TRY_CAST(sourceipaddress AS IPADDRESS) IS NOT NULL
        AND NOT contains('10.0.0.0/8', TRY_CAST(sourceipaddress AS IPADDRESS))`);
    expect(result[0]![0]).toBe(BigInt(addresses.length - 1));
    await expect(rows(`SELECT count(*) FROM ${mixed} WHERE contains('10.0.0.0/8', CAST(sourceipaddress AS IPADDRESS))`)).rejects.toThrow(
      /Cannot cast value to IPADDRESS: (ec2\.amazonaws\.com|AWS Internal)/,
    );
  });

  test('networks from a table column (a join on CIDRs)', async () => {
    const result = await rows(`SELECT a.ip, n.name FROM (VALUES ('10.9.9.9'), ('192.168.0.7'), ('8.8.8.8')) AS a(ip)
      JOIN (VALUES ('10.0.0.0/8', 'vpc'), ('192.168.0.0/16', 'office')) AS n(cidr, name)
        ON contains(n.cidr, CAST(a.ip AS IPADDRESS))
      ORDER BY 1`);
    expect(result).toEqual([
      ['10.9.9.9', 'vpc'],
      ['192.168.0.7', 'office'],
    ]);
  });
});

describe('address text', () => {
  const valid = [
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::1',
    '1::',
    '2001:DB8::1',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:1.2.3.4',
    '::ffff:10.0.0.1',
    '::1.2.3.4',
    'fe80::1:2',
    '1:0:0:0:0:0:0:8',
    '1::7:8',
  ];
  const invalid = ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '010.0.0.1', '1.2.3.-1', ' 1.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'gggg::1', '12345::', ':1::', '1:2:3:4:5:6:7::8:9', '1::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'ec2.amazonaws.com'];

  test('SQL parsing agrees with the JS parser on valid and invalid text', async () => {
    const all = [...valid, ...invalid];
    const result = await rows(`SELECT s, TRY_CAST(s AS IPADDRESS) FROM (VALUES ${valuesOf(all)}) AS t(s)`);
    const fromSql = new Map(result.map((r) => [r[0] as string, r[1]]));
    for (const s of valid) {
      const v4 = parseIpv4(s);
      expect(fromSql.get(s), s).toBe(v4 === null ? parseIpv6(s) : 0xffff_0000_0000n + v4);
      expect(fromSql.get(s), s).not.toBeNull();
    }
    for (const s of invalid) expect(fromSql.get(s), s).toBeNull();
  });

  test('random IPv6 text, compressed and not, parses as the JS parser does', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples: string[] = [];
    for (let i = 0; i < 300; i++) {
      const groups = Array.from({ length: 8 }, () => (random() < 0.4 ? '0' : Math.floor(random() * 65536).toString(16)));
      samples.push(formatIpAddress(BigInt(`0x${groups.map((g) => g.padStart(4, '0')).join('')}`)));
      samples.push(groups.join(':'));
    }
    const result = await rows(`SELECT s, CAST(s AS IPADDRESS) FROM (VALUES ${valuesOf(samples)}) AS t(s)`);
    for (const [s, value] of result) expect(value, String(s)).toBe(parseIpv6(String(s)) ?? 0xffff_0000_0000n + parseIpv4(String(s))!);
  });

  test('IPv4 and IPv6 order as Trino orders them', async () => {
    const result = await rows(`SELECT s FROM (VALUES ${valuesOf(['2001:db8::', '10.0.0.10', '::1', '10.0.0.9', '::ffff:10.0.0.8'])}) AS t(s)
      ORDER BY CAST(s AS IPADDRESS)`);
    expect(result.map((r) => r[0])).toEqual(['::1', '::ffff:10.0.0.8', '10.0.0.9', '10.0.0.10', '2001:db8::']);
  });

  test('CAST(… AS VARCHAR) prints what Trino prints', async () => {
    const cases: [string, string][] = [
      ['::ffff:1.2.3.4', '1.2.3.4'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['0:0:0:0:0:0:0:0', '::'],
    ];
    for (const [input, printed] of cases) {
      expect((await rows(`SELECT CAST(CAST(${sqlString(input)} AS IPADDRESS) AS VARCHAR)`))[0]![0]).toBe(printed);
    }
  });

  test('NULL in, NULL out, also for NULL rows next to values', async () => {
    const result = await rows(`SELECT s, CAST(s AS IPADDRESS), CAST(CAST(s AS IPADDRESS) AS VARCHAR), contains(c, CAST(s AS IPADDRESS))
      FROM (VALUES ('2001:db8::1', '2001:db8::/32'), (NULL, NULL), ('10.0.0.1', NULL)) AS t(s, c) ORDER BY s NULLS LAST`);
    expect(result).toEqual([
      ['10.0.0.1', 0xffff_0a00_0001n, '10.0.0.1', null],
      ['2001:db8::1', (0x2001_0db8n << 96n) + 1n, '2001:db8::1', true],
      [null, null, null, null],
    ]);
  });
});

describe("contains(network, address) follows Trino's rules", () => {
  test.each([
    [`'2001:db8::/32'`, `IPADDRESS '2001:db8:1::1'`, true],
    [`'2001:db8::/32'`, `IPADDRESS '2001:db9::1'`, false],
    [`'2001:db8::1/32'`, `IPADDRESS '2001:db8::ffff'`, true],
    [`'::/0'`, `IPADDRESS '10.0.0.1'`, false],
    [`'::/0'`, `IPADDRESS '2001:db8::1'`, true],
    [`'0.0.0.0/0'`, `IPADDRESS '::1'`, false],
    [`'0.0.0.0/0'`, `IPADDRESS '8.8.8.8'`, true],
    [`'10.1.2.3/32'`, `IPADDRESS '10.1.2.3'`, true],
    [`'10.1.2.3/32'`, `IPADDRESS '10.1.2.4'`, false],
  ])('contains(%s, %s)', async (network, address, expected) => {
    expect((await rows(`SELECT contains(${network}, ${address})`))[0]![0]).toBe(expected);
  });

  test.each([
    ['10.0.0.1/8', /Invalid CIDR: 10\.0\.0\.1\/8/],
    ['10.0.0.0', /Invalid CIDR: 10\.0\.0\.0/],
    ['x/8', /Invalid network IP address: x\/8/],
    ['10.0.0.0/x', /Invalid prefix length/],
    ['10.0.0.0/33', /Prefix length exceeds address length/],
    ['::ffff:10.0.0.0/104', /Prefix length exceeds address length/],
  ])('%s raises', async (network, message) => {
    await expect(rows(`SELECT contains(${sqlString(network)}, IPADDRESS '10.0.0.1')`)).rejects.toThrow(message);
  });
});

describe('JS helpers', () => {
  test('parseCidr ranges', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ low: 0xffff_0a00_0000n, high: 0xffff_0aff_ffffn, hostBits: 24, ipv4: true });
    expect(parseCidr('2001:db8::/32')).toEqual({
      low: 0x2001_0db8n << 96n,
      high: (0x2001_0db8n << 96n) + 2n ** 96n - 1n,
      hostBits: 96,
      ipv4: false,
    });
    expect(parseCidr('::/0')).toEqual({ low: 0n, high: 2n ** 128n - 1n, hostBits: 128, ipv4: false });
  });

  test('formatIpAddress compresses the first longest zero run only when it is two groups or more', () => {
    expect(formatIpAddress(parseIpv6('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(formatIpAddress(parseIpv6('1:0:2:0:3:0:4:0')!)).toBe('1:0:2:0:3:0:4:0');
  });
});
