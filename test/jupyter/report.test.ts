/** The report header's findings, from facts as the kernel records them. */
import { describe, expect, it } from 'vitest';
import { catalogNameOf, findings, reportHeader, withReportHeader } from '../../lib/jupyter/report';
import type { ReportFact } from '../../lib/jupyter/report-facts';
import * as cc from '../../lib/playbooks/credential-compromise';
import { timeWindow } from '../../lib/playbooks';
import { contextOf } from '../../lib/result/context';
import type { SqlFragment } from '../../lib/sql';

const window = timeWindow('2024-03-01', '2024-04-01');
const USER = 'arn:aws:iam::111122223333:user/ci-deployer';

function result(query: SqlFragment, records: Record<string, unknown>[]): ReportFact {
  const { text, params } = query.compile();
  return { kind: 'result', text, params, context: contextOf(query), rowCount: records.length, records };
}

const facts: ReportFact[] = [
  { kind: 'source', engine: 'local', description: 'local: 3 log files (1 KiB) under /logs; database security_analysis' },
  result(cc.topFailingEntities({ window }), [{ entity: USER, failures: 222, sourceips: 2 }]),
  { kind: 'suspect', suspect: USER, reason: `Suspect: ${USER} (the most authorization failures in 2.2)` },
  result(cc.accessKeysUsed({ window, entity: USER }), [{ accesskeyid: 'AKIAEXAMPLE', keytype: 'long-term (AKIA)', events: 10, sourceips: '10.0.0.1, 203.0.113.77' }]),
  result(cc.sourceIpsAndAgents({ window, entity: USER }), [
    { sourceipaddress: '203.0.113.77', network: 'external', useragent: 'aws-cli/2 kali', events: 9 },
    { sourceipaddress: '10.0.0.1', network: 'internal', useragent: 'aws-cli/2', events: 1 },
  ]),
  result(cc.iamChanges({ window, entity: USER }), [
    { eventname: 'CreateUser', target: 'backdoor', newaccesskeyid: null, errorcode: null },
    { eventname: 'CreateAccessKey', target: 'backdoor', newaccesskeyid: 'AKIANEW', errorcode: null },
    { eventname: 'DeleteTrail', target: null, newaccesskeyid: null, errorcode: 'AccessDenied' },
  ]),
];

describe('the report header', () => {
  it('recognises catalog queries by text and parameters, not an edited one', () => {
    expect(catalogNameOf(facts[1] as Extract<ReportFact, { kind: 'result' }>)).toBe('topFailingEntities');
    expect(catalogNameOf(facts[3] as Extract<ReportFact, { kind: 'result' }>)).toBe('accessKeysUsed');
    const edited = { ...(facts[3] as Extract<ReportFact, { kind: 'result' }>) };
    edited.text = edited.text.replace('count(*) AS events', 'count(1) AS events');
    expect(catalogNameOf(edited)).toBeUndefined();
  });

  it('summarises the suspect, top entities, keys, external addresses and IAM changes', () => {
    expect(findings(facts)).toEqual([
      { label: 'Suspect', text: `${USER} (the most authorization failures in 2.2)` },
      { label: 'Most authorization failures', text: `${USER} (222 failures from 2 addresses)` },
      { label: 'Access keys used', text: 'AKIAEXAMPLE (long-term (AKIA), 10 calls, from 10.0.0.1, 203.0.113.77)' },
      { label: 'External addresses', text: '203.0.113.77 (9 calls, aws-cli/2 kali)' },
      { label: 'IAM changes made', text: 'CreateUser backdoor; CreateAccessKey backdoor (new key AKIANEW)' },
      { label: 'IAM changes refused', text: 'DeleteTrail: AccessDenied' },
    ]);
  });

  it('goes into the HTML, escaped, with the title', () => {
    const header = reportHeader({
      title: 'IR <1>', analyst: 'Ann', notebook: 'playbook.ipynb', parameters: [{ name: 'suspect', value: '"<b>"' }],
      facts, irbookVersion: '9.9.9', startedAt: new Date('2024-03-19T10:00:00Z'), finishedAt: new Date('2024-03-19T10:02:00Z'),
      changedCells: ['cell 3 changed: "x"'],
    });
    expect(header).toContain('IR &lt;1&gt;');
    expect(header).toContain('suspect = &quot;&lt;b&gt;&quot;');
    expect(header).toContain('2024-03-19T10:00:00Z to 2024-03-19T10:02:00Z (UTC)');
    expect(header).toContain('2024-03-01 00:00 → 2024-04-01 00:00 UTC');
    expect(header).toContain('differs from git');
    const html = withReportHeader('<html><head><title>Notebook</title></head><body class="x"><p>cells</p></body></html>', 'IR <1>', header);
    expect(html).toMatch(/^<html><head><title>IR &lt;1&gt;<\/title><\/head><body class="x"><header[\s\S]*<\/header><p>cells<\/p>/);
  });
});
