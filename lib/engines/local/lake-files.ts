/**
 * Where Security Lake's files sit in a local copy of the lake's bucket (what
 * `aws s3 sync s3://aws-security-data-lake-<region>-<suffix>/aws/ DIR` gives):
 * `DIR/<SOURCE>/2.0/…/*.parquet` are a table's data files, in any sub-folders (Iceberg's
 * `data/region=…/`), and `DIR/<SOURCE>/2.0/metadata/` holds Iceberg's own files (JSON,
 * Avro), which say nothing a query needs: the data files are read directly.
 */
import { LAKE_SOURCE_FOLDERS, LAKE_SOURCE_VERSION, OCSF_TABLE_KINDS, type OcsfTableKind } from '../../sources/ocsf/schema';

const FOLDER_KIND = new Map(OCSF_TABLE_KINDS.map((kind) => [LAKE_SOURCE_FOLDERS[kind], kind]));
const SOURCE_FOLDER = new RegExp(
  `[\\\\/](${[...FOLDER_KIND.keys()].join('|')})[\\\\/]${LAKE_SOURCE_VERSION.replace('.', '\\.')}[\\\\/](.*)$`);
const PARQUET_NAME = /\.parquet$/i;

/** Where a path sits relative to the lake's source folders. */
export type LakePlace =
  | { readonly in: 'data'; readonly kind: OcsfTableKind }
  | { readonly in: 'metadata' | 'other'; readonly kind: OcsfTableKind }
  | { readonly in: 'outside' };

/** Where a file is: a lake table's data file, its Iceberg metadata, another file in a source folder, or outside any. */
export function lakePlace(path: string): LakePlace {
  const m = SOURCE_FOLDER.exec(path);
  if (!m) return { in: 'outside' };
  const kind = FOLDER_KIND.get(m[1]!)!;
  const rest = m[2]!;
  if (/^metadata[\\/]/.test(rest)) return { in: 'metadata', kind };
  return { in: PARQUET_NAME.test(rest) ? 'data' : 'other', kind };
}

/** The lake table a data file belongs to; undefined for any other file. */
export function lakeKindOf(path: string): OcsfTableKind | undefined {
  const place = lakePlace(path);
  return place.in === 'data' ? place.kind : undefined;
}

/** Why a file under or about the lake is not read; undefined for a data file and for files outside the lake that are not Parquet. */
export function lakeIgnoreReason(path: string): string | undefined {
  const place = lakePlace(path);
  if (place.in === 'metadata') return 'Iceberg metadata of a Security Lake table (the data files are read directly)';
  if (place.in === 'other') return `not a Parquet data file (only .parquet files are read under ${LAKE_SOURCE_FOLDERS[place.kind]}/${LAKE_SOURCE_VERSION}/)`;
  if (place.in === 'outside' && PARQUET_NAME.test(path)) {
    return `Parquet outside a Security Lake source folder (read only under <SOURCE>/${LAKE_SOURCE_VERSION}/, e.g. CLOUD_TRAIL_MGMT/${LAKE_SOURCE_VERSION}/)`;
  }
  return undefined;
}
