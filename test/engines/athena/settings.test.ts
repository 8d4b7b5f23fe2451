/**
 * Region and workgroup from the environment, the profile, the instance metadata and the file
 * the SageMaker setup writes, each with where it came from. The SDK's own loaders read the
 * profile and the metadata: a temporary AWS_CONFIG_FILE and a local metadata server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AthenaEngine } from '../../../lib/engines/athena/athena-engine';
import { readSiteSettings, resolveRegion, resolveWorkgroup } from '../../../lib/engines/athena/settings';
import { OptionError } from '../../../lib/errors';
import { tempDir, writeFile } from '../../support/cloudtrail-fixtures';

const dir = tempDir('irbook-settings-');
let files = 0;
const file = (text: string) => writeFile(`${dir.path}/f${files++}`, text);

/** The metadata service's IMDSv2 exchange: a PUT for a token, then the region with it. */
let imds: Server;
let imdsRequests: string[] = [];
beforeAll(async () => {
  imds = createServer((request, response) => {
    imdsRequests.push(`${request.method} ${request.url}`);
    if (request.method === 'PUT' && request.url === '/latest/api/token') return response.end('token-1');
    if (request.url === '/latest/meta-data/placement/region' && request.headers['x-aws-ec2-metadata-token'] === 'token-1') {
      return response.end('ap-northeast-3');
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => imds.close(resolve));
  dir.cleanup();
});

beforeEach(() => {
  // Nothing from the machine running the tests: no region anywhere unless a test sets one.
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'IRBOOK_WORKGROUP', 'AWS_EC2_METADATA_SERVICE_ENDPOINT']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', `${dir.path}/no-config`);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', `${dir.path}/no-credentials`);
  vi.stubEnv('IRBOOK_AWS_SETTINGS', `${dir.path}/no-settings.json`);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  imdsRequests = [];
});
afterEach(() => vi.unstubAllEnvs());

describe('resolveRegion', () => {
  // First: the SDK remembers a failed metadata lookup for a minute.
  it('finds the instance metadata region through the SDK, IMDSv2 token first', async () => {
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', undefined);
    vi.stubEnv('AWS_EC2_METADATA_SERVICE_ENDPOINT', `http://127.0.0.1:${(imds.address() as AddressInfo).port}`);
    const found = await resolveRegion();
    expect(found.value).toBe('ap-northeast-3');
    expect(found.source).toContain('instance metadata');
    expect(imdsRequests).toEqual(['PUT /latest/api/token', 'GET /latest/meta-data/placement/region']);
  });

  it('reads AWS_DEFAULT_REGION, which SDK v3 ignores, and lets AWS_REGION win over it', async () => {
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-3');
    expect(await resolveRegion()).toEqual({ value: 'eu-west-3', source: 'AWS_DEFAULT_REGION' });
    vi.stubEnv('AWS_REGION', 'eu-central-2');
    expect(await resolveRegion()).toEqual({ value: 'eu-central-2', source: 'AWS_REGION' });
    expect(await resolveRegion('us-west-2')).toEqual({ value: 'us-west-2', source: 'the settings cell' });
  });

  it("reads the profile's region through the SDK's own loader", async () => {
    vi.stubEnv('AWS_CONFIG_FILE', file('[default]\nregion = us-east-2\n\n[profile ir]\nregion = eu-north-1\n'));
    vi.stubEnv('AWS_PROFILE', 'ir');
    expect(await resolveRegion()).toEqual({ value: 'eu-north-1', source: 'the AWS SDK (profile ir, or the instance metadata)' });
    vi.stubEnv('AWS_PROFILE', undefined);
    expect((await resolveRegion()).value).toBe('us-east-2');
  });

  it('takes the region the SageMaker setup recorded before the profile, after the environment', async () => {
    const settings = file(JSON.stringify({ region: 'ap-southeast-2', workgroup: 'irbook' }));
    vi.stubEnv('IRBOOK_AWS_SETTINGS', settings);
    vi.stubEnv('AWS_CONFIG_FILE', file('[default]\nregion = us-east-2\n'));
    expect(await resolveRegion()).toEqual({ value: 'ap-southeast-2', source: settings });
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-1');
    expect((await resolveRegion()).value).toBe('eu-west-1');
  });

  it('says how to set a region when there is none', async () => {
    const error = await resolveRegion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ option: 'region' });
    expect((error as Error).message).toMatch(/AWS_REGION \/ AWS_DEFAULT_REGION/);
  });
});

describe('resolveWorkgroup and the settings file', () => {
  it('takes the cell, then IRBOOK_WORKGROUP, then the SageMaker setup, then primary', () => {
    expect(resolveWorkgroup()).toEqual({ value: 'primary', source: "Athena's default" });
    const settings = file(JSON.stringify({ workgroup: 'irbook' }));
    vi.stubEnv('IRBOOK_AWS_SETTINGS', settings);
    expect(resolveWorkgroup()).toEqual({ value: 'irbook', source: settings });
    vi.stubEnv('IRBOOK_WORKGROUP', 'ir-team');
    expect(resolveWorkgroup()).toEqual({ value: 'ir-team', source: 'IRBOOK_WORKGROUP' });
    expect(resolveWorkgroup('mine')).toEqual({ value: 'mine', source: 'the settings cell' });
  });

  it('names a settings file it cannot use instead of falling back quietly', () => {
    for (const text of ['{"region": ', '{"region": 42}']) {
      const bad = file(text);
      expect(() => readSiteSettings(bad)).toThrow(bad);
    }
    expect(readSiteSettings(`${dir.path}/missing.json`)).toEqual({});
  });
});

describe('AthenaEngine.open with region and workgroup left empty', () => {
  it('builds its clients for the region resolved, and says where each setting came from', async () => {
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-3');
    vi.stubEnv('IRBOOK_WORKGROUP', 'irbook');
    const engine = await AthenaEngine.open({ region: '', workgroup: '' });
    try {
      expect(engine.options).toMatchObject({ region: 'eu-west-3', workgroup: 'irbook', sources: { region: 'AWS_DEFAULT_REGION', workgroup: 'IRBOOK_WORKGROUP' } });
      expect(inspect(engine)).toContain('region: eu-west-3, workgroup: irbook');
    } finally {
      await engine.close();
    }
  });
});
