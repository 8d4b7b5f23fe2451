/**
 * detect(): its options (each wrong one an OptionError naming it), the rows per rule from
 * Sigma YAML, the view by principal that suspectFrom reads, the chart over time, and the
 * problems and attribution shown under the table.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { OptionError } from '../../lib/errors';
import { detect } from '../../lib/detections/detect';
import { compileRules, loadRules, ownPackDir } from '../../lib/detections';
import { suspectFrom } from '../../lib/playbooks/suspect';
import { configure } from '../../lib/query-results';
import { tempDir, writeFile, type Event } from '../support/cloudtrail-fixtures';
import { arn, record, writeLogs } from './crafted';

const t = (hms: string) => `2024-03-12T${hms}Z`;
const EVENTS: Event[] = [
  record('alice', t('09:00:00'), 'StopLogging', { ip: '203.0.113.5' }),
  record('alice', t('09:10:00'), 'DeleteTrail', { ip: '203.0.113.5' }),
  record('alice', t('09:20:00'), 'CreateUser', { ip: '203.0.113.6' }),
  record('bob', t('09:30:00'), 'CreateUser'),
  record('bob', t('09:40:00'), 'CreateUser'),
  record('bob', t('09:50:00'), 'CreateUser'),
  record('carol', t('10:30:00'), 'ListUsers'),
  // An AWS service's call: no principal, so in the rule's hits but not by principal.
  { ...record('x', t('09:55:00'), 'DeleteTrail', { ip: 'cloudtrail.amazonaws.com' }), userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' } },
];

const yaml = (id: string, title: string, level: string, names: string[]) => `title: ${title}
id: ${id}
author: Someone
references:
  - https://example.com/${id}
level: ${level}
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName:
${names.map((n) => `      - ${n}`).join('\n')}
  condition: selection
`;
const TRAIL = '10000000-0000-4000-8000-000000000001';
const USER = '10000000-0000-4000-8000-000000000002';
const WINDOW = { start: '2024-03-12T09:00:00Z', end: '2024-03-12T10:00:00Z' };

const scratch = tempDir();
const rules = join(scratch.path, 'rules');
let engine: LocalEngine;

beforeAll(async () => {
  writeLogs(join(scratch.path, 'logs'), EVENTS);
  writeFile(join(rules, 'trail.yml'), yaml(TRAIL, 'Trail stopped or deleted', 'high', ['StopLogging', 'DeleteTrail']));
  writeFile(join(rules, 'user.yml'), yaml(USER, 'User created', 'low', ['CreateUser']));
  writeFile(join(rules, 'bad.yml'), `title: Broken rule\nid: 10000000-0000-4000-8000-000000000003\nlogsource: {product: aws}\ndetection:\n  selection:\n    noSuchField: x\n  condition: selection\n`);
  engine = await LocalEngine.open({ logs: join(scratch.path, 'logs'), cache: false });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  scratch.cleanup();
});

describe('options', () => {
  const rejects = async (options: object, option: string) => {
    const error = await detect({ engine, rules, ...options } as never).then(() => undefined, (e: unknown) => e);
    expect(error, JSON.stringify(options)).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe(option);
  };

  it('names the option that is wrong', async () => {
    await rejects({ window: WINDOW, windw: 1 }, 'windw');
    await rejects({}, 'window');
    await rejects({ window: { start: '2024-03-12', end: '2024-03-11' } }, 'end');
    await rejects({ window: WINDOW, since: '2024-03-12' }, 'since');
    await rejects({ until: '2024-03-12' }, 'since');
    await rejects({ since: 'yesterday' }, 'since');
    await rejects({ window: WINDOW, target: 'splunk' }, 'target');
    await rejects({ window: WINDOW, target: 'ocsf', region: 'mars' }, 'region');
    await rejects({ window: WINDOW, region: 'us-east-1' }, 'region');
    await rejects({ window: WINDOW, rules: [] }, 'rules');
    await rejects({ window: WINDOW, rules: join(scratch.path, 'missing') }, 'rules');
    await rejects({ window: WINDOW, signal: 'stop' }, 'signal');
  });

  it('takes since/until as the window', async () => {
    const a = await detect({ engine, rules, since: WINDOW.start, until: WINDOW.end });
    const b = await detect({ engine, rules, window: WINDOW });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.context.window).toEqual(WINDOW);
  });

  it('uses the configured engine when none is given', async () => {
    await configure({ engine });
    const found = await detect({ rules, window: WINDOW });
    expect(found.rowCount).toBe(2);
  });

  it('uses the project\'s own pack when no rules are given', async () => {
    const found = await detect({ engine, window: WINDOW });
    const pack = compileRules(await loadRules([ownPackDir()]), 'cloudtrail');
    expect(found.problems).toEqual([]);
    // Every correlation, and every detection rule no correlation keeps quiet.
    const quiet = new Set(pack.correlations.filter((c) => !c.generate).flatMap((c) => c.rules));
    const loud = pack.compiled.filter((c) => !quiet.has(c.rule.name ?? '') && !quiet.has(c.rule.id));
    expect(found.rulesRun).toBe(pack.correlations.length + loud.length);
    expect(found.rulesRun).toBeGreaterThanOrEqual(6);
  });
});

describe('what fired', () => {
  const inWindow = (e: Event) => e.eventTime >= WINDOW.start && e.eventTime < WINDOW.end;
  const matching = (names: string[]) => EVENTS.filter((e) => inWindow(e) && names.includes(e.eventName));

  it('one row per rule, most severe first, with the rule\'s attribution and the problems under the table', async () => {
    const found = await detect({ engine, rules, window: WINDOW });
    const rows = found.toRecords();
    expect(rows.map((r) => r.rule_id)).toEqual([TRAIL, USER]);
    expect(rows.map((r) => r.hits)).toEqual([matching(['StopLogging', 'DeleteTrail']).length, matching(['CreateUser']).length]);
    expect(rows[0]).toMatchObject({ level: 'high', title: 'Trail stopped or deleted', author: 'Someone', principals: [arn('alice')], source_ips: ['203.0.113.5', 'cloudtrail.amazonaws.com'] });
    // Bob created more users than alice: principals by hits.
    expect(rows[1]!.principals).toEqual([arn('bob'), arn('alice')]);
    expect(found.problems.map((p) => p.title)).toEqual(['Broken rule']);
    const text = found.toText();
    expect(text).toContain(`https://example.com/${TRAIL}`);
    expect(text).toMatch(/1 rules could not be run:\n {2}Broken rule \(.*bad\.yml\): .*noSuchField/);
    const html = found.toHtml();
    expect(html).toContain('Broken rule');
    expect(html).toContain(`https://example.com/${USER}`);
  });

  it('by principal: most severe first, and suspectFrom takes its first entity', async () => {
    const found = await detect({ engine, rules, window: WINDOW });
    const by = found.byPrincipal();
    expect(by.columnNames[0]).toBe('entity');
    expect(by.toRecords()).toEqual([
      { entity: arn('alice'), rules: ['Trail stopped or deleted', 'User created'], hits: 3, first_seen: new Date(t('09:00:00')), last_seen: new Date(t('09:20:00')), level: 'high' },
      { entity: arn('bob'), rules: ['User created'], hits: 3, first_seen: new Date(t('09:30:00')), last_seen: new Date(t('09:50:00')), level: 'low' },
    ]);
    const said: string[] = [];
    expect(await suspectFrom(by, undefined, { engine, say: (l) => said.push(l) })).toBe(arn('alice'));
  });

  it('a chart of hits over time, by rule, over the window', async () => {
    const found = await detect({ engine, rules, window: WINDOW });
    const chart = found.chart();
    expect(chart.title).toBe('Detection hits over time by rule');
    const values = (chart.spec as { data: { values: Record<string, unknown>[] } }).data.values;
    const total = values.reduce((sum, v) => sum + Number(v.hits), 0);
    expect(total).toBe(matching(['StopLogging', 'DeleteTrail', 'CreateUser']).length);
    expect(await chart.toSvg()).toContain('<svg');
  });
});
