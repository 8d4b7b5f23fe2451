/**
 * Where Athena runs when the settings cell leaves it open: the region as the AWS SDK finds
 * it (plus AWS_DEFAULT_REGION, which SDK v3 ignores), and the workgroup the SageMaker setup
 * recorded, else `primary`. Each answer says where it came from, so the setup cell can show it.
 */

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OptionError } from '../../errors';

/** A setting and where it was found, e.g. `{ value: 'eu-west-1', source: 'AWS_DEFAULT_REGION' }`. */
export interface ResolvedSetting {
  readonly value: string;
  readonly source: string;
}

/** What the SageMaker lifecycle setup records for the notebooks: the stack's region and workgroup. */
export interface SiteSettings {
  readonly region?: string;
  readonly workgroup?: string;
}

/**
 * The file the SageMaker lifecycle setup writes (`IRBOOK_AWS_SETTINGS` overrides the path):
 * `~/.irbook/aws.json`, JSON with `region` and `workgroup`.
 */
export function siteSettingsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.IRBOOK_AWS_SETTINGS || join(homedir(), '.irbook', 'aws.json');
}

/**
 * The settings the lifecycle setup recorded; none when the file does not exist. A file that
 * exists but cannot be used is an error naming it, not a silent fallback to another region.
 */
export function readSiteSettings(file: string = siteSettingsFile()): SiteSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new OptionError('IRBOOK_AWS_SETTINGS', file, `${file}: cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OptionError('IRBOOK_AWS_SETTINGS', file, `${file}: not JSON (${(error as Error).message}); fix or delete it`);
  }
  const settings: Record<string, string> = {};
  for (const key of ['region', 'workgroup'] as const) {
    const value = (parsed as Record<string, unknown> | null)?.[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new OptionError('IRBOOK_AWS_SETTINGS', file, `${file}: "${key}" must be a string`);
    settings[key] = value;
  }
  return settings;
}

/** An SDK client, of which only the configured region is read. */
export interface RegionConfigured {
  readonly config: { region(): Promise<string> };
}

/**
 * The region queries and containment act in. In order: the one given (the settings cell),
 * `AWS_REGION`, `AWS_DEFAULT_REGION` (the AWS CLI's variable, which SDK v3 does not read),
 * the region the SageMaker setup recorded, then the SDK's own chain: the profile's `region`
 * (`AWS_PROFILE`, `AWS_CONFIG_FILE`) and the instance metadata. When the caller brings its
 * own SDK client, that client's region counts instead of the environment.
 *
 * @throws OptionError when no step has a region, saying how to set one
 * @example
 * await resolveRegion();            // { value: 'eu-west-1', source: 'AWS_DEFAULT_REGION' }
 * await resolveRegion('us-east-2'); // { value: 'us-east-2', source: 'the settings cell' }
 */
export async function resolveRegion(given?: string, client?: RegionConfigured): Promise<ResolvedSetting> {
  if (given) return { value: given, source: 'the settings cell' };
  if (client) return { value: await client.config.region(), source: 'the SDK client given' };
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = process.env[name]?.trim();
    if (value) return { value, source: name };
  }
  const file = siteSettingsFile();
  const site = readSiteSettings(file);
  if (site.region) return { value: site.region, source: file };
  try {
    const { STSClient } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({});
    try {
      const value = await sts.config.region();
      const profile = process.env.AWS_PROFILE ? `profile ${process.env.AWS_PROFILE}` : 'the default profile';
      return { value, source: `the AWS SDK (${profile}, or the instance metadata)` };
    } finally {
      sts.destroy();
    }
  } catch (error) {
    throw new OptionError('region', given,
      'no AWS region: set region in the settings cell, or AWS_REGION / AWS_DEFAULT_REGION, or region in your AWS profile ' +
        `(the SDK said: ${(error as Error).message})`);
  }
}

/**
 * The Athena workgroup: the one given, `IRBOOK_WORKGROUP`, the one the SageMaker setup
 * recorded (the stack's, the only one its role may use), else `primary`.
 *
 * @example
 * resolveWorkgroup(); // with IRBOOK_WORKGROUP=irbook: { value: 'irbook', source: 'IRBOOK_WORKGROUP' }
 */
export function resolveWorkgroup(given?: string): ResolvedSetting {
  if (given) return { value: given, source: 'the settings cell' };
  const fromEnv = process.env.IRBOOK_WORKGROUP?.trim();
  if (fromEnv) return { value: fromEnv, source: 'IRBOOK_WORKGROUP' };
  const file = siteSettingsFile();
  const site = readSiteSettings(file);
  if (site.workgroup) return { value: site.workgroup, source: file };
  return { value: 'primary', source: "Athena's default" };
}
