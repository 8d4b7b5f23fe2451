import { describe, expect, it } from 'vitest';
import {
  athenaColumn,
  athenaConverter,
  athenaValue,
  parseAthenaType,
} from '../../../lib/engines/athena/athena-values';
import { IrbookError } from '../../../lib/errors';

const utc = (text: string) => new Date(text);

function rejects(type: string, text: string): IrbookError {
  try {
    athenaValue(type, text);
  } catch (error) {
    expect(error).toBeInstanceOf(IrbookError);
    return error as IrbookError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(text)}`);
}

describe('athenaColumn', () => {
  it.each([
    ['varchar', 'string'],
    ['char', 'string'],
    ['tinyint', 'integer'],
    ['smallint', 'integer'],
    ['integer', 'integer'],
    ['bigint', 'bigint'],
    ['real', 'double'],
    ['float', 'double'],
    ['double', 'double'],
    ['decimal', 'decimal'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
    ['timestamp with time zone', 'timestamp'],
    ['time', 'other'],
    ['interval day to second', 'other'],
    ['interval year to month', 'other'],
    ['varbinary', 'other'],
    ['json', 'json'],
    ['ipaddress', 'string'],
    ['uuid', 'string'],
    ['unknown', 'other'],
    ['array', 'array'],
    ['map', 'map'],
    ['row', 'struct'],
    ['geometry', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (type, kind) => {
    expect(athenaColumn({ Name: 'c', Type: type })).toEqual({ name: 'c', kind, engineType: type });
  });

  it('reads parameterised Trino and Hive signatures', () => {
    const kinds = (type: string) => athenaColumn({ Name: 'c', Type: type }).kind;
    expect(kinds('decimal(10,2)')).toBe('decimal');
    expect(kinds('varchar(255)')).toBe('string');
    expect(kinds('timestamp(6)')).toBe('timestamp');
    expect(kinds('timestamp(3) with time zone')).toBe('timestamp');
    expect(kinds('array(varchar)')).toBe('array');
    expect(kinds('map(varchar, bigint)')).toBe('map');
    expect(kinds('row(arn varchar, "user name" varchar)')).toBe('struct');
    expect(kinds('array<struct<arn:string,n:int>>')).toBe('array');
    expect(kinds('struct<arn:string>')).toBe('struct');
    expect(kinds('string')).toBe('string');
  });

  it('adds precision and scale to a bare decimal, and keeps the name as Athena gives it', () => {
    expect(athenaColumn({ Name: 'cost', Label: 'cost', Type: 'decimal', Precision: 10, Scale: 2 })).toEqual({
      name: 'cost',
      kind: 'decimal',
      engineType: 'decimal(10,2)',
    });
    expect(athenaColumn({ Name: 'n', Type: 'decimal(38,0)', Precision: 38, Scale: 0 }).engineType).toBe('decimal(38,0)');
    expect(athenaColumn({ Name: 's', Type: 'varchar', Precision: 2147483647 }).engineType).toBe('varchar');
    expect(athenaColumn({ Label: 'only_label', Type: 'varchar' }).name).toBe('only_label');
  });
});

describe('parseAthenaType', () => {
  it('reads nested signatures with field names, quoted names and anonymous fields', () => {
    const type = parseAthenaType('array(row(arn varchar, "User Name" varchar, ts timestamp(3) with time zone, tags map(varchar, array(bigint))))');
    expect(type.name).toBe('array');
    const fields = type.element?.fields ?? [];
    expect(fields.map((f) => [f.name, f.type.name])).toEqual([
      ['arn', 'varchar'],
      ['User Name', 'varchar'],
      ['ts', 'timestamp with time zone'],
      ['tags', 'map'],
    ]);
    expect(fields[3].type.value?.element?.name).toBe('bigint');
    expect(parseAthenaType('row(integer, varchar)').fields?.map((f) => f.name)).toEqual(['field0', 'field1']);
    expect(parseAthenaType('row(timestamp with time zone)').fields?.[0]).toMatchObject({ name: 'field0', type: { name: 'timestamp with time zone' } });
    expect(parseAthenaType('decimal(10, 2)').params).toEqual([10, 2]);
    expect(parseAthenaType('struct<a:string,b:map<string,int>>').fields?.[1].type.key?.name).toBe('string');
  });

  it('keeps a signature it cannot read whole, under a name no converter knows', () => {
    expect(parseAthenaType('array(varchar')).toMatchObject({ name: 'array(varchar', text: 'array(varchar' });
    expect(athenaValue('array(varchar', '[a]')).toBe('[a]');
  });
});

describe('athenaValue: scalars', () => {
  it('gives null for NULL and keeps the empty string', () => {
    for (const type of ['varchar', 'bigint', 'timestamp', 'array', 'json', 'geometry']) expect(athenaValue(type, null)).toBeNull();
    expect(athenaValue('varchar', '')).toBe('');
    expect(athenaValue('char', ' padded ')).toBe(' padded ');
  });

  it('integers are numbers; bigint is an exact bigint', () => {
    expect(athenaValue('integer', '42')).toBe(42);
    expect(athenaValue('tinyint', '-128')).toBe(-128);
    expect(athenaValue('smallint', '32767')).toBe(32767);
    expect(athenaValue('bigint', '9007199254740993')).toBe(9007199254740993n);
    expect(athenaValue('bigint', '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(athenaValue('bigint', '0')).toBe(0n);
  });

  it('doubles read Java text, NaN and the infinities', () => {
    expect(athenaValue('double', '1.5')).toBe(1.5);
    expect(athenaValue('double', '2.0')).toBe(2);
    expect(athenaValue('double', '1.0E10')).toBe(1e10);
    expect(athenaValue('double', '-4.9E-324')).toBe(-5e-324);
    expect(athenaValue('real', '3.4028235E38')).toBe(3.4028235e38);
    expect(athenaValue('double', 'NaN')).toBeNaN();
    expect(athenaValue('double', 'Infinity')).toBe(Infinity);
    expect(athenaValue('double', '-Infinity')).toBe(-Infinity);
  });

  it('decimals stay the exact text', () => {
    expect(athenaValue('decimal(10,2)', '12.50')).toBe('12.50');
    expect(athenaValue('decimal', '-0.001')).toBe('-0.001');
    expect(athenaValue('decimal(38,0)', '12345678901234567890123456789012345678')).toBe('12345678901234567890123456789012345678');
  });

  it('booleans', () => {
    expect(athenaValue('boolean', 'true')).toBe(true);
    expect(athenaValue('boolean', 'false')).toBe(false);
  });

  it('dates are UTC midnight', () => {
    expect(athenaValue('date', '2024-03-12')).toEqual(utc('2024-03-12T00:00:00Z'));
    expect(athenaValue('date', '2024-02-29')).toEqual(utc('2024-02-29T00:00:00Z'));
    expect(athenaValue('date', '0099-01-01')).toEqual(utc('0099-01-01T00:00:00Z'));
  });

  it('timestamps are UTC, with digits past milliseconds cut', () => {
    expect(athenaValue('timestamp', '2024-03-12 10:11:12.123')).toEqual(utc('2024-03-12T10:11:12.123Z'));
    expect(athenaValue('timestamp(6)', '2024-03-12 10:11:12.123456')).toEqual(utc('2024-03-12T10:11:12.123Z'));
    expect(athenaValue('timestamp', '2024-03-12 23:59:59.999999999')).toEqual(utc('2024-03-12T23:59:59.999Z'));
    expect(athenaValue('timestamp', '2024-03-12 10:11:12')).toEqual(utc('2024-03-12T10:11:12Z'));
    expect(athenaValue('timestamp', '2024-03-12T10:11:12.5')).toEqual(utc('2024-03-12T10:11:12.500Z'));
  });

  it('timestamps with time zone: UTC, offsets and named zones', () => {
    const instant = utc('2024-03-12T10:11:12.123Z');
    expect(athenaValue('timestamp with time zone', '2024-03-12 10:11:12.123 UTC')).toEqual(instant);
    expect(athenaValue('timestamp with time zone', '2024-03-12 12:11:12.123 +02:00')).toEqual(instant);
    expect(athenaValue('timestamp with time zone', '2024-03-12 04:41:12.123 -05:30')).toEqual(instant);
    expect(athenaValue('timestamp(6) with time zone', '2024-03-12 10:11:12.123456 UTC')).toEqual(instant);
    expect(athenaValue('timestamp with time zone', '2024-03-12 11:11:12.123 Europe/Berlin')).toEqual(instant);
    expect(athenaValue('timestamp with time zone', '2024-07-01 12:00:00.000 Europe/Berlin')).toEqual(utc('2024-07-01T10:00:00Z'));
    expect(athenaValue('timestamp with time zone', '2024-03-12 19:11:12.123 Asia/Tokyo')).toEqual(instant);
    // 01:30 happens twice in New York on 2024-11-03: the earlier (EDT) instant.
    expect(athenaValue('timestamp with time zone', '2024-11-03 01:30:00.000 America/New_York')).toEqual(utc('2024-11-03T05:30:00Z'));
  });

  it('time, intervals, varbinary, ipaddress, uuid and json stay text', () => {
    expect(athenaValue('time', '10:11:12.000')).toBe('10:11:12.000');
    expect(athenaValue('time with time zone', '10:11:12.000 +02:00')).toBe('10:11:12.000 +02:00');
    expect(athenaValue('interval day to second', '1 02:03:04.000')).toBe('1 02:03:04.000');
    expect(athenaValue('interval year to month', '1-2')).toBe('1-2');
    expect(athenaValue('varbinary', '68 65 6c 6c 6f')).toBe('68 65 6c 6c 6f');
    expect(athenaValue('ipaddress', '2001:db8::1')).toBe('2001:db8::1');
    expect(athenaValue('uuid', '12151fd2-7586-11e9-8f9e-2a86e4085a59')).toBe('12151fd2-7586-11e9-8f9e-2a86e4085a59');
    expect(athenaValue('json', '{"a":[1,2],"b":"x, y"}')).toBe('{"a":[1,2],"b":"x, y"}');
  });

  it('keeps the text of a type it does not know', () => {
    expect(athenaValue('geometry', 'POINT (1 2)')).toBe('POINT (1 2)');
    expect(athenaValue('unknown', 'whatever')).toBe('whatever');
  });

  it('throws IrbookError naming the type and the text when the text is not of its type', () => {
    const error = rejects('bigint', 'abc');
    expect(error.message).toContain('"abc"');
    expect(error.message).toContain('bigint');
    rejects('bigint', '');
    rejects('bigint', '1.5');
    rejects('integer', '1e3');
    rejects('double', '1,5');
    rejects('double', '');
    rejects('double', '0x10');
    rejects('decimal', '1e5');
    rejects('boolean', 'yes');
    rejects('boolean', 'TRUE');
    rejects('date', '2024-02-30');
    rejects('date', '12/03/2024');
    rejects('timestamp', '2024-13-01 00:00:00.000');
    rejects('timestamp', '2024-03-12 10:11:12.123 UTC');
    rejects('timestamp with time zone', '2024-03-12 10:11:12.123');
    rejects('timestamp with time zone', '2024-03-12 10:11:12.123 Mars/Olympus_Mons');
    // 02:30 does not exist in Berlin on 2024-03-31 (clocks jump 02:00 → 03:00).
    rejects('timestamp with time zone', '2024-03-31 02:30:00.000 Europe/Berlin');
  });

  it('accepts a column from athenaColumn, and a converter made once per column', () => {
    const column = athenaColumn({ Name: 'cost', Type: 'decimal', Precision: 10, Scale: 2 });
    expect(athenaValue(column, '1.25')).toBe('1.25');
    const toValue = athenaConverter('array(bigint)');
    expect(toValue('[1, 2]')).toEqual([1n, 2n]);
    expect(toValue(null)).toBeNull();
    expect(athenaConverter(parseAthenaType('date'))('2024-03-12')).toEqual(utc('2024-03-12T00:00:00Z'));
  });
});

describe('athenaValue: arrays, maps and rows', () => {
  it('types elements when the element type is known', () => {
    expect(athenaValue('array(bigint)', '[1, null, 9007199254740993]')).toEqual([1n, null, 9007199254740993n]);
    expect(athenaValue('array(double)', '[1.5, NaN, -Infinity]')).toEqual([1.5, NaN, -Infinity]);
    expect(athenaValue('array(boolean)', '[true, false]')).toEqual([true, false]);
    expect(athenaValue('array(date)', '[2024-03-12]')).toEqual([utc('2024-03-12T00:00:00Z')]);
    expect(athenaValue('array(timestamp)', '[2024-03-12 10:11:12.123, null]')).toEqual([utc('2024-03-12T10:11:12.123Z'), null]);
    expect(athenaValue('array(array(integer))', '[[1, 2], [], null, [3]]')).toEqual([[1, 2], [], null, [3]]);
  });

  it("keeps varchar elements as text, 'null' and '' included", () => {
    expect(athenaValue('array(varchar)', '[a, null, , b c]')).toEqual(['a', 'null', '', 'b c']);
    expect(athenaValue('array(varchar)', '[a[1], {x}]')).toEqual(['a[1]', '{x}']);
  });

  it('gives empty collections for [] and {}', () => {
    expect(athenaValue('array', '[]')).toEqual([]);
    expect(athenaValue('array(bigint)', '[]')).toEqual([]);
    expect(athenaValue('map', '{}')).toEqual({});
    expect(athenaValue('map(varchar, bigint)', '{}')).toEqual({});
    expect(athenaValue('row', '{}')).toEqual({});
  });

  it('reads maps, typed and untyped', () => {
    expect(athenaValue('map(varchar, bigint)', '{a=1, b=null}')).toEqual({ a: 1n, b: null });
    expect(athenaValue('map(varchar, varchar)', '{k=a, b, k2=c}')).toEqual({ k: 'a, b', k2: 'c' });
    expect(athenaValue('map(bigint, varchar)', '{1=x, 2=y=z}')).toEqual({ '1': 'x', '2': 'y=z' });
    expect(athenaValue('map', '{tag=prod, owner=alice}')).toEqual({ tag: 'prod', owner: 'alice' });
    expect(athenaValue('map(varchar, array(bigint))', '{a=[1, 2], b=[]}')).toEqual({ a: [1n, 2n], b: [] });
  });

  it('reads rows with known fields, even when a varchar value holds ", "', () => {
    expect(athenaValue('row(a varchar, b bigint)', '{a=x, b=1}')).toEqual({ a: 'x', b: 1n });
    expect(athenaValue('row(a varchar, b bigint)', '{a=x, y, b=1}')).toEqual({ a: 'x, y', b: 1n });
    expect(athenaValue('row(a varchar, b array(bigint))', '{a=x, b=[1, 2]}')).toEqual({ a: 'x', b: [1n, 2n] });
    expect(athenaValue('row(a row(b row(c date)))', '{a={b={c=2024-03-12}}}')).toEqual({ a: { b: { c: utc('2024-03-12T00:00:00Z') } } });
    expect(athenaValue('row(integer, varchar)', '{1, a}')).toEqual({ field0: 1, field1: 'a' });
    expect(athenaValue('row(integer, varchar)', '{field0=1, field1=a}')).toEqual({ field0: 1, field1: 'a' });
    expect(athenaValue('array(row(arn varchar, n integer))', '[{arn=a, n=1}, null, {arn=b, n=2}]')).toEqual([
      { arn: 'a', n: 1 },
      null,
      { arn: 'b', n: 2 },
    ]);
  });

  it("reads a CloudTrail useridentity with no field types (Athena's metadata says only 'row')", () => {
    const text =
      '{type=AssumedRole, principalid=AROAEXAMPLE:alice, arn=arn:aws:sts::111122223333:assumed-role/Admin/alice, ' +
      'accountid=111122223333, invokedby=null, accesskeyid=ASIAEXAMPLE, username=null, ' +
      'sessioncontext={attributes={mfaauthenticated=true, creationdate=2024-03-12T10:00:00Z}, ' +
      'sessionissuer={type=Role, arn=arn:aws:iam::111122223333:role/Admin}, sourceidentity=null}}';
    expect(athenaValue('row', text)).toEqual({
      type: 'AssumedRole',
      principalid: 'AROAEXAMPLE:alice',
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      accountid: '111122223333',
      invokedby: null,
      accesskeyid: 'ASIAEXAMPLE',
      username: null,
      sessioncontext: {
        attributes: { mfaauthenticated: 'true', creationdate: '2024-03-12T10:00:00Z' },
        sessionissuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/Admin' },
        sourceidentity: null,
      },
    });
  });

  it('reads untyped arrays as strings, nested arrays and objects, and null', () => {
    expect(athenaValue('array', '[a, null, [b, c], {k=v}]')).toEqual(['a', null, ['b', 'c'], { k: 'v' }]);
    expect(athenaValue('array', '[{"a":1}]')).toEqual(['{"a":1}']);
    expect(athenaValue('array', '[{x, y}]')).toEqual(['{x, y}']);
  });

  it('reads json elements as JSON text, quotes respected', () => {
    expect(athenaValue('array(json)', '[{"a":"x, y"}, [1,2], null]')).toEqual(['{"a":"x, y"}', '[1,2]', null]);
  });

  it('keeps the raw text when the structure does not parse cleanly', () => {
    const raw = (type: string, text: string) => expect(athenaValue(type, text)).toBe(text);
    raw('array', '[a, [b]');
    raw('array', 'not an array');
    raw('array(bigint)', '[1, x]');
    raw('array(row(a varchar))', '[{a=x]}]');
    raw('map', '{a=1, a=2}');
    raw('map', '{no equals sign}');
    raw('map(varchar, bigint)', '{a=1, b}');
    raw('row(a varchar, b bigint)', '{a=x, c=1}');
    raw('row(a varchar, b bigint)', '{b=1, a=x}');
    raw('row', '{x, a=1}');
  });

  it('keeps a key named __proto__ as data', () => {
    const value = athenaValue('map(varchar, varchar)', '{__proto__=x}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
