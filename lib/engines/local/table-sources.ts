/** Every table the local engine builds from source files, in catalog order. */
import { CLOUDTRAIL_SOURCE } from './cloudtrail-source';
import { LAKE_SOURCES } from './lake-source';
import type { TableSource } from './table-source';

export const TABLE_SOURCES: readonly TableSource[] = [CLOUDTRAIL_SOURCE, ...Object.values(LAKE_SOURCES)];
