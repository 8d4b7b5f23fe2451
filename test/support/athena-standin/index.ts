/** A local stand-in for Amazon Athena (with S3 and STS) for testing the Athena engine without AWS. */
export { AthenaStandIn, type AthenaStandInOptions, type RecordedRequest } from './standin';
export type { AthenaErrorInfo, FailureSpec, Latency, QueryExecutionRecord, QueryState, StandInEngine } from './executions';
export type { CallerIdentity } from './protocol';
export { parseS3Uri } from './result-store';
export { bindParameters, parseParameterLiteral, ParameterLiteralError, type BoundQuery } from './parameters';
export { parseDuckDBType, type DuckDBTypeTree } from './duckdb-type';
export {
  athenaColumnInfo,
  athenaTypeName,
  formatAthenaValue,
  formatDate,
  formatDouble,
  formatReal,
  formatTimestamp,
  toAthenaCsv,
  toAthenaResult,
  toAthenaText,
  type AthenaColumnInfo,
  type AthenaResult,
} from './athena-format';
