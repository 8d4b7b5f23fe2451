// The project's own Sigma pack (rules/) as Sigma text: every document parses and has what the
// Sigma specification and the pack's README promise, read with the YAML parser alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRules, loadRules, ownPackDir } from '../../lib/detections';
import { SIGMA_LEVELS, type SigmaCorrelation } from '../../lib/detections/types';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import {
  OWN_PACK_DIR,
  baseRulesOf,
  correlationOf,
  readRuleDocs,
  reportedRules,
  valuesOfField,
  type RuleDoc,
} from '../support/rule-files';

const docs = readRuleDocs(OWN_PACK_DIR);
const label = (d: RuleDoc) => `${d.file}#${d.index}`;
const detections = docs.filter((d) => !correlationOf(d.doc));
const correlations = docs.filter((d) => correlationOf(d.doc));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESPAN = /^\d+[smhdwMy]$/;
const CONDITION_WORDS = new Set(['and', 'or', 'not', 'of', 'them', '1', 'all']);

describe("irbook's own rule pack", () => {
  it('parses: every document of every file is YAML without errors', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(d.errors, label(d)).toEqual([]);
  });

  it.each(docs.map((d) => [label(d), d] as const))('%s has the header fields', (_, d) => {
    const { doc } = d;
    expect(typeof doc.title === 'string' && doc.title.length > 0).toBe(true);
    expect(doc.id).toMatch(UUID_V4);
    expect(doc.author).toBe('irbook');
    expect(doc.status).toBe('experimental');
    expect(typeof doc.description === 'string' && doc.description.trim().length > 20).toBe(true);
    expect(SIGMA_LEVELS).toContain(doc.level);
    expect(doc.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Array.isArray(doc.references) && doc.references.length > 0).toBe(true);
    for (const ref of doc.references as unknown[]) expect(ref).toMatch(/^https:\/\//);
    expect(Array.isArray(doc.falsepositives) && doc.falsepositives.length > 0).toBe(true);
  });

  it('gives every document its own id and every named rule its own name', () => {
    const ids = docs.map((d) => d.doc.id);
    expect(new Set(ids).size).toBe(ids.length);
    const names = docs.map((d) => d.doc.name).filter((n) => n !== undefined);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(detections.map((d) => [label(d), d] as const))(
    '%s is a CloudTrail detection whose condition names its own searches',
    (_, d) => {
      expect(d.doc.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
      const detection = d.doc.detection as Record<string, unknown>;
      expect(typeof detection.condition).toBe('string');
      const searches = Object.keys(detection).filter((k) => k !== 'condition');
      expect(searches.length).toBeGreaterThan(0);
      const words = String(detection.condition).match(/[^\s()]+/g) ?? [];
      for (const w of words.filter((w) => !CONDITION_WORDS.has(w))) {
        const pattern = new RegExp(`^${w.replace(/\*/g, '.*')}$`);
        expect(searches.some((s) => pattern.test(s)), `${label(d)}: condition names "${w}"`).toBe(true);
      }
      for (const s of searches) expect(words.some((w) => new RegExp(`^${w.replace(/\*/g, '.*')}$`).test(s)), s).toBe(true);
    },
  );

  it.each(correlations.map((d) => [label(d), d] as const))('%s is a complete correlation over rules of the pack', (_, d) => {
    const corr = correlationOf(d.doc)!;
    expect(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'new_value']).toContain(corr.type);
    expect(d.doc.logsource).toBeUndefined();
    expect(String(corr.timespan)).toMatch(TIMESPAN);
    expect(Array.isArray(corr['group-by']) && (corr['group-by'] as unknown[]).length > 0).toBe(true);
    const bases = baseRulesOf(corr, docs);
    expect(bases.length).toBeGreaterThan(0);
    for (const b of bases) {
      expect(correlationOf(b.doc), `${label(b)} is a detection rule`).toBeUndefined();
      expect(b.doc.name, `${label(b)} is referred to by name`).toBeDefined();
      // A base rule alone is not an alert: the correlation is.
      expect(b.doc.level).toBe('informational');
    }
    if (corr.type === 'event_count' || corr.type === 'value_count') {
      const condition = corr.condition as Record<string, unknown>;
      expect(Object.keys(condition).filter((k) => k !== 'field')).toHaveLength(1);
      expect(['gt', 'gte', 'lt', 'lte', 'eq']).toContain(Object.keys(condition).find((k) => k !== 'field'));
    }
    if (corr.type === 'temporal' || corr.type === 'temporal_ordered') expect(bases.length).toBeGreaterThan(1);
    if (corr.type === 'new_value') expect(typeof corr.field).toBe('string');
  });

  it('has what the issue asks for', () => {
    const byType = (type: string) => correlations.map((d) => correlationOf(d.doc)!).filter((c) => c.type === type);
    const basesOf = (c: Record<string, unknown>) => baseRulesOf(c, docs).map((b) => b.doc.detection);
    const chain = byType('temporal_ordered').find((c) =>
      basesOf(c).some((det) => valuesOfField(det, 'eventName').includes('AttachUserPolicy')),
    );
    expect(chain && basesOf(chain).map((det) => valuesOfField(det, 'eventName'))).toEqual([
      ['CreateUser'],
      ['AttachUserPolicy'],
      ['CreateAccessKey'],
    ]);
    expect(chain?.['group-by']).toEqual(['userIdentity.arn']);
    expect(chain?.timespan).toBe('1h');
    const burst = byType('event_count')[0];
    expect(basesOf(burst).flatMap((det) => valuesOfField(det, 'errorCode'))).toEqual(
      expect.arrayContaining(['AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'UnauthorizedOperation']),
    );
    expect(burst['group-by']).toEqual(['userIdentity.arn']);
    const readDelete = byType('temporal_ordered').find((c) =>
      basesOf(c).some((det) => valuesOfField(det, 'eventName').includes('DeleteObject')),
    );
    expect(readDelete && basesOf(readDelete).map((det) => valuesOfField(det, 'eventName'))).toEqual([['GetObject'], ['DeleteObject']]);
    expect(readDelete?.['group-by']).toEqual(['userIdentity.arn', 'requestParameters.bucketName', 'requestParameters.key']);
    const newValue = byType('new_value')[0];
    expect([newValue['group-by'], newValue.field]).toEqual([['userIdentity.arn'], 'sourceIPAddress']);
    const single = reportedRules(docs).filter((d) => !correlationOf(d.doc));
    expect(single.map((d) => valuesOfField(d.doc.detection, 'eventName')).sort()).toEqual([['ConsoleLogin'], ['CreateBucket']]);
  });

  it('is described in rules/README.md: every reported rule by id and title, every base rule by name and id', () => {
    const readme = readFileSync(join(OWN_PACK_DIR, 'README.md'), 'utf8');
    const reported = new Set(reportedRules(docs));
    for (const d of docs) {
      expect(readme, label(d)).toContain(String(d.doc.id));
      if (reported.has(d)) expect(readme, label(d)).toContain(String(d.doc.title));
      else expect(readme, label(d)).toContain(`\`${String(d.doc.name)}\``);
    }
    expect(readme).toContain('new_value');
    expect(readme).toMatch(/ASN/);
  });
});

describe("irbook's own rule pack, read by lib/detections", () => {
  it('is where ownPackDir() says, loads without problems and compiles on both targets', async () => {
    expect(ownPackDir()).toBe(OWN_PACK_DIR);
    const set = await loadRules([ownPackDir()]);
    expect(set.problems).toEqual([]);
    expect(set.rules.map((r) => r.id).sort()).toEqual(docs.map((d) => String(d.doc.id)).sort());
    for (const target of ['cloudtrail', 'ocsf'] as const) {
      const compiled = compileRules(set, target);
      expect(compiled.problems, target).toEqual([]);
      expect(compiled.compiled.length + compiled.correlations.length, target).toBe(docs.length);
    }
  });

  it('reads each correlation as written: type, rules, group-by, timespan, condition, new_value field and lookback', async () => {
    const set = await loadRules([ownPackDir()]);
    for (const d of correlations) {
      const corr = correlationOf(d.doc)!;
      const rule = set.rules.find((r): r is SigmaCorrelation => r.kind === 'correlation' && r.id === d.doc.id);
      expect(rule, label(d)).toBeDefined();
      const seconds = Number(/^(\d+)/.exec(String(corr.timespan))![1]) * { m: 60, h: 3600, d: 86400 }[String(corr.timespan).slice(-1) as 'm' | 'h' | 'd'];
      expect([rule!.type, rule!.rules, rule!.groupBy, rule!.timespanSeconds, rule!.generate]).toEqual([corr.type, corr.rules, corr['group-by'], seconds, false]);
      if (corr.type === 'event_count') expect(rule!.condition).toEqual({ op: 'gte', value: (corr.condition as { gte: number }).gte });
      if (corr.type === 'new_value') expect([rule!.valueField, rule!.lookbackSeconds]).toEqual([corr.field, seconds]);
    }
  });
});

describe.runIf(SIGMA_REFERENCE_RULES !== undefined)('beside SigmaHQ', () => {
  it('shares no id and no title with a SigmaHQ CloudTrail rule', () => {
    const reference = readRuleDocs(SIGMA_REFERENCE_RULES!);
    expect(reference.length).toBe(57);
    const theirs = new Set(reference.flatMap((d) => [d.doc.id, d.doc.title]));
    for (const d of docs) {
      expect(theirs.has(d.doc.id), label(d)).toBe(false);
      expect(theirs.has(d.doc.title), label(d)).toBe(false);
    }
  });
});

describe('the pack in the published package', () => {
  it("is among package.json's files, so detect() finds it after npm install", () => {
    const root = join(__dirname, '..', '..');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    const folder = ownPackDir().slice(root.length + 1).split(/[\\/]/)[0];
    expect(pkg.files).toContain(folder);
  });
});
