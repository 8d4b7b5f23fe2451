// The own pack and SigmaHQ's rules run by detect() over a generated sample, on the CloudTrail
// table and on the lake's OCSF tables: what fires is what the manifest's ground truth says,
// and nothing the background does fires the own pack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../../lib/detections/detect';
import type { Detections } from '../../lib/detections/detections';
import type { DetectionTarget } from '../../lib/detections/types';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';
import { OWN_PACK_DIR, readRuleDocs, reportedRules } from '../support/rule-files';
import { readSample } from '../support/sample-reader';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';

const { path: dir, cleanup } = tempDir('irbook-pack-sample-');
let manifest: SampleManifest;
let engine: LocalEngine;
/** eventIDs of the intruders' calls: their principals from their addresses, per the manifest. */
let intruderEvents: Set<string>;
let allEvents: Set<string>;
/** The intruders' last call, ISO time. */
let intrudersLast: string;
const TARGETS: readonly DetectionTarget[] = ['cloudtrail', 'ocsf'];

beforeAll(async () => {
  manifest = await generateSample({ out: dir, events: 20_000, seed: 1 });
  const { credentialCompromise: cc, s3DataAccess: s3 } = manifest.stories;
  const intruders = [cc, cc.stolenRoleSession, s3, s3.followOn].map((a) => [a.principalArn, new Set(a.sourceIps)] as const);
  const records = readSample(dir).flatMap((f) => f.records);
  allEvents = new Set(records.map((r) => r.eventID));
  intruderEvents = new Set(
    records
      .filter((r) => intruders.some(([arn, ips]) => r.userIdentity.arn === arn && ips.has(r.sourceIPAddress)))
      .map((r) => r.eventID),
  );
  intrudersLast = records.filter((r) => intruderEvents.has(r.eventID)).reduce((t, r) => (r.eventTime > t ? r.eventTime : t), '');
  engine = await LocalEngine.open({ logs: dir, cache: false });
}, 240_000);

afterAll(async () => {
  await engine?.close();
  cleanup();
});

/** Event ids of each rule's hits. */
function hitsByRule(found: Detections): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const h of found.hits.toRecords()) {
    const id = String(h.rule_id);
    const ids = out.get(id) ?? new Set<string>();
    ids.add(String(h.event_id));
    out.set(id, ids);
  }
  return out;
}

const window = () => ({ start: manifest.detectionWindow.start, end: manifest.detectionWindow.end });

describe.each(TARGETS)("irbook's pack over the sample (%s)", (target) => {
  it("fires every rule of the pack, on the manifest's events, and on the intruders' events only", async () => {
    const found = await detect({ engine, target, window: window() });
    expect(found.problems).toEqual([]);
    const hits = hitsByRule(found);
    const own = reportedRules(readRuleDocs(OWN_PACK_DIR)).map((d) => String(d.doc.id));
    expect([...hits.keys()].sort()).toEqual([...own].sort());
    for (const d of manifest.detections.filter((x) => x.pack === 'irbook')) {
      const missing = d.eventIds.filter((id) => !hits.get(d.id)?.has(id));
      expect(missing, d.title).toEqual([]);
    }
    for (const [id, events] of hits) {
      const background = [...events].filter((e) => !intruderEvents.has(e));
      expect(background, id).toEqual([]);
    }
  });

  it('fires nothing over the month before the intrusion, the month as a whole or the days after it, but the intruders', async () => {
    const { period } = manifest;
    const after = new Date(Date.parse(intrudersLast.slice(0, 10)) + 86_400_000).toISOString();
    for (const w of [
      { start: period.start, end: manifest.detectionWindow.start },
      { start: period.start, end: period.end },
      { start: after, end: period.end },
    ]) {
      const found = await detect({ engine, target, window: w });
      for (const [id, events] of hitsByRule(found)) {
        expect([...events].filter((e) => !intruderEvents.has(e)), `${id} over ${w.start}..${w.end}`).toEqual([]);
      }
      if (w.start === after) expect(found.rowCount, `rules fired after ${after}`).toBe(0);
    }
  });
});

describe.runIf(SIGMA_REFERENCE_RULES !== undefined)("SigmaHQ's CloudTrail rules over the sample", () => {
  it.each(TARGETS)('%s: at least eight fire on the intruders, among them every rule the manifest lists, on its events', async (target) => {
    const found = await detect({ engine, target, rules: SIGMA_REFERENCE_RULES!, window: window() });
    const hits = hitsByRule(found);
    for (const events of hits.values()) for (const e of events) expect(allEvents).toContain(e);
    const onIntruders = [...hits].filter(([, events]) => [...events].some((e) => intruderEvents.has(e))).map(([id]) => id);
    expect(onIntruders.length).toBeGreaterThanOrEqual(8);
    const listed = manifest.detections.filter((d) => d.pack === 'sigmahq');
    expect(onIntruders).toEqual(expect.arrayContaining(listed.map((d) => d.id)));
    for (const d of listed) {
      const missing = d.eventIds.filter((id) => !hits.get(d.id)?.has(id));
      expect(missing, d.title).toEqual([]);
    }
  });
});
