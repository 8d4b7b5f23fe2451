/**
 * The generator's main loop: for each 5-minute window of March 2024, gather the background
 * and scripted records of each account and region, sort them, and hand one file per
 * (account, region, window) to the writer and to the lake writer. Only the current window
 * (and the lake's batch of a few days' log text) is ever in memory.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from './prng';
import { PERIOD_END_MS, PERIOD_START_MS, WINDOW_COUNT, WINDOW_MS, eventTime } from './clock';
import { ACCOUNTS, REGIONS } from './identities';
import { Background } from './background';
import { PEOPLE } from './people';
import { WORKLOADS } from './workloads';
import { SERVICES } from './service-personas';
import { credentialCompromiseEvents } from './story-credential-compromise';
import { s3DataAccessEvents } from './story-s3-data-access';
import { occasionalEvents } from './occasional';
import { mergeSorted, type ScriptedEvent } from './timeline';
import { LOG_LAYOUT, logPath } from './layout';
import { LogWriter } from './writer';
import { LakeWriter } from './lake-writer';
import { securityLakeManifest } from './lake-manifest';
import { securityHubFindings } from './findings';
import { toOcsfFinding } from './findings-ocsf';
import { Tally } from './tally';
import { serializeRecord } from './serialize';
import type { CloudTrailRecord } from './record';
import type { SampleManifest, SecurityLakeSample } from './manifest';
import type { Persona } from './persona';
import { GENERATOR } from './version';

export { GENERATOR };

/** Every source of background traffic: people, workloads, AWS services. */
export const PERSONAS: readonly Persona[] = [...PEOPLE, ...WORKLOADS, ...SERVICES];

/** Validated generator settings. */
export interface GenerateSettings {
  readonly out: string;
  readonly events: number;
  readonly seed: number;
  readonly onProgress?: (written: number, total: number) => void;
  /** Also write the Security Lake. */
  readonly lake: boolean;
}

const WINDOWS_PER_DAY = 86_400_000 / WINDOW_MS;

interface Entry {
  readonly t: number;
  readonly record: CloudTrailRecord;
}

/**
 * Every scripted record of a seed (stories and fixtures), in time order.
 *
 * @example
 * scriptedEvents(1).length; // a few hundred
 */
export function scriptedEvents(seed: number): ScriptedEvent[] {
  return mergeSorted([...credentialCompromiseEvents(seed), ...s3DataAccessEvents(seed), occasionalEvents(seed)]);
}

/**
 * Writes the sample and its manifest; `settings` must already be validated.
 *
 * @example
 * const manifest = await generate({ out: '/tmp/ct', events: 100_000, seed: 1 });
 */
export async function generate(settings: GenerateSettings): Promise<SampleManifest> {
  const { out, events, seed, onProgress } = settings;
  const scripted = scriptedEvents(seed);
  if (scripted.length >= events)
    throw new RangeError(`events must exceed the ${scripted.length} scripted story events`);
  const background = new Background(PERSONAS, seed, events - scripted.length);
  const names = new Rng(seed, 'file-names');
  const tally = new Tally();
  const lake = settings.lake ? await LakeWriter.open(out, seed) : undefined;
  const writer = new LogWriter(out, (stats) => onProgress?.(stats.events, events));

  const cellOf = new Map<string, number>();
  ACCOUNTS.forEach((a, ai) => REGIONS.forEach((r, ri) => cellOf.set(`${a.id}|${r}`, ai * REGIONS.length + ri)));
  const cells: Entry[][] = Array.from({ length: cellOf.size }, () => []);
  const place = (t: number, account: string, record: CloudTrailRecord): void => {
    const cell = cellOf.get(`${account}|${record.awsRegion}`);
    if (cell === undefined)
      throw new Error(`record outside the sample's accounts and regions: ${account} ${record.awsRegion}`);
    cells[cell].push({ t, record });
  };

  let securityLake: SecurityLakeSample | null = null;
  try {
    let next = 0;
    for (let w = 0; w < WINDOW_COUNT; w++) {
      const start = PERIOD_START_MS + w * WINDOW_MS;
      background.window(w, place);
      while (next < scripted.length && scripted[next].t < start + WINDOW_MS) {
        const e = scripted[next++];
        place(e.t, e.account, e.record);
      }
      for (let c = 0; c < cells.length; c++) {
        const entries = cells[c];
        if (entries.length === 0) continue;
        // Array.prototype.sort is stable, so equal seconds keep generation order on every run.
        entries.sort((a, b) => a.t - b.t);
        const parts: string[] = new Array<string>(entries.length);
        for (let i = 0; i < entries.length; i++) {
          tally.observe(entries[i].record);
          parts[i] = serializeRecord(entries[i].record);
        }
        const account = ACCOUNTS[Math.floor(c / REGIONS.length)].id;
        const region = REGIONS[c % REGIONS.length];
        const path = logPath(account, region, start, names.alnum(16));
        cells[c] = [];
        const text = `{"Records":[${parts.join(',')}]}`;
        await writer.write(path, text, entries.length);
        lake?.addCloudTrailFile(path, text, entries.length);
      }
      if ((w + 1) % WINDOWS_PER_DAY === 0) await lake?.endDay();
    }
    await writer.close();
    if (lake) {
      await lake.finishCloudTrail();
      const findings = securityHubFindings(seed, scripted);
      await lake.writeFindings(findings.map(toOcsfFinding));
      securityLake = securityLakeManifest(await lake.close(), findings);
    }
  } catch (error) {
    await Promise.all([writer.abort(), lake?.abort()]);
    throw error;
  }

  const logs = tally.manifest({
    generator: GENERATOR,
    seed,
    files: writer.stats.files,
    bytes: writer.stats.bytes,
    period: { start: eventTime(PERIOD_START_MS), end: eventTime(PERIOD_END_MS) },
    accounts: ACCOUNTS.map((a) => ({ id: a.id, name: a.name })),
    regions: [...REGIONS],
    layout: LOG_LAYOUT,
    scripted: scripted.length,
  });
  const manifest: SampleManifest = { ...logs, securityLake };
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
