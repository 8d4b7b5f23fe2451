/**
 * What `irbook query` and `irbook detect` share: the flags that open the local engine over the
 * logs, and printing a result's JSON or CSV on stdout without letting a log value drive the
 * terminal.
 */
import { escapeInvisiblesInJson, revealInvisibles } from '../display/escape';
import { LocalEngine } from '../engines/local/local-engine';
import { LAKE_REGIONS, OCSF_SOURCES, type LakeRegions, type OcsfSource } from '../engines/local/ocsf-tables';
import { UsageError } from './command';

/** `parseArgs` options of the local engine's flags. */
export const LOCAL_ENGINE_FLAGS = {
  logs: { type: 'string', multiple: true },
  cache: { type: 'string' },
  db: { type: 'string' },
  'ocsf-source': { type: 'string' },
  'lake-regions': { type: 'string' },
  strict: { type: 'boolean', default: false },
} as const;

/** The flags' values as `parseArgs` gives them. */
export interface LocalEngineFlags {
  readonly logs?: string[] | undefined;
  readonly cache?: string | undefined;
  readonly db?: string | undefined;
  readonly 'ocsf-source'?: string | undefined;
  readonly 'lake-regions'?: string | undefined;
  readonly strict?: boolean | undefined;
}

/**
 * Checks the flags, then opens the engine.
 *
 * @throws UsageError for a missing `--logs` or a value a flag does not take
 */
export function checkLocalEngineFlags(values: LocalEngineFlags): () => Promise<LocalEngine> {
  const { logs } = values;
  if (!logs?.length) throw new UsageError('--logs DIR is required');
  const ocsfSource = values['ocsf-source'];
  if (ocsfSource !== undefined && !OCSF_SOURCES.includes(ocsfSource as OcsfSource)) throw new UsageError(`--ocsf-source must be ${OCSF_SOURCES.join(', ')}, not "${ocsfSource}"`);
  const lakeRegions = values['lake-regions'];
  if (lakeRegions !== undefined && !LAKE_REGIONS.includes(lakeRegions as LakeRegions)) throw new UsageError(`--lake-regions must be ${LAKE_REGIONS.join(' or ')}, not "${lakeRegions}"`);
  return () => LocalEngine.open({
    logs, database: values.db, strict: values.strict ?? false, cache: values.cache,
    ...(ocsfSource !== undefined ? { ocsfSource: ocsfSource as OcsfSource } : {}),
    ...(lakeRegions !== undefined ? { lakeRegions: lakeRegions as LakeRegions } : {}),
  });
}

/**
 * JSON for stdout: the same data, with the invisible and control characters JSON.stringify
 * leaves raw written as `\u` escapes, so a log value cannot drive the terminal it lands in.
 */
export function jsonOutput(value: unknown): string {
  return escapeInvisiblesInJson(JSON.stringify(value, null, 2));
}

/** CSV for stdout: exact when redirected to a file; on a terminal, control characters are shown as escapes. */
export function csvOutput(csv: string): string {
  return process.stdout.isTTY ? revealInvisibles(csv, true) : csv;
}
