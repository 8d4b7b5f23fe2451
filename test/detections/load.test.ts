/** Rule files: YAML documents → rules, correlations and problems; folders read in a fixed order. */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../lib/detections/load';
import { ownPackDir } from '../../lib/detections/pack';
import { parseRules } from '../../lib/detections/rules-file';
import type { SigmaCorrelation, SigmaRule } from '../../lib/detections/types';
import { OptionError } from '../../lib/errors';
import { tempDir, writeFile } from '../support/cloudtrail-fixtures';

const rule = (n: number, extra = '') => `title: Rule ${n}
id: 00000000-0000-0000-0000-00000000000${n}
name: rule_${n}
author: Someone ${n}
references:
  - https://example.com/${n}
status: test
level: high
tags: [attack.t1078]
falsepositives: [Admins]
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: Op${n}
    requestParameters.count: 1.0
  condition: selection
${extra}`;

const correlation = (body: string, header = 'title: Burst\nid: c-1\nlevel: medium\n') => `${header}correlation:\n${body}`;

describe('parseRules', () => {
  it('reads a rule with its attribution and header fields', () => {
    const { rules, problems } = parseRules(rule(1), 'a.yml');
    expect(problems).toEqual([]);
    const read = rules[0] as SigmaRule;
    expect(read).toMatchObject({
      kind: 'detection', id: '00000000-0000-0000-0000-000000000001', title: 'Rule 1', name: 'rule_1', author: 'Someone 1',
      references: ['https://example.com/1'], source: 'a.yml', level: 'high', status: 'test', tags: ['attack.t1078'],
      falsePositives: ['Admins'], logsource: { product: 'aws', service: 'cloudtrail' },
    });
    // Numbers keep the text they were written as: Sigma compares values as text.
    expect(read.detection).toEqual({ selection: { eventName: 'Op1', 'requestParameters.count': '1.0' }, condition: 'selection' });
  });

  it('reads every document of a multi-document file, numbering their sources', () => {
    const { rules, problems } = parseRules(`${rule(1)}---\n${rule(2)}---\ntitle: broken\n`, 'many.yml');
    expect(rules.map((r) => [r.title, r.source])).toEqual([['Rule 1', 'many.yml#1'], ['Rule 2', 'many.yml#2']]);
    expect(problems).toEqual([{ title: 'broken', id: undefined, source: 'many.yml#3', reason: expect.stringMatching(/no id/) }]);
  });

  it.each([
    [rule(1).replace(/^id: .*\n/m, ''), /no id/],
    [rule(1).replace(/^title: .*\n/m, ''), /no title/],
    [rule(1).replace('level: high', 'level: severe'), /level "severe"/],
    [rule(1).replace('  condition: selection\n', ''), /no condition/],
    [rule(1).replace(/^logsource: .*\n/m, ''), /no logsource/],
    ['title: x\nid: y\n', /neither "detection" nor "correlation"/],
    ['- a list\n', /not a map/],
    [rule(1).replace('eventName: Op1', 'eventName: Op1\n    eventName: Op2'), /YAML/],
    ['title: x\nid: y\ndetection: [unclosed\n', /YAML line/],
  ])('reports a problem naming the file and the reason (%#)', (text, reason) => {
    const { rules, problems } = parseRules(text, 'dir/bad.yml');
    expect(rules).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.source).toBe('dir/bad.yml');
    expect(problems[0]!.reason).toMatch(reason);
  });

  it('names a problem by the rule title when it has one, else by the file name', () => {
    expect(parseRules(rule(1).replace('level: high', 'level: x'), 'd/f.yml').problems[0]!.title).toBe('Rule 1');
    expect(parseRules('title: [\n', 'd/f.yml').problems[0]!.title).toBe('f.yml');
  });

  it('keeps the first of two rules with one id and reports the second', () => {
    const { rules, problems } = parseRules(`${rule(1)}---\n${rule(1).replace('Rule 1', 'Copy')}`, 'x.yml');
    expect(rules.map((r) => r.title)).toEqual(['Rule 1']);
    expect(problems[0]).toMatchObject({ title: 'Copy', reason: expect.stringMatching(/also the id of "Rule 1"/) });
  });

  it('reads correlations: event_count, value_count, temporal, new_value', () => {
    const text = [
      correlation('  type: event_count\n  rules: [rule_1]\n  group-by: [userIdentity.arn]\n  timespan: 5m\n  condition: {gte: 20}\n'),
      correlation('  type: value_count\n  rules: rule_1\n  group-by: [userIdentity.arn]\n  timespan: 1h\n  condition: {field: eventName, gt: 3}\n', 'title: Many\nid: c-2\n'),
      correlation('  type: temporal\n  rules: [rule_1, rule_2]\n  group-by: [userIdentity.arn]\n  timespan: 1h\n  generate: true\n', 'title: Chain\nid: c-3\n'),
      correlation('  type: new_value\n  rules: [rule_1]\n  group-by: [userIdentity.arn]\n  field: sourceIPAddress\n  timespan: 14d\n', 'title: New IP\nid: c-4\n'),
    ].join('---\n');
    const { rules, problems } = parseRules(text, 'c.yml');
    expect(problems).toEqual([]);
    const [count, values, temporal, fresh] = rules as SigmaCorrelation[];
    expect(count).toMatchObject({ kind: 'correlation', type: 'event_count', rules: ['rule_1'], groupBy: ['userIdentity.arn'], timespanSeconds: 300, condition: { op: 'gte', value: 20 }, generate: false });
    expect(values).toMatchObject({ type: 'value_count', rules: ['rule_1'], timespanSeconds: 3600, condition: { op: 'gt', value: 3, field: 'eventName' } });
    expect(temporal).toMatchObject({ type: 'temporal', rules: ['rule_1', 'rule_2'], condition: undefined, generate: true });
    expect(fresh).toMatchObject({ type: 'new_value', valueField: 'sourceIPAddress', lookbackSeconds: 14 * 86_400, groupBy: ['userIdentity.arn'] });
  });

  it.each([
    ['  type: event_count\n  rules: [r]\n  timespan: 5m\n', /needs a condition/],
    ['  type: event_count\n  rules: [r]\n  timespan: 5 minutes\n  condition: {gte: 2}\n', /timespan/],
    ['  type: event_count\n  rules: [r]\n  timespan: 5m\n  condition: {over: 2}\n', /"over"/],
    ['  type: event_count\n  rules: [r]\n  timespan: 5m\n  condition: {gte: many}\n', /must be a number/],
    ['  type: value_count\n  rules: [r]\n  timespan: 5m\n  condition: {gte: 2}\n', /condition.field/],
    ['  type: sometimes\n  rules: [r]\n  timespan: 5m\n', /type "sometimes"/],
    ['  type: event_count\n  timespan: 5m\n  condition: {gte: 2}\n', /names no rules/],
    ['  type: new_value\n  rules: [r]\n  group-by: [a]\n  timespan: 14d\n', /needs "field"/],
    ['  type: new_value\n  rules: [r]\n  field: sourceIPAddress\n  timespan: 14d\n', /needs group-by/],
  ])('refuses a malformed correlation (%#)', (body, reason) => {
    const { problems } = parseRules(correlation(body), 'c.yml');
    expect(problems[0]?.reason).toMatch(reason);
  });
});

describe('loadRules', () => {
  it('reads folders recursively in name order, .yml and .yaml only, and single files', async () => {
    const dir = tempDir();
    try {
      writeFile(join(dir.path, 'b', 'z.yml'), rule(3));
      writeFile(join(dir.path, 'b', 'a.yaml'), rule(2));
      writeFile(join(dir.path, 'a.yml'), rule(1));
      writeFile(join(dir.path, 'notes.txt'), 'not a rule');
      writeFile(join(dir.path, 'other', 'x.yml'), rule(4));
      const set = await loadRules([join(dir.path), join(dir.path, 'other', 'x.yml'), join(dir.path, 'other', '..', 'a.yml')]);
      expect(set.rules.map((r) => r.title)).toEqual(['Rule 1', 'Rule 2', 'Rule 3', 'Rule 4']);
      expect(set.problems).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });

  it('throws naming a path that does not exist', async () => {
    const error = await loadRules(['/nonexistent/rules']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(/\/nonexistent\/rules/);
  });

  it('reports a malformed file and an unreadable one as problems, and reads the rest', async () => {
    const dir = tempDir();
    try {
      writeFile(join(dir.path, 'good.yml'), rule(1));
      writeFile(join(dir.path, 'bad.yml'), 'title: [oops\n');
      const dangling = join(dir.path, 'gone.yml');
      symlinkSync(join(dir.path, 'nowhere.yml'), dangling);
      mkdirSync(join(dir.path, 'empty'));
      const set = await loadRules([dir.path]);
      expect(set.rules.map((r) => r.title)).toEqual(['Rule 1']);
      const bySource = Object.fromEntries(set.problems.map((p) => [p.source, p.reason]));
      expect(bySource[join(dir.path, 'bad.yml')]).toMatch(/YAML/);
      expect(bySource[dangling]).toMatch(/cannot read/);
    } finally {
      dir.cleanup();
    }
  });
});

it('ownPackDir is the repository top-level rules folder', () => {
  expect(ownPackDir()).toBe(join(__dirname, '..', '..', 'rules'));
});
