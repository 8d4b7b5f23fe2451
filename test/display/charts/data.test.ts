import { describe, expect, it } from 'vitest';
import { chartColumn, chartValue, countValue, fieldRef, freshKey, utcTime } from '../../../lib/display/charts/data';
import { shortLabel, uniqueLabels } from '../../../lib/display/charts/labels';
import { limitSeries } from '../../../lib/display/charts/series';
import { OptionError } from '../../../lib/errors';
import { makeData } from '../../result/fixtures';
import { optionError } from '../../support/capture';

describe('chartColumn', () => {
  const data = makeData(
    [
      ['entity', 'string'],
      ['n', 'bigint'],
      ['n', 'bigint'],
    ],
    [],
  );

  it('finds a column by name, a repeated one by its deduplicated name', () => {
    expect(chartColumn(data, 'count', 'n', 'f')).toEqual({ index: 1, key: 'n', name: 'n' });
    expect(chartColumn(data, 'count', 'n_2', 'f')).toEqual({ index: 2, key: 'n_2', name: 'n' });
  });

  it('throws OptionError naming the option, quoting the name and listing the columns', () => {
    const error = optionError(() => chartColumn(data, 'entity', 'arn', 'topEntitiesChart'));
    expect(error).toMatchObject({ option: 'entity', value: 'arn' });
    expect(error.message).toContain('"entity", "n", "n"');
    expect(() => chartColumn(data, 'time', 42, 'f')).toThrow(OptionError);
  });
});

describe('chart values', () => {
  it('makes bigint a number, Date ISO text, nested values JSON text, non-finite null', () => {
    expect(chartValue(12n)).toBe(12);
    expect(chartValue(9007199254740993n)).toBeTypeOf('number');
    expect(chartValue(new Date(Date.UTC(2024, 2, 1, 12)))).toBe('2024-03-01T12:00:00.000Z');
    expect(chartValue(new Date(Number.NaN))).toBeNull();
    expect(chartValue({ arn: 'x', ids: [1n] })).toBe('{"arn":"x","ids":[1]}');
    expect(chartValue(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('reads times as UTC whatever their form, zoneless text included', () => {
    expect(utcTime('2024-03-01 12:00:00.000')).toBe('2024-03-01T12:00:00.000Z');
    expect(utcTime('2024-03-01T12:00:00Z')).toBe('2024-03-01T12:00:00.000Z');
    expect(utcTime('2024-03-01T14:00:00+02:00')).toBe('2024-03-01T12:00:00.000Z');
    expect(utcTime(Date.UTC(2024, 2, 1))).toBe('2024-03-01T00:00:00.000Z');
    expect(utcTime('yesterday')).toBeNull();
    expect(utcTime(null)).toBeNull();
  });

  it('reads counts from numbers, bigints and decimal text', () => {
    expect(countValue(3n)).toBe(3);
    expect(countValue('12.50')).toBe(12.5);
    expect(countValue('')).toBeNull();
    expect(countValue('many')).toBeNull();
    expect(countValue(null)).toBeNull();
  });

  it('escapes field names Vega-Lite would read as nested access, and finds free keys', () => {
    expect(fieldRef('useridentity.arn')).toBe('useridentity\\.arn');
    expect(fieldRef('resources[1]')).toBe('resources\\[1\\]');
    expect(freshKey('label', ['label', 'label_2'])).toBe('label_3');
  });
});

describe('labels', () => {
  it('labels an ARN by resource and account, and keeps other text', () => {
    expect(shortLabel('arn:aws:iam::123456789012:user/alice')).toBe('user/alice (123456789012)');
    expect(shortLabel('arn:aws:s3:::my-bucket')).toBe('my-bucket');
    expect(shortLabel('ci-deploy')).toBe('ci-deploy');
  });

  it('cuts long labels in the middle, by code point, keeping the account', () => {
    const long = `arn:aws:sts::123456789012:assumed-role/${'R'.repeat(40)}/${'s'.repeat(40)}`;
    const label = shortLabel(long, 40);
    expect(Array.from(label)).toHaveLength(40);
    expect(label).toMatch(/^assumed-role\/R+…s+ \(123456789012\)$/);
    expect(Array.from(shortLabel('😀'.repeat(30), 10))).toHaveLength(10);
    expect(shortLabel('😀'.repeat(30), 10)).not.toContain('\ufffd');
  });

  it('never gives two ids the same label', () => {
    const a = `arn:aws:iam::1:user/${'x'.repeat(30)}a${'x'.repeat(30)}`;
    const b = `arn:aws:iam::1:user/${'x'.repeat(30)}b${'x'.repeat(30)}`;
    expect(shortLabel(a, 20)).toBe(shortLabel(b, 20));
    const labels = uniqueLabels([a, b, 'c'], 20);
    expect(new Set(labels.values()).size).toBe(3);
    expect(labels.get(a)).toBe(a);
    expect(labels.get('c')).toBe('c');
  });
});

describe('limitSeries', () => {
  it('keeps the largest series and combines the rest, saying so', () => {
    const totals = new Map([
      ['a', 1],
      ['b', 9],
      ['c', 5],
      ['d', 1],
    ]);
    const plan = limitSeries(totals, 3, 'entities', 56);
    expect(plan.domain).toEqual(['b', 'c', '(2 other entities)']);
    expect(plan.label('a')).toBe('(2 other entities)');
    expect(plan.label('b')).toBe('b');
    expect(plan.note).toContain('2 entities combined');
  });

  it('keeps everything when it fits', () => {
    const plan = limitSeries(new Map([['a', 1], ['b', 2]]), 2, 'entities', 56);
    expect(plan.domain).toEqual(['b', 'a']);
    expect(plan.note).toBeUndefined();
  });
});
