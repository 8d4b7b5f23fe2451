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
  const SSO_ADMIN = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_d13d66fe184604b7';
  const SSO_READ = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0123456789abcdef';

  it('labels a principal by its name, then its kind and account', () => {
    expect(shortLabel('arn:aws:iam::123456789012:user/alice')).toBe('alice (user, 123456789012)');
    expect(shortLabel('arn:aws:iam::123456789012:user/division/ops/ci-deployer')).toBe('ci-deployer (user, 123456789012)');
    expect(shortLabel('arn:aws:iam::123456789012:role/service-role/Deploy')).toBe('Deploy (role, 123456789012)');
    expect(shortLabel('arn:aws:sts::123456789012:assumed-role/Deploy/ci')).toBe('Deploy/ci (role session, 123456789012)');
    expect(shortLabel('arn:aws:iam::123456789012:root')).toBe('root (account root, 123456789012)');
    expect(shortLabel('arn:aws:sts::123456789012:federated-user/bob')).toBe('bob (federated user, 123456789012)');
  });

  it('labels Identity Center roles and sessions by permission set', () => {
    expect(shortLabel(SSO_ADMIN)).toBe('AdministratorAccess (SSO role, 123456789012)');
    expect(shortLabel(SSO_READ)).toBe('ReadOnly (SSO role, 123456789012)');
    const session = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Billing_Admin_d13d66fe184604b7/alice@example.com';
    expect(shortLabel(session)).toBe('Billing_Admin/alice@example.com (SSO session, 123456789012)');
    // Even cut short, the permission set is still there.
    expect(shortLabel(SSO_ADMIN, 40)).toBe('AdministratorAccess (SSO role)');
    expect(shortLabel(SSO_ADMIN, 20)).toBe('AdministratorAccess');
    expect(shortLabel(SSO_ADMIN, 12)).toBe('Adminis…cess');
  });

  it('labels other ARNs by resource and account, and keeps other text', () => {
    expect(shortLabel('arn:aws:s3:::my-bucket')).toBe('my-bucket');
    expect(shortLabel('arn:aws:ec2:us-east-1:123456789012:instance/i-0abc')).toBe('instance/i-0abc (123456789012)');
    expect(shortLabel('ci-deploy')).toBe('ci-deploy');
  });

  it('cuts long labels in the middle, by code point, keeping kind and account', () => {
    const long = `arn:aws:sts::123456789012:assumed-role/${'R'.repeat(40)}/${'s'.repeat(40)}`;
    const label = shortLabel(long, 60);
    expect(Array.from(label)).toHaveLength(60);
    expect(label).toMatch(/^R+…s+$/);
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

  it('tells apart two SSO roles of one permission set by their resource', () => {
    const other = SSO_ADMIN.replace('d13d66fe184604b7', 'ffffffffffffffff');
    const labels = uniqueLabels([SSO_ADMIN, other, SSO_READ]);
    expect(labels.get(SSO_READ)).toBe('ReadOnly (SSO role, 123456789012)');
    expect(labels.get(SSO_ADMIN)).toContain('d13d66fe184604b7');
    expect(labels.get(other)).toContain('ffffffffffffffff');
    expect(new Set(labels.values()).size).toBe(3);
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
