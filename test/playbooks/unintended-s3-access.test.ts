/**
 * The Security Lake playbook's story, asserted from the sample's ground truth: every query of
 * the catalog (the article's with their text as published, and the review queries) runs on the
 * local engine over (a) a whole sample folder, (b) its Security Lake Parquet alone and (c) its
 * CloudTrail logs alone (mapped to OCSF), and finds what the manifest says happened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../lib/engines/local/local-engine';
import * as s3 from '../../lib/playbooks/unintended-s3-access';
import type { ResultRecord } from '../../lib/result/records';
import { generateSample, type SampleManifest } from '../../lib/sample';
import { sql, type SqlFragment } from '../../lib/sql';

const USER = 'Service_Backup';
const window = { start: '2024-03-01', end: '2024-05-31T23:59:00Z' };
const Q = s3.UNINTENDED_S3_ACCESS_QUERIES;
const t = s3.lakeTables('us-west-2');

let dir: string;
let manifest: SampleManifest;
const engines: Record<'sample' | 'parquet' | 'cloudtrail', LocalEngine> = {} as never;

const rows = async (engine: LocalEngine, query: SqlFragment): Promise<ResultRecord[]> => (await engine.query(query)).toRecords();
/** A value `json_extract` returned: JSON text, so a string comes back in quotes. */
const jsonText = (value: unknown) => (value === null || value === undefined ? null : JSON.parse(String(value)) as unknown);
/** The article's queries have no ORDER BY: rows in time order, for comparing with the manifest's lists. */
const inTimeOrder = (records: ResultRecord[], column: string) => [...records].sort((a, b) => new Date(a[column] as Date).getTime() - new Date(b[column] as Date).getTime());
const utc = (text: string) => new Date(/Z$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);

function story() {
  return manifest.stories.s3DataAccess;
}
/** The lake's ground truth; the sample is written with its lake by default. */
function lake(): NonNullable<SampleManifest['securityLake']> {
  if (!manifest.securityLake) throw new Error('the sample was written without its Security Lake');
  return manifest.securityLake;
}
function context(): s3.S3AccessContext {
  const macie = lake().findings.macieQuery;
  return { user: USER, accountId: story().accountId, window, findingsWindow: { start: utc(macie.start), end: utc(macie.end) } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'irbook-s3-access-'));
  const sample = join(dir, 'sample');
  manifest = await generateSample({ out: sample, events: 20_000, seed: 13 });
  engines.sample = await LocalEngine.open({ logs: sample, cache: false });
  engines.parquet = await LocalEngine.open({ logs: join(sample, 'security-lake'), cache: false });
  engines.cloudtrail = await LocalEngine.open({ logs: join(sample, 'AWSLogs'), cache: false });
}, 300_000);

afterAll(async () => {
  for (const engine of Object.values(engines)) await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['sample', 'parquet', 'cloudtrail'] as const)('on the %s feed', (feed) => {
  const engine = () => engines[feed];

  it('runs every catalog query', async () => {
    for (const [name, query] of Object.entries(Q)) {
      await expect(engine().query(query.build(context())), name).resolves.toBeDefined();
    }
  });

  it('lists CreateUser, AttachUserPolicy and CreateAccessKey among the distinct operations, and only the story\'s management calls', async () => {
    const operations = (await rows(engine(), Q.distinctOperations.build(context()))).map((r) => String(Object.values(r)[0]));
    for (const name of ['CreateUser', 'AttachUserPolicy', 'CreateAccessKey', 'CreateBucket', 'RunInstances']) expect(operations).toContain(name);
    for (const name of operations) expect(story().eventNames).toContain(name);
    // Object calls are data events: the S3 table's, not this one's.
    expect(operations).not.toContain('GetObject');
    expect(operations).not.toContain('DeleteObject');
  });

  it('shows every management call of the user in detail, failures included', async () => {
    const detail = await rows(engine(), Q.userActivity.build(context()));
    const dataEvents = (await rows(engine(), Q.s3DataEvents.build(context()))).length;
    expect(detail.length + dataEvents).toBe(story().events);
    expect(detail.filter((r) => r['API Response'] === 'Failure').length).toBe(story().failures);
    expect(detail.every((r) => r['Log Source'] === 'CloudTrail')).toBe(true);
  });

  it('shows the AdministratorAccess policy ARN and the new users in the IAM query', async () => {
    const iam = await rows(engine(), Q.iamChangesByUser.build(context()));
    const attach = iam.filter((r) => r['API Call'] === 'AttachUserPolicy');
    expect(attach.map((r) => [jsonText(r['Target Principal']), jsonText(r['Target Policy'])])).toContainEqual([story().adminUserName, story().attachedPolicyArn]);
    expect(story().attachedPolicyArn).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
    // Service_Backup made every user of the story; the second "Target Principal" (OCSF's target user) agrees.
    const created = inTimeOrder(iam, 'Time').filter((r) => r['API Call'] === 'CreateUser');
    expect(created.map((r) => jsonText(r['Target Principal']))).toEqual(story().createdUsers);
    expect(created.map((r) => r['Target Principal_2'])).toEqual(story().createdUsers);
    const roles = new Set(iam.filter((r) => r['API Call'] === 'CreateRole').map((r) => jsonText(r['Target Role'])));
    expect(roles).toEqual(new Set(story().createdRoles.map((r) => r.roleName)));
    expect(iam.every((r) => String(r['User ID']).endsWith(`:user/${USER}`))).toBe(true);
  });

  it('shows GetObject and DeleteObject on the cc-data files and the note put in breach.notify in the S3 query', async () => {
    const events = inTimeOrder(await rows(engine(), Q.s3DataEvents.build(context())), 'Time Date').map((r) => ({ call: r['API Call'], request: JSON.parse(String(r['Request Data'])) as { bucketName?: string; key?: string } }));
    const keys = (call: string) => events.filter((e) => e.call === call && e.request.bucketName === story().victimBucket).map((e) => e.request.key);
    expect(keys('GetObject')).toEqual(story().objectsRead);
    expect(keys('DeleteObject')).toEqual(story().objectsDeleted);
    for (const key of [...story().objectsRead, ...story().objectsDeleted]) expect(key).toMatch(/^cc-data-\d+\.csv$/);
    expect(events.filter((e) => e.call === 'PutObject').map((e) => [e.request.bucketName, e.request.key])).toContainEqual([story().ransomBucket, story().ransomObject]);
    expect(story().ransomBucket).toBe('breach.notify');
  });

  it('sums the review up: objects read then deleted, and the new principals with their maker and policies', async () => {
    const objects = await rows(engine(), Q.objectsReadAndDeleted.build(context()));
    const victim = objects.filter((r) => r.bucket === story().victimBucket);
    expect(victim.filter((r) => Number(r.reads) > 0).map((r) => r.object_key).sort()).toEqual([...story().objectsRead].sort());
    expect(victim.filter((r) => Number(r.deletes) > 0).map((r) => r.object_key).sort()).toEqual([...story().objectsDeleted].sort());
    const principals = await rows(engine(), Q.newPrincipals.build(context()));
    const admin = principals.find((r) => r.principal === story().adminUserName);
    expect(admin).toMatchObject({ kind: 'user', created_by: USER });
    expect(String(admin?.policies)).toContain(story().attachedPolicyArn);
    expect(String(admin?.access_keys)).toContain(story().createdAccessKeyIds[0]);
    expect(principals.find((r) => r.principal === USER)).toMatchObject({ kind: 'user', created_by_arn: story().origin.createdByArn });
    const perHour = await rows(engine(), Q.activityPerHour.build(context()));
    expect(perHour.reduce((n, r) => n + Number(r.events), 0)).toBe(story().events);
  });

  if (feed === 'cloudtrail') {
    it('has no Security Hub findings: sh_findings is empty, so the Macie query returns nothing', async () => {
      expect(await rows(engine(), sql`SELECT count(*) AS n FROM ${t.findings}`)).toEqual([{ n: 0n }]);
      expect(await rows(engine(), Q.macieFindings.build(context()))).toEqual([]);
    });
  } else {
    it("returns Macie's findings for the card files, and none of the other products' findings", async () => {
      const expected = lake().findings.macieQuery.findings;
      expect(expected.length).toBeGreaterThan(0);
      const found = inTimeOrder(await rows(engine(), Q.macieFindings.build(context())), 'Date/Time');
      expect(found.map((r) => r['Object Name'])).toEqual(expected.map((f: { bucket: string; key: string }) => `arn:aws:s3:::${f.bucket}/${f.key}`));
      expect(new Set(found.map((r) => r['Log Source']))).toEqual(new Set(['Macie']));
      expect(new Set(found.map((r) => r['Bucket ARN']))).toEqual(new Set([`arn:aws:s3:::${story().victimBucket}`]));
      expect(found.every((r) => r['Resource Type'] === 'AwsS3Bucket' && r['Resource Type 2'] === 'AwsS3Object')).toBe(true);
      // The filter matters: other products' findings are in the table, in the same window.
      const { start, end } = context().findingsWindow as { start: Date; end: Date };
      const products = await rows(engine(), sql`SELECT DISTINCT metadata.product.name AS product FROM ${t.findings} WHERE time_dt BETWEEN ${start} AND ${end}`);
      expect(products.map((r) => r.product)).toEqual(expect.arrayContaining(['Macie', 'GuardDuty']));
    });
  }
});

/**
 * The same question asked of the raw `cloudtrail` table and of the OCSF tables gives the same
 * answer, over the Parquet feed (the whole sample: CloudTrail logs next to the lake, whose
 * Parquet fills the OCSF tables by default) and over the CloudTrail feed (the logs alone,
 * mapped to OCSF).
 */
describe.each(['sample', 'cloudtrail'] as const)('count pairs, cloudtrail and OCSF, on the %s feed', (feed) => {
  const engine = () => engines[feed];
  const start = '2024-03-01T00:00:00Z';
  const end = '2024-03-31T23:59:59Z';
  const [startDate, endDate] = [new Date(start), new Date(end)];
  const MGMT = sql`eventcategory = 'Management'`;
  const S3_DATA = sql`eventcategory = 'Data' AND eventsource = 's3.amazonaws.com'`;

  async function pair(raw: SqlFragment, ocsf: SqlFragment): Promise<ResultRecord[]> {
    const [a, b] = [await rows(engine(), raw), await rows(engine(), ocsf)];
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
    return a;
  }

  it("events by Service_Backup: management and S3 data", async () => {
    await pair(
      sql`SELECT count_if(${MGMT}) AS mgmt, count_if(${S3_DATA}) AS s3 FROM cloudtrail WHERE useridentity.username = ${USER}`,
      sql`SELECT (SELECT count(*) FROM ${t.mgmt} WHERE actor.user.name = ${USER}) AS mgmt, (SELECT count(*) FROM ${t.s3Data} WHERE actor.user.name = ${USER}) AS s3`,
    );
  });

  it('IAM create/attach/delete calls in the window, by call', async () => {
    const got = await pair(
      sql`SELECT eventname AS call, count(*) AS n FROM cloudtrail
WHERE ${MGMT} AND eventsource = 'iam.amazonaws.com' AND regexp_like(lower(eventname), '^(create|attach|delete)')
  AND eventtime BETWEEN ${start} AND ${end} GROUP BY 1 ORDER BY 1`,
      sql`SELECT api.operation AS call, count(*) AS n FROM ${t.mgmt}
WHERE lower(api.service.name) = 'iam.amazonaws.com' AND regexp_like(lower(api.operation), '^(create|attach|delete)')
  AND time_dt BETWEEN ${startDate} AND ${endDate} GROUP BY 1 ORDER BY 1`,
    );
    expect(got.map((r) => r.call)).toEqual(expect.arrayContaining(['AttachUserPolicy', 'CreateAccessKey', 'CreateUser']));
  });

  it("Service_Backup's GetObject and DeleteObject calls, by call and bucket", async () => {
    await pair(
      sql`SELECT eventname AS call, json_extract_scalar(requestparameters, '$.bucketName') AS bucket, count(*) AS n FROM cloudtrail
WHERE ${S3_DATA} AND useridentity.username = ${USER} AND eventname IN ('GetObject', 'DeleteObject') GROUP BY 1, 2 ORDER BY 1, 2`,
      sql`SELECT api.operation AS call, json_extract_scalar(api.request.data, '$.bucketName') AS bucket, count(*) AS n FROM ${t.s3Data}
WHERE actor.user.name = ${USER} AND api.operation IN ('GetObject', 'DeleteObject') GROUP BY 1, 2 ORDER BY 1, 2`,
    );
  });

  it("Service_Backup's distinct operations", async () => {
    await pair(
      sql`SELECT DISTINCT eventname AS operation FROM cloudtrail WHERE ${MGMT} AND useridentity.username = ${USER} ORDER BY 1`,
      sql`SELECT DISTINCT api.operation AS operation FROM ${t.mgmt} WHERE actor.user.name = ${USER} ORDER BY 1`,
    );
  });

  it("failures (an error code) and status = 'Failure', management and S3 data", async () => {
    const got = await pair(
      sql`SELECT count_if(${MGMT} AND errorcode IS NOT NULL) AS mgmt, count_if(${S3_DATA} AND errorcode IS NOT NULL) AS s3 FROM cloudtrail`,
      sql`SELECT (SELECT count(*) FROM ${t.mgmt} WHERE status = 'Failure') AS mgmt, (SELECT count(*) FROM ${t.s3Data} WHERE status = 'Failure') AS s3`,
    );
    expect(Number(got[0]?.mgmt)).toBeGreaterThan(0);
  });

  it('management events per account and region', async () => {
    const got = await pair(
      sql`SELECT recipientaccountid AS account, awsregion AS region, count(*) AS n FROM cloudtrail WHERE ${MGMT} GROUP BY 1, 2 ORDER BY 1, 2`,
      sql`SELECT accountid AS account, cloud.region AS region, count(*) AS n FROM ${t.mgmt} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(new Set(got.map((r) => r.account))).toEqual(new Set(manifest.accounts.map((a) => a.id)));
  });
});
