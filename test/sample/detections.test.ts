// The manifest's detections ground truth against the records written and the rules' own text:
// the listed events exist, are the intruders', are what each rule looks for, and (for the own
// pack's correlations) make up a hit by the rule's semantics, computed here from the records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { tempDir } from '../support/cloudtrail-fixtures';
import { readSample, type ParsedRecord } from '../support/sample-reader';
import { SIGMA_REFERENCE_RULES } from '../support/shared-reference';
import { detectionPredicate, type JsonRecord } from '../detections/evaluator';
import {
  OWN_PACK_DIR,
  baseRulesOf,
  correlationOf,
  readRuleDocs,
  reportedRules,
  valuesOfField,
  type RuleDoc,
} from '../support/rule-files';

const { path: dir, cleanup } = tempDir('irbook-sample-detections-');
let manifest: SampleManifest;
let records: ParsedRecord[];
let byId: Map<string, ParsedRecord>;
const own = readRuleDocs(OWN_PACK_DIR);
const reference = SIGMA_REFERENCE_RULES ? readRuleDocs(SIGMA_REFERENCE_RULES) : [];

beforeAll(async () => {
  manifest = await generateSample({ out: dir, events: 8000, seed: 3, lake: false });
  records = readSample(dir).flatMap((f) => f.records);
  byId = new Map(records.map((r) => [r.eventID, r]));
});

afterAll(cleanup);

const expected = (id: string) => {
  const found = manifest.detections.find((d) => d.id === id);
  if (!found) throw new Error(`the manifest lists no detection ${id}`);
  return found;
};
const eventsOf = (id: string) => expected(id).eventIds.map((e) => byId.get(e)!);
const seconds = (r: ParsedRecord) => Date.parse(r.eventTime) / 1000;
/** The detection rules a document stands for: itself, or a correlation's base rules. */
const detectionDocs = (d: RuleDoc, docs: readonly RuleDoc[]) => {
  const corr = correlationOf(d.doc);
  return corr ? baseRulesOf(corr, docs) : [d];
};
const ownDoc = (id: string) => own.find((d) => d.doc.id === id)!;
const correlation = (id: string) => correlationOf(ownDoc(id).doc)!;
const timespanSeconds = (text: unknown) => {
  const m = /^(\d+)([smhd])$/.exec(String(text))!;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
};

describe('the manifest lists', () => {
  it("every rule of irbook's pack that reports, once, with its title", () => {
    const listed = manifest.detections.filter((d) => d.pack === 'irbook');
    const reported = reportedRules(own);
    expect(listed.map((d) => d.id).sort()).toEqual(reported.map((d) => String(d.doc.id)).sort());
    for (const d of listed) expect(d.title).toBe(ownDoc(d.id).doc.title);
  });

  it('at least eight SigmaHQ rules, each once', () => {
    const ids = manifest.detections.filter((d) => d.pack === 'sigmahq').map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(8);
  });

  it.runIf(SIGMA_REFERENCE_RULES !== undefined)('SigmaHQ rules by their own id and title', () => {
    for (const d of manifest.detections.filter((x) => x.pack === 'sigmahq')) {
      const rule = reference.find((r) => r.doc.id === d.id);
      expect(rule?.doc.title, d.id).toBe(d.title);
    }
  });

  it('for each rule, events that exist, once, and belong to the intruders', () => {
    const cc = manifest.stories.credentialCompromise;
    const s3 = manifest.stories.s3DataAccess;
    const intruders = new Map<string, readonly string[]>([
      [cc.principalArn, cc.sourceIps],
      [cc.stolenRoleSession.principalArn, cc.stolenRoleSession.sourceIps],
      [s3.principalArn, s3.sourceIps],
      [s3.followOn.principalArn, s3.followOn.sourceIps],
    ]);
    const counts = new Map<string, number>();
    for (const r of records) counts.set(r.eventID, (counts.get(r.eventID) ?? 0) + 1);
    for (const d of manifest.detections) {
      expect(d.eventIds.length, d.title).toBeGreaterThan(0);
      expect(['credentialCompromise', 's3DataAccess']).toContain(d.story);
      expect(d.step.length).toBeGreaterThan(10);
      for (const id of d.eventIds) {
        expect(counts.get(id), `${d.title}: ${id}`).toBe(1);
        const r = byId.get(id)!;
        expect(intruders.get(r.userIdentity.arn ?? '') ?? [], `${d.title}: ${id}`).toContain(r.sourceIPAddress);
      }
      const times = d.eventIds.map((id) => byId.get(id)!.eventTime);
      expect(times, d.title).toEqual([...times].sort());
    }
  });

  it('a window that holds every listed event and starts on a day boundary', () => {
    const { start, end } = manifest.detectionWindow;
    expect(start).toMatch(/^2024-03-\d\dT00:00:00Z$/);
    expect(end).toBe(manifest.period.end);
    const all = manifest.detections.flatMap((d) => d.eventIds.map((id) => byId.get(id)!.eventTime));
    const first = all.reduce((a, b) => (b < a ? b : a));
    expect(first.slice(0, 10)).toBe(start.slice(0, 10));
    expect(all.every((t) => t >= start && t < end)).toBe(true);
  });
});

describe('the listed events are what the rules look for', () => {
  /** Each listed detection with its rule's document; only a SigmaHQ rule may be missing, and only without the reference folder. */
  const listedWithRules = () => {
    const docs = [...own, ...reference];
    return manifest.detections.flatMap((d) => {
      const rule = docs.find((x) => x.doc.id === d.id);
      if (rule === undefined) expect([d.pack, SIGMA_REFERENCE_RULES], d.title).toEqual(['sigmahq', undefined]);
      return rule === undefined ? [] : [{ d, rule, docs }];
    });
  };

  it("eventName and eventSource among the values the rule (or a correlation's rules) names", () => {
    for (const { d, rule, docs } of listedWithRules()) {
      const detections = detectionDocs(rule, docs).map((b) => b.doc.detection);
      for (const field of ['eventName', 'eventSource'] as const) {
        const allowed = new Set(detections.flatMap((det) => valuesOfField(det, field)).map((v) => v.toLowerCase()));
        if (allowed.size === 0) continue;
        for (const r of eventsOf(d.id)) expect(allowed, `${d.title}: ${r[field]}`).toContain(r[field].toLowerCase());
      }
    }
  });

  it("each listed event matches the rule, or one of a correlation's rules, by the tests' own evaluator", () => {
    for (const { d, rule, docs } of listedWithRules()) {
      const predicates = detectionDocs(rule, docs).map((b) => detectionPredicate(b.doc.detection as Record<string, unknown>));
      for (const r of eventsOf(d.id)) {
        const record = r as unknown as JsonRecord;
        expect(predicates.some((p) => p(record)), `${d.title}: ${r.eventName} ${r.eventID}`).toBe(true);
      }
    }
  });

  it('the admin chain: one principal, CreateUser → AttachUserPolicy(AdministratorAccess) → CreateAccessKey within the timespan', () => {
    const id = '0ee37378-0b13-45b0-9aee-7c27a152949e';
    const rs = eventsOf(id);
    expect(rs.map((r) => r.eventName)).toEqual(['CreateUser', 'AttachUserPolicy', 'CreateAccessKey']);
    expect(new Set(rs.map((r) => r.userIdentity.arn)).size).toBe(1);
    expect(rs.every((r) => !r.errorCode)).toBe(true);
    expect(rs[1].requestParameters?.policyArn).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(seconds(rs[2]) - seconds(rs[0])).toBeLessThanOrEqual(timespanSeconds(correlation(id).timespan));
  });

  it('the burst: each listed refusal lies in a span of the timespan with at least the threshold of its principal\'s refusals', () => {
    const id = '139e216c-a019-4103-9807-5f752ea09e3c';
    const corr = correlation(id);
    const codes = new Set(baseRulesOf(corr, own).flatMap((b) => valuesOfField(b.doc.detection, 'errorCode')));
    const span = timespanSeconds(corr.timespan);
    const threshold = Number((corr.condition as { gte: number }).gte);
    const refusals = (arn: string) => records.filter((r) => r.userIdentity.arn === arn && codes.has(r.errorCode ?? '')).map(seconds);
    for (const r of eventsOf(id)) {
      expect(codes).toContain(r.errorCode);
      const times = refusals(r.userIdentity.arn!);
      const t = seconds(r);
      // Some span [s, s + timespan] holding t holds the threshold: try the spans starting at each refusal.
      const best = Math.max(...times.filter((s) => s <= t && t - s <= span).map((s) => times.filter((x) => x >= s && x - s <= span).length));
      expect(best, `${r.eventName} at ${r.eventTime}`).toBeGreaterThanOrEqual(threshold);
    }
  });

  it('read then deleted: every listed deletion follows a listed read of the same object by the same principal within the timespan', () => {
    const id = 'cf82075c-3c67-4119-a891-41ff5b74c147';
    const span = timespanSeconds(correlation(id).timespan);
    const rs = eventsOf(id);
    const object = (r: ParsedRecord) => `${r.userIdentity.arn}|${r.requestParameters?.bucketName}|${r.requestParameters?.key}`;
    const deletes = rs.filter((r) => r.eventName === 'DeleteObject');
    const reads = rs.filter((r) => r.eventName === 'GetObject');
    expect(deletes.length).toBeGreaterThan(0);
    expect(new Set(reads.map(object))).toEqual(new Set(deletes.map(object)));
    for (const del of deletes) {
      expect(reads.some((get) => object(get) === object(del) && seconds(get) <= seconds(del) && seconds(del) - seconds(get) <= span)).toBe(true);
    }
    // Keys deleted but never read are not listed.
    const s3 = manifest.stories.s3DataAccess;
    expect(deletes.map((r) => r.requestParameters?.key)).toEqual(s3.objectsDeleted.filter((k) => s3.objectsRead.includes(k)));
  });

  it('new address: each listed call is its principal\'s first from an address it did not use in the lookback, with history there', () => {
    const id = 'afb20256-92f4-4c9f-bb96-0bf243514131';
    const lookback = timespanSeconds(correlation(id).timespan);
    const rs = eventsOf(id);
    expect(rs.length).toBeGreaterThan(0);
    for (const r of rs) {
      const t = seconds(r);
      const before = records.filter((x) => x.userIdentity.arn === r.userIdentity.arn && seconds(x) < t && t - seconds(x) <= lookback);
      expect(before.length, r.userIdentity.arn).toBeGreaterThan(0);
      expect(before.some((x) => x.sourceIPAddress === r.sourceIPAddress)).toBe(false);
      // Run over the manifest's window, the principal is known from the lookback before it.
      const start = Date.parse(manifest.detectionWindow.start) / 1000;
      expect(t).toBeGreaterThanOrEqual(start);
      const history = records.filter((x) => x.userIdentity.arn === r.userIdentity.arn && seconds(x) < start && start - seconds(x) <= lookback);
      expect(history.length, r.userIdentity.arn).toBeGreaterThan(0);
      expect(history.some((x) => x.sourceIPAddress === r.sourceIPAddress)).toBe(false);
    }
  });

  it('console sign-in without MFA and the ransom-note bucket: the fields the rules test', () => {
    const [login] = eventsOf('740b17e7-7062-49d5-b80c-dbed87c20d30');
    expect([login.userIdentity.type, login.additionalEventData?.MFAUsed, login.responseElements?.ConsoleLogin]).toEqual(['IAMUser', 'No', 'Success']);
    const [bucket] = eventsOf('89045b06-ef55-4d16-a885-0ec9b2323fd4');
    const words = valuesOfField(ownDoc('89045b06-ef55-4d16-a885-0ec9b2323fd4').doc.detection, 'requestParameters.bucketName');
    expect(words.some((w) => String(bucket.requestParameters?.bucketName).toLowerCase().includes(w))).toBe(true);
    expect(bucket.requestParameters?.bucketName).toBe(manifest.stories.s3DataAccess.ransomBucket);
  });
});
