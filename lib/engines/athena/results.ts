/**
 * Reading a finished query's rows: one GetQueryResults page for small results, the CSV
 * Athena wrote to S3 for large ones. Both give the same columns and values.
 */

import type { QueryExecution } from '@aws-sdk/client-athena';
import type { Readable } from 'node:stream';
import type { Column, Value } from '../../result/types';
import { athenaColumn, athenaConverter } from './athena-values';
import type { AthenaClients } from './clients';
import { readAthenaCsv } from './csv-reader';
import { retryThrottled, type RetryPolicy } from './throttling';

/** The rows of a result, and which way they were read. */
export interface FetchedRows {
  readonly columns: Column[];
  readonly rows: Value[][];
  /** `page`: GetQueryResults held everything; `s3`: streamed from the result CSV. */
  readonly path: 'page' | 's3';
}

/**
 * Read the rows of a SUCCEEDED query. The first page (up to `pageSize` rows) comes from
 * GetQueryResults, which also gives the column types; when Athena says there is more, the
 * CSV in S3 is streamed instead of paging a thousand rows per call. For SELECT the first row
 * of the first page and of the CSV is the header.
 */
export async function fetchResults(
  clients: AthenaClients,
  execution: QueryExecution,
  options: { pageSize: number; resultPath: 'auto' | 'page' | 's3'; retry: RetryPolicy },
  signal: AbortSignal,
): Promise<FetchedRows> {
  const { pageSize, resultPath } = options;
  const { GetQueryResultsCommand } = await import('@aws-sdk/client-athena');
  const page = (NextToken?: string) =>
    retryThrottled(
      () => clients.athena.send(
        new GetQueryResultsCommand({ QueryExecutionId: execution.QueryExecutionId, MaxResults: pageSize, NextToken }),
        { abortSignal: signal },
      ),
      { ...options.retry, signal },
    );
  const first = await page();
  const columns = (first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => athenaColumn(info));
  const hasHeader = execution.StatementType === 'DML';
  const location = execution.ResultConfiguration?.OutputLocation;
  const csv = hasHeader && location?.endsWith('.csv') ? location : undefined;
  if (csv && (resultPath === 's3' || (resultPath === 'auto' && first.NextToken))) {
    return { columns, rows: await readCsvRows(clients, csv, columns, options.retry, signal), path: 's3' };
  }
  // Paging on: a result that fit one page, resultPath 'page', or no CSV (DDL, SHOW …).
  const pages = [first];
  for (let token = first.NextToken; token; token = pages.at(-1)!.NextToken) pages.push(await page(token));
  const texts = pages.flatMap((p) => (p.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((d) => d.VarCharValue ?? null)));
  const convert = converters(columns);
  return { columns, rows: (hasHeader ? texts.slice(1) : texts).map((row) => convert(row)), path: 'page' };
}

async function readCsvRows(clients: AthenaClients, location: string, columns: Column[], retry: RetryPolicy, signal: AbortSignal): Promise<Value[][]> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) throw new Error(`unexpected result location ${location}`);
  const object = await retryThrottled(
    () => clients.s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }), { abortSignal: signal }),
    { ...retry, signal },
  );
  const rows: Value[][] = [];
  const convert = converters(columns);
  let header = true;
  for await (const row of readAthenaCsv(object.Body as Readable, { source: location })) {
    if (header) {
      header = false;
      if (row.length !== columns.length) {
        throw new Error(`${location} has ${row.length} columns, the query's metadata ${columns.length}`);
      }
      continue;
    }
    rows.push(convert(row));
  }
  return rows;
}

/** A row converter with each column's type parsed once, not once per value. */
function converters(columns: readonly Column[]): (texts: readonly (string | null)[]) => Value[] {
  const perColumn = columns.map((column) => athenaConverter(column));
  return (texts) => {
    if (texts.length !== perColumn.length) throw new Error(`a row has ${texts.length} values for ${perColumn.length} columns`);
    return texts.map((text, i) => perColumn[i]!(text));
  };
}
