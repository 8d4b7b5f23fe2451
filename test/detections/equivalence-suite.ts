/**
 * The equivalence tests for one log set: for each pack and target, every compiled rule's hits
 * from the local engine equal the independent evaluator's over the parsed records of the
 * same files. The OCSF tables are those the engine derives from the CloudTrail files, and,
 * when the log set has a Security Lake (the sample's, mapped by the same mapping), the lake's.
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
import type { EvaluatorRule, JsonRecord } from './evaluator';

export const TARGETS: readonly DetectionTarget[] = ['cloudtrail', 'ocsf'];

/** A log folder and its records, parsed from the files by the test. */
export interface LogSet {
  readonly logs: string;
  readonly records: readonly JsonRecord[];
  readonly cleanup: () => void;
}

/** Where a target's rows come from: the `cloudtrail` table, or the OCSF tables fed by CloudTrail or by the lake's Parquet. */
interface Run {
  readonly label: string;
  readonly target: DetectionTarget;
  readonly feed: 'cloudtrail' | 'lake';
}

const RUNS: readonly Run[] = [
  { label: 'cloudtrail', target: 'cloudtrail', feed: 'cloudtrail' },
  { label: 'ocsf', target: 'ocsf', feed: 'cloudtrail' },
];
const LAKE_RUN: Run = { label: 'ocsf from the lake', target: 'ocsf', feed: 'lake' };

/**
 * Defines the tests for one log set and the packs to run over it (`lake`: also over the OCSF
 * tables read from the log set's Security Lake); gives the log set once opened (in tests).
 */
export function defineEquivalence(
  logSetName: string,
  packs: readonly Pack[],
  open: () => Promise<LogSet>,
  options: { lake?: boolean } = {},
): () => LogSet {
  const runs = options.lake ? [...RUNS, LAKE_RUN] : RUNS;
  const compiled = new Map<string, CompiledRules>();
  for (const pack of packs) for (const target of TARGETS) compiled.set(`${pack.name}/${target}`, compilePack(pack, target));

  let logSet: LogSet;
  const engines = new Map<Run['feed'], LocalEngine>();
  let byId: Map<string, JsonRecord>;
  const fromEngine = new Map<string, Set<string>[]>();
  // The evaluator's hits over every record, once per rule; a target's are a subset of them.
  const evaluated = new Map<string, Set<string>>();
  let inOcsf: Set<string>;
  const expectedHits = (pack: Pack, rule: EvaluatorRule, target: DetectionTarget): Set<string> => {
    const key = `${pack.name}/${ruleKey(rule)}`;
    if (!evaluated.has(key)) evaluated.set(key, evaluatorHits(rule, logSet.records, 'cloudtrail'));
    const all = evaluated.get(key)!;
    return target === 'cloudtrail' ? all : new Set([...all].filter((id) => inOcsf.has(id)));
  };
  const tally = new Map<string, { rules: number; hits: number }>();

  beforeAll(async () => {
    logSet = await open();
    byId = new Map(logSet.records.map((r) => [String(r.eventID), r]));
    inOcsf = new Set(logSet.records.filter(inOcsfTables).map((r) => String(r.eventID)));
    for (const run of runs) {
      if (!engines.has(run.feed)) engines.set(run.feed, await LocalEngine.open({ logs: logSet.logs, ocsfSource: run.feed }));
      for (const pack of packs) {
        const rules = compiled.get(`${pack.name}/${run.target}`)!.compiled;
        fromEngine.set(`${pack.name}/${run.label}`, await engineHits(engines.get(run.feed)!, rules, run.target));
      }
    }
  });

  afterAll(async () => {
    for (const engine of engines.values()) await engine.close();
    logSet?.cleanup();
    const line = [...tally].map(([label, t]) => `${label}: ${t.rules} rules, ${t.hits} hits`).join('; ');
    console.log(`equivalence on the ${logSetName}: ${line}`);
  });

  describe.each(runs)(`on the ${logSetName}, target $label`, (run) => {
    it('the tables hold each record of the files once (the ground both sides stand on)', async () => {
      const ids = new Set(logSet.records.map((r) => String(r.eventID)));
      expect(ids.size).toBe(logSet.records.length);
      const expected = run.target === 'cloudtrail' ? logSet.records.length : logSet.records.filter(inOcsfTables).length;
      expect(await tableCounts(engines.get(run.feed)!, run.target)).toEqual({ rows: expected, ids: expected });
    });

    for (const pack of packs) {
      const result = compiled.get(`${pack.name}/${run.target}`)!;
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
          const expected = expectedHits(pack, evaluator, run.target);
          const actual = fromEngine.get(`${pack.name}/${run.label}`)![i]!;
          const counts = tally.get(run.label) ?? { rules: 0, hits: 0 };
          tally.set(run.label, { rules: counts.rules + 1, hits: counts.hits + expected.size });
          if (actual.size !== expected.size || [...expected].some((id) => !actual.has(id))) {
            expect({ rule: rule.title, ...describeDifference(expected, actual, byId) }).toEqual({ rule: rule.title, missing: [], extra: [] });
          }
        });
      });
    }
  });
  return () => logSet;
}
