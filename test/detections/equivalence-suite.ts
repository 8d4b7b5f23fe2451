/**
 * The equivalence tests for one log set: for each pack and target, every compiled rule's hits
 * from the local engine equal the independent evaluator's over the parsed records of the
 * same files. One engine serves both targets (the OCSF tables derived from the CloudTrail files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRules, DetectionTarget } from '../../lib/detections/types';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import {
  compilePack,
  describeDifference,
  engineHits,
  evaluatorHits,
  inOcsfTables,
  ruleKey,
  tableCounts,
  type Pack,
} from './equivalence';
import type { JsonRecord } from './evaluator';

export const TARGETS: readonly DetectionTarget[] = ['cloudtrail', 'ocsf'];

/** A log folder and its records, parsed from the files by the test. */
export interface LogSet {
  readonly logs: string;
  readonly records: readonly JsonRecord[];
  readonly cleanup: () => void;
}

/** What a suite compared, for the run's summary line. */
const tally = { rules: new Map<string, number>(), hits: new Map<string, number>() };

/** Defines the tests for one log set and the packs to run over it; gives the log set once opened (in tests). */
export function defineEquivalence(logSetName: string, packs: readonly Pack[], open: () => Promise<LogSet>): () => LogSet {
  const compiled = new Map<string, CompiledRules>();
  for (const pack of packs) for (const target of TARGETS) compiled.set(`${pack.name}/${target}`, compilePack(pack, target));

  let logSet: LogSet;
  let engine: LocalEngine;
  let byId: Map<string, JsonRecord>;
  const fromEngine = new Map<string, Set<string>[]>();

  beforeAll(async () => {
    logSet = await open();
    byId = new Map(logSet.records.map((r) => [String(r.eventID), r]));
    engine = await LocalEngine.open({ logs: logSet.logs, ocsfSource: 'cloudtrail' });
    for (const pack of packs) {
      for (const target of TARGETS) {
        const key = `${pack.name}/${target}`;
        fromEngine.set(key, await engineHits(engine, compiled.get(key)!.compiled, target));
      }
    }
  });

  afterAll(async () => {
    await engine?.close();
    logSet?.cleanup();
    const line = TARGETS.map((t) => `${t}: ${tally.rules.get(t) ?? 0} rule runs, ${tally.hits.get(t) ?? 0} hits`).join('; ');
    console.log(`equivalence on ${logSetName}: ${line}`);
  });

  describe.each(TARGETS)(`on the ${logSetName}, target %s`, (target) => {
    it('the tables hold each record of the files once (the ground both sides stand on)', async () => {
      const ids = new Set(logSet.records.map((r) => String(r.eventID)));
      expect(ids.size).toBe(logSet.records.length);
      const expected = target === 'cloudtrail' ? logSet.records.length : logSet.records.filter(inOcsfTables).length;
      expect(await tableCounts(engine, target)).toEqual({ rows: expected, ids: expected });
    });

    for (const pack of packs) {
      const result = compiled.get(`${pack.name}/${target}`)!;
      describe(`${pack.name} rules`, () => {
        it('every detection rule is compiled or reported with a reason', () => {
          const done = new Set([...result.compiled.map((c) => ruleKey(c.rule)), ...result.problems.map((p) => ruleKey(p))]);
          const detections = pack.ruleSet.rules.filter((r) => r.kind === 'detection');
          expect(detections.filter((r) => !done.has(ruleKey(r))).map((r) => r.title)).toEqual([]);
          for (const problem of result.problems) expect(problem.reason.trim(), problem.title).not.toBe('');
        });

        it.runIf(result.compiled.length > 0).each(result.compiled.map((c, i) => ({ title: c.rule.title, i })))('$title', ({ i }) => {
          const rule = result.compiled[i]!.rule;
          const reason = pack.evaluatorUnsupported.get(ruleKey(rule));
          expect(reason, `compiled, but the evaluator cannot check it: ${reason}`).toBeUndefined();
          const evaluator = pack.evaluator.get(ruleKey(rule));
          if (!evaluator) throw new Error(`the evaluator did not read ${rule.title} (${rule.source})`);
          const expected = evaluatorHits(evaluator, logSet.records, target);
          const actual = fromEngine.get(`${pack.name}/${target}`)![i]!;
          tally.rules.set(target, (tally.rules.get(target) ?? 0) + 1);
          tally.hits.set(target, (tally.hits.get(target) ?? 0) + expected.size);
          if (actual.size !== expected.size || [...expected].some((id) => !actual.has(id))) {
            expect({ rule: rule.title, ...describeDifference(expected, actual, byId) }).toEqual({ rule: rule.title, missing: [], extra: [] });
          }
        });
      });
    }
  });
  return () => logSet;
}
