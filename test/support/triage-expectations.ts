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

/** The entity each event of the sample belongs to, as the playbooks name one: a session's role, else the caller's ARN. */
export function entitiesByEventId(sampleDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readSample(sampleDir)) {
    for (const r of file.records) {
      const entity = r.userIdentity.sessionContext?.sessionIssuer?.arn ?? r.userIdentity.arn;
      if (entity !== undefined) out.set(r.eventID, entity);
    }
  }
  return out;
}

/** The rows of the triage's tables, for further checks (the suspect taken from `firedBy`). */
export interface TriageShown {
  readonly firedBy: Record<string, string>[];
  readonly rules: Record<string, string>[];
}

const jsonList = (text: string | undefined): string[] => JSON.parse(text ?? '[]') as string[];

/**
 * Checks the triage section of an executed playbook against the ground truth: each rule of
 * irbook's pack in `manifest.detections` fired, with at least the events the ground truth
 * names, its author and id shown (DRL 1.1), for the principals those events belong to; no rule
 * of the pack was left out with a problem; the hits over time are charted.
 */
export async function expectTriage(nb: ExecutedNotebook, manifest: SampleManifest, entities: ReadonlyMap<string, string>): Promise<TriageShown> {
  const expected: readonly ExpectedDetection[] = manifest.detections.filter((d) => d.pack === 'irbook');
  expect(expected.length).toBeGreaterThan(0);
  const authors = new Map((await loadRules([ownPackDir()])).rules.map((r) => [r.id, r.author ?? '']));
  const firedBy = htmlTable(nb.shown('triage-run'));
  const rules = htmlTable(nb.shown('triage-rules'));
  const shownRules = nb.shown('triage-rules');
  for (const d of expected) {
    const row = rules.find((r) => r.rule_id === d.id);
    expect(row, d.title).toBeDefined();
    expect(row!.title).toBe(d.title);
    expect(row!.author, d.title).toBe(authors.get(d.id));
    expect(Number(row!.hits), d.title).toBeGreaterThanOrEqual(new Set(d.eventIds).size);
    expect(shownRules, d.title).toContain(`${d.title} — by ${authors.get(d.id)}, id ${d.id}`);
    const principals = [...new Set(d.eventIds.map((id) => entities.get(id)))];
    expect(principals.every((p) => p !== undefined), `${d.title}: events of the ground truth not in the sample`).toBe(true);
    for (const principal of principals as string[]) {
      expect(jsonList(row!.principals), d.title).toContain(principal);
      const by = firedBy.find((r) => r.entity === principal);
      expect(by, `${principal} in the triage by principal`).toBeDefined();
      expect(jsonList(by!.rules), principal).toContain(d.title);
    }
  }
  expect(shownRules).not.toContain('could not be run');
  const charts = nb.outputs('triage-chart').filter((o) => o.data?.['application/vnd.vegalite.v5+json'] !== undefined);
  expect(charts).toHaveLength(1);
  expect(String(charts[0]!.data!['image/svg+xml'])).toMatch(/^<svg[\s\S]*<\/svg>$/);
  return { firedBy, rules };
}
