/**
 * detect() on the Athena engine, over the wire to the local Athena stand-in: many rules and a
 * correlation cost ONE StartQueryExecution (one scan of the window), the answer equals the
 * local engine's, and the cost (data scanned, estimate) is under the result.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '../../lib/engines/athena/athena-engine';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import { detect } from '../../lib/detections/detect';
import { AthenaStandIn } from '../support/athena-standin';
import { tempDir, writeFile, type Event } from '../support/cloudtrail-fixtures';
import { record, writeLogs } from './crafted';

const NAMES = ['CreateUser', 'ListUsers', 'CreateAccessKey', 'GetUser', 'AttachUserPolicy', 'DeleteTrail', 'StopLogging', 'PutBucketPolicy', 'ListRoles', 'GetCallerIdentity'];
const EVENTS: Event[] = Array.from({ length: 300 }, (_, i) =>
  record(`u${i % 7}`, new Date(Date.parse('2024-03-12T08:00:00Z') + i * 53_000).toISOString().replace('.000', ''), NAMES[i % NAMES.length]!, i % 4 === 0 ? { errorCode: 'AccessDenied' } : {}));

const rule = (n: number, name: string) => `title: Calls to ${name}
id: 00000000-0000-4000-8000-${String(n).padStart(12, '0')}
name: calls_${name}
author: Test Author
level: ${['low', 'medium', 'high'][n % 3]}
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: ${name}
  condition: selection
`;
const RULE_COUNT = NAMES.length + 1;

const scratch = tempDir();
let local: LocalEngine;
let standin: AthenaStandIn;
let athena: AthenaEngine;

beforeAll(async () => {
  writeLogs(join(scratch.path, 'logs'), EVENTS);
  NAMES.forEach((name, i) => writeFile(join(scratch.path, 'rules', `${name}.yml`), rule(i + 1, name)));
  writeFile(join(scratch.path, 'rules', 'denied.yml'), `${rule(99, 'Denied').replace('eventName: Denied', 'errorCode: AccessDenied')}---
title: Denied five times in ten minutes
id: 00000000-0000-4000-8000-000000000100
author: Test Author
level: critical
correlation:
  type: event_count
  rules: [calls_Denied]
  group-by: [eventSource]
  timespan: 10m
  condition:
    gte: 2
`);
  local = await LocalEngine.open({ logs: join(scratch.path, 'logs'), cache: false, ocsfSource: 'cloudtrail' });
  standin = await AthenaStandIn.start({ engine: local, latency: { queuedMs: 10, runningMs: 10 } });
  athena = await AthenaEngine.open({
    region: 'us-east-1',
    workgroup: 'primary',
    outputLocation: `s3://${standin.bucket}/irbook/`,
    polling: { firstMs: 5, factor: 1.5, maxMs: 40 },
    clients: {
      athena: new AthenaClient({ ...standin.athenaClientConfig, maxAttempts: 1 }),
      s3: new S3Client(standin.s3ClientConfig),
      sts: new STSClient(standin.stsClientConfig),
    },
  });
}, 120_000);

afterAll(async () => {
  await athena?.close();
  await standin?.close();
  await local?.close();
  scratch.cleanup();
});

const starts = () => standin.requests.filter((r) => r.action === 'StartQueryExecution').length;
const WINDOW = { start: '2024-03-12T09:00:00Z', end: '2024-03-12T11:00:00Z' };

describe.each(['cloudtrail', 'ocsf'] as const)('on Athena, target %s', (target) => {
  it('runs every rule and the correlation in one query, with the local engine\'s answer and the cost under it', async () => {
    const before = starts();
    const found = await detect({ engine: athena, rules: join(scratch.path, 'rules'), window: WINDOW, target, ...(target === 'ocsf' ? { region: 'us-east-1' } : {}) });
    expect(starts() - before).toBe(1);
    const onLocal = await detect({ engine: local, rules: join(scratch.path, 'rules'), window: WINDOW, target, ...(target === 'ocsf' ? { region: 'us-east-1' } : {}) });
    expect(found.rulesRun).toBe(RULE_COUNT);
    expect(found.toJSON()).toEqual(onLocal.toJSON());
    expect(found.hits.toJSON()).toEqual(onLocal.hits.toJSON());
    expect(found.rows.length).toBeGreaterThan(5);
    expect(found.column('rule_id')).toContain('00000000-0000-4000-8000-000000000100');
    // The cost, as Athena reports it, is the result's, and shown under the table.
    expect(found.stats.engine).toBe('athena');
    expect(found.stats.dataScannedBytes).toBeGreaterThan(0);
    expect(found.stats.estimatedCostUsd).toBeGreaterThan(0);
    expect(found.toText()).toMatch(/scanned · est\. \$/);
    expect(found.toHtml()).toMatch(/scanned/);
  });
});
