/**
 * What a playbook's triage section (the cells `triage-run`, `triage-rules`, `triage-chart`)
 * must show on a generated sample, from the manifest's ground truth: every rule of irbook's
 * pack that the stories fire, with its attribution, for the principals whose events the
 * ground truth names. The principals are read from the sample's own records, not from the
 * detections.
 */

import { expect } from 'vitest';
import { loadRules, ownPackDir } from '../../lib/detections';
import type { ExpectedDetection, SampleManifest } from '../../lib/sample';
import { htmlTable, type ExecutedNotebook } from './notebook-outputs';
import { readSample } from './sample-reader';

/** What the checks need of one event of the sample: its time, and its entity as the playbooks name one. */
export interface SampleEvent {
  readonly time: string;
  /** A session's role, else the caller's ARN. */
  readonly entity: string | undefined;
}

/** Every event of a sample by its eventID, read from the log files. */
export function sampleEvents(sampleDir: string): Map<string, SampleEvent> {
  const out = new Map<string, SampleEvent>();
  for (const file of readSample(sampleDir)) {
    for (const r of file.records) {
      out.set(r.eventID, { time: r.eventTime, entity: r.userIdentity.sessionContext?.sessionIssuer?.arn ?? r.userIdentity.arn });
    }
  }
  return out;
}

/** Which rules the triage ran, and over which window. */
export interface TriageRun {
  /** The pack whose ground truth applies: irbook's (the default) or SigmaHQ's (`rules` set to it). */
  readonly pack: ExpectedDetection['pack'];
  /** The folder the rules were read from, for their authors. */
  readonly rulesDir: string;
  /** The window; a rule is expected when all its ground-truth events are in it. */
  readonly window: { readonly start: string; readonly end: string };
}

const OWN_PACK_WHOLE_SAMPLE = (manifest: SampleManifest): TriageRun => ({ pack: 'irbook', rulesDir: ownPackDir(), window: manifest.period });

/** The rows of the triage's tables, for further checks (the suspect taken from `firedBy`). */
export interface TriageShown {
  readonly firedBy: Record<string, string>[];
  readonly rules: Record<string, string>[];
}

const jsonList = (text: string | undefined): string[] => JSON.parse(text ?? '[]') as string[];

/**
 * Checks the triage section of an executed playbook against the ground truth: each rule of
 * the pack in `manifest.detections` whose events are in the window fired, with at least those
 * events, its author and id shown (DRL 1.1), for the principals those events belong to; no
 * rule of irbook's pack was left out with a problem; the hits over time are charted. By
 * default: irbook's pack over the whole sample.
 */
export async function expectTriage(nb: ExecutedNotebook, manifest: SampleManifest, events: ReadonlyMap<string, SampleEvent>, run: TriageRun = OWN_PACK_WHOLE_SAMPLE(manifest)): Promise<TriageShown> {
  const inWindow = (id: string) => {
    const time = events.get(id)?.time;
    return time !== undefined && Date.parse(time) >= Date.parse(run.window.start) && Date.parse(time) < Date.parse(run.window.end);
  };
  const expected = manifest.detections.filter((d) => d.pack === run.pack && d.eventIds.every(inWindow));
  expect(expected.length).toBeGreaterThan(0);
  const authors = new Map((await loadRules([run.rulesDir])).rules.map((r) => [r.id, r.author ?? '']));
  const firedBy = htmlTable(nb.shown('triage-run'));
  const rules = htmlTable(nb.shown('triage-rules'));
  const shownRules = nb.shown('triage-rules');
  for (const d of expected) {
    const row = rules.find((r) => r.rule_id === d.id);
    expect(row, d.title).toBeDefined();
    expect(row!.title).toBe(d.title);
    expect(authors.get(d.id), `${d.title}: the rule names its author`).toMatch(/\S/);
    expect(row!.author, d.title).toBe(authors.get(d.id));
    expect(Number(row!.hits), d.title).toBeGreaterThanOrEqual(new Set(d.eventIds).size);
    expect(shownRules, d.title).toContain(`${d.title} — by ${authors.get(d.id)}, id ${d.id}`);
    const principals = [...new Set(d.eventIds.map((id) => events.get(id)?.entity))];
    expect(principals.every((p) => p !== undefined), `${d.title}: events of the ground truth not in the sample`).toBe(true);
    for (const principal of principals as string[]) {
      expect(jsonList(row!.principals), d.title).toContain(principal);
      const by = firedBy.find((r) => r.entity === principal);
      expect(by, `${principal} in the triage by principal`).toBeDefined();
      expect(jsonList(by!.rules), principal).toContain(d.title);
    }
  }
  if (run.pack === 'irbook') expect(shownRules).not.toContain('could not be run');
  const charts = nb.outputs('triage-chart').filter((o) => o.data?.['application/vnd.vegalite.v5+json'] !== undefined);
  expect(charts).toHaveLength(1);
  expect(String(charts[0]!.data!['image/svg+xml'])).toMatch(/^<svg[\s\S]*<\/svg>$/);
  return { firedBy, rules };
}
