/**
 * compileRule / compileRules: SigmaHQ's 57 CloudTrail rules on both targets (when the
 * workplace has them), values only as bound parameters, Athena's placeholder rules, problems
 * that name the rule and the reason, and correlations checked against the rules they name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRule, compileRules } from '../../lib/detections/compile';
import { RuleCompileError } from '../../lib/detections/errors';
import { loadRules } from '../../lib/detections/load';
import { parseRules } from '../../lib/detections/rules-file';
import type { CompiledRule, RuleSet, SigmaRule } from '../../lib/detections/types';
import { checkAthenaRules } from '../../lib/engines/athena/placeholders';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { CLOUDTRAIL_FIELDS } from '../../lib/sources/cloudtrail-schema';
import { sql } from '../../lib/sql';
import { deliveryFile, deliveryPath, makeEvent, writeFile } from '../support/cloudtrail-fixtures';
import { engineScratch } from '../support/engine-scratch';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import { idsWhere, oneTest, ruleWith, TARGETS } from './support';

/** Every scalar value a detection section holds, with the modifiers of its field. */
function detectionValues(detection: Readonly<Record<string, unknown>>): { spec: string; value: string }[] {
  const found: { spec: string; value: string }[] = [];
  const visitMap = (map: Record<string, unknown>) => {
    for (const [spec, value] of Object.entries(map)) {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') found.push({ spec, value: v });
    }
  };
  for (const [name, search] of Object.entries(detection)) {
    if (name === 'condition') continue;
    for (const item of Array.isArray(search) ? search : [search]) visitMap(item as Record<string, unknown>);
  }
  return found;
}

/** A value's characters as a parameter holds them: wildcards and their escapes removed. */
const literalRuns = (value: string) => value.replace(/\\([*?\\])/g, '$1').split(/[*?]/).filter((run) => run !== '');

describe.skipIf(SIGMA_REFERENCE_RULES === undefined)('SigmaHQ CloudTrail rules', () => {
  let reference: RuleSet;
  beforeAll(async () => {
    reference = await loadRules([SIGMA_REFERENCE_RULES!]);
  });

  it('are all read, with their attribution', () => {
    expect(reference.problems).toEqual([]);
    expect(reference.rules).toHaveLength(57);
    for (const rule of reference.rules) {
      expect(rule.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(rule.author).toBeTruthy();
    }
  });

  it.each(TARGETS)('all 57 compile for %s (a problem would name a field CloudTrail does not have)', (target) => {
    const compiled = compileRules(reference, target);
    expect(compiled.compiled.length + compiled.problems.length).toBe(57);
    expect(compiled.problems).toEqual([]);
    const topLevel = new Set(CLOUDTRAIL_FIELDS.map((f) => f.key.toLowerCase()));
    for (const problem of compiled.problems) {
      const rule = reference.rules.find((r) => r.id === problem.id) as SigmaRule;
      const fields = detectionValues(rule.detection).map(({ spec }) => spec.split('|')[0]!);
      const foreign = fields.filter((field) => !topLevel.has(field.split('.')[0]!.toLowerCase()));
      expect(foreign.length).toBeGreaterThan(0);
      expect(problem.reason).toContain(`"${foreign[0]}"`);
      expect(problem.title).toBe(rule.title);
    }
    // Reported for the issue's notes: how many compile on each target.
    console.info(`${target}: ${compiled.compiled.length} of 57 compile; problems: ${compiled.problems.map((p) => `${p.title}: ${p.reason}`).join('; ')}`);
  });

  it.each(TARGETS)('on %s, put no rule value in the SQL text, only in the parameters, as Athena allows', (target) => {
    for (const { rule, where } of compileRules(reference, target).compiled) {
      const { text, params } = sql`SELECT 1 FROM t WHERE ${where}`.compile();
      expect(() => checkAthenaRules({ text, params })).not.toThrow();
      // A pasted value would be a string literal; those the SQL has are field names (JSON
      // paths, unmapped keys) and its own vocabulary.
      const literals = (text.replace(/'\$[^']*'/g, '').replace(/element_at\(unmapped, '[^']*'\)/g, '').match(/'(?:[^']|'')*'/g) ?? []).join(' ');
      for (const { spec, value } of detectionValues(rule.detection)) {
        if (spec.includes('|fieldref')) continue;
        for (const run of literalRuns(value)) {
          expect(literals, `${rule.title}: ${value}`).not.toContain(run);
          // LIKE patterns escape % _ and \ with a backslash.
          const bound = params.map((p) => (typeof p === 'string' ? p.replace(/\\([%_\\])/g, '$1') : ''));
          expect(bound.some((p) => p.includes(run)), `${rule.title}: ${value}`).toBe(true);
        }
      }
    }
  });

  describe('run on the local engine', () => {
    const { logsFolder } = engineScratch();
    let engine: LocalEngine;
    beforeAll(async () => {
      const logs = logsFolder();
      const events = Array.from({ length: 30 }, (_, i) => makeEvent(i, i % 2 === 0 ? { eventCategory: 'Management', eventSource: 'iam.amazonaws.com' } : {}));
      writeFile(deliveryPath(logs, '111122223333', 'us-east-1', '2024-03-12', 1), deliveryFile(events));
      engine = await LocalEngine.open({ logs, cache: false });
    });
    afterAll(async () => {
      await engine?.close();
    });

    it.each(TARGETS)('every compiled rule is a query the engine accepts on %s', async (target) => {
      const compiled = compileRules(reference, target).compiled;
      for (const rule of compiled) await expect(idsWhere(engine, target, rule.where), rule.rule.title).resolves.toBeDefined();
    });
  });
});

describe('problems', () => {
  it('compileRule throws RuleCompileError with the rule and the reason', () => {
    const rule = oneTest('eventName|windash', 'x');
    const error = (() => {
      try {
        compileRule(rule, 'cloudtrail');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RuleCompileError);
    expect(error).toMatchObject({ title: rule.title, id: rule.id, source: rule.source, reason: expect.stringMatching(/"windash"/) });
  });

  it.each([
    [oneTest('eventName|frobnicate', 'x'), /unknown modifier "frobnicate"/],
    [oneTest('eventName|base64offset', 'x'), /"base64offset" is not supported/],
    [oneTest('eventName|contains|startswith', 'x'), /only one of/],
    [oneTest('eventName|re|cidr', 'x'), /re and cidr/],
    [oneTest('eventName|i', 'x'), /flags of "re"/],
    [oneTest('eventName|re', 'Get(?!Object)'), /look-around/],
    [oneTest('eventName|re', '(a)\\1'), /back-references/],
    [oneTest('sourceIPAddress|cidr', '10.0.0.0/33'), /not an IPv4 or IPv6 CIDR/],
    [oneTest('sourceIPAddress|cidr', '2001:db8:::/32'), /not an IPv4 or IPv6 CIDR/],
    [oneTest('errorCode|exists', 'yes'), /takes true or false/],
    [oneTest('eventName', []), /list of values is empty/],
    [oneTest('eventName', { a: 1 }), /must be a string/],
    [oneTest('requestParameters.count|gt', 'x'), /takes a number/],
    [oneTest('eventName', 'x'.repeat(1023)), /1024/],
    [oneTest('eventName', "'".repeat(600)), /1024/],
    [ruleWith({ keywords: ['evil'], condition: 'keywords' }), /keyword search/],
    [ruleWith({ selection: { eventName: 'x' }, condition: 'selection and filter' }), /"filter"/],
    [ruleWith({ selection: { eventName: 'x' } }), /no condition/],
    [ruleWith({ selection: { eventName: 'x' }, timeframe: '5m', condition: 'selection' }), /timeframe/],
    [{ ...oneTest('eventName', 'x'), logsource: { product: 'windows' } }, /windows/],
  ] as const)('%# is a problem naming the reason', (rule, reason) => {
    for (const target of TARGETS) {
      const { compiled, problems } = compileRules({ rules: [rule as SigmaRule], problems: [] }, target);
      expect(compiled).toEqual([]);
      expect(problems).toEqual([{ title: rule.title, id: rule.id, source: rule.source, reason: expect.stringMatching(reason) }]);
    }
  });

  it('takes a value of exactly the length Athena accepts as a parameter (1024 as a literal)', () => {
    expect(compileRule(oneTest('eventName', 'x'.repeat(1022)), 'cloudtrail').where.compile().params).toEqual(['x'.repeat(1022)]);
  });

  it('keeps the rule set’s own problems first, and compiles the rest', () => {
    const set: RuleSet = { rules: [oneTest('eventName', 'x'), oneTest('nosuch', 'x')], problems: [{ title: 'f.yml', id: undefined, source: 'f.yml', reason: 'YAML' }] };
    const result = compileRules(set, 'cloudtrail');
    expect(result.compiled.map((c: CompiledRule) => c.rule)).toEqual([set.rules[0]]);
    expect(result.problems.map((p) => p.reason)).toEqual(['YAML', expect.stringMatching(/"nosuch"/)]);
  });
});

describe('correlations', () => {
  const text = `title: Denied
id: d-1
name: denied
logsource: {product: aws, service: cloudtrail}
detection: {selection: {errorCode: AccessDenied}, condition: selection}
---
title: Broken
id: b-1
name: broken
logsource: {product: aws, service: cloudtrail}
detection: {selection: {nosuch: x}, condition: selection}
---
title: Burst
id: c-1
correlation: {type: event_count, rules: [denied], group-by: [userIdentity.arn], timespan: 5m, condition: {gte: 20}}
---
title: By id
id: c-2
correlation: {type: value_count, rules: [d-1], group-by: [userIdentity.arn], timespan: 5m, condition: {field: eventName, gte: 3}}
---
title: Missing
id: c-3
correlation: {type: event_count, rules: [nobody], timespan: 5m, condition: {gte: 2}}
---
title: On broken
id: c-4
correlation: {type: event_count, rules: [broken], timespan: 5m, condition: {gte: 2}}
---
title: Odd group
id: c-5
correlation: {type: event_count, rules: [denied], group-by: [additionalEventData], timespan: 5m, condition: {gte: 2}}
---
title: New IP
id: c-6
correlation: {type: new_value, rules: [denied], group-by: [userIdentity.arn], field: nosuch, timespan: 14d}
`;

  it('passes through those whose rules exist and whose fields map, and reports the others', () => {
    const set = parseRules(text, 'c.yml');
    expect(set.problems).toEqual([]);
    const cloudtrail = compileRules(set, 'cloudtrail');
    expect(cloudtrail.correlations.map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-5']);
    const reasons = Object.fromEntries(cloudtrail.problems.map((p) => [p.id, p.reason]));
    expect(reasons['b-1']).toMatch(/"nosuch"/);
    expect(reasons['c-3']).toMatch(/"nobody"/);
    expect(reasons['c-4']).toMatch(/"Broken" \(b-1\)/);
    expect(reasons['c-6']).toMatch(/"nosuch"/);
    // OCSF keeps additionalEventData only member by member.
    const ocsf = compileRules(set, 'ocsf');
    expect(ocsf.correlations.map((c) => c.id)).toEqual(['c-1', 'c-2']);
    expect(ocsf.problems.find((p) => p.id === 'c-5')?.reason).toMatch(/additionalEventData/);
  });
});
