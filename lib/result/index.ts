/** Query results: the `QueryResult` class, its plain-data shape, and its conversions. */

export type {
  Column,
  ColumnKind,
  QueryResultData,
  QueryStats,
  SkippedFile,
  Value,
} from './types';
export { QueryResult } from './query-result';
export { columnIndex, columnValues, uniqueColumnNames } from './columns';
export { toRecords, type ResultRecord } from './records';
export { compactJson, isoDate, toJsonRecords, toJsonValue, type JsonValue } from './json';
export { csvField, toCsv, type CsvFieldOptions, type CsvOptions } from './csv';
export { toArquero, type ArqueroTable } from './arquero';
