/**
 * irbook: AWS security incident response in Jupyter notebooks, in TypeScript.
 *
 * @example
 * import { configure, queryResults, sql } from 'irbook';
 * await configure({ logs: '../sample' });
 * const suspect = 'ci-deploy';
 * (await queryResults(sql`SELECT eventname, count(*) AS n FROM cloudtrail
 *   WHERE useridentity.username = ${suspect} GROUP BY 1 ORDER BY n DESC`)).display();
 */

// Queries: build them with values bound, run them on the configured engine.
export { sql, SqlFragment, compileQuery, type CompiledQuery, type QueryInput, type SqlInterpolation, type SqlValue } from './sql';
export {
  configure,
  configuredEngine,
  queryResults,
  type AthenaSettings,
  type EngineSettings,
  type LocalSettings,
  type QueryResultsOptions,
} from './query-results';
export { queryToFile, type FileWritten, type QueryToFileOptions } from './query-to-file';

// Engines.
export type { Engine, QueryOptions } from './engines/engine';
export { LocalEngine, type LocalEngineOptions } from './engines/local/local-engine';
export { AthenaEngine } from './engines/athena/athena-engine';
export type { AthenaEngineOptions } from './engines/athena/options';
export type { AthenaClients } from './engines/athena/clients';
export { whoami, type CallerIdentity } from './engines/athena/whoami';
export { estimateCostUsd, queryCost, DEFAULT_COST_PER_TB_USD, type QueryCost } from './engines/athena/cost';
export { resolveRegion, resolveWorkgroup, type ResolvedSetting } from './engines/athena/settings';
export { checkAthenaRules } from './engines/athena/placeholders';
export { cloudTrailTableDdl, createCloudTrailTable, type CloudTrailTableOptions } from './engines/athena/cloudtrail-table';
export type { Inventory } from './engines/local/local-engine';
export { SUPPORTED_TRINO_FUNCTIONS, UNSUPPORTED_TRINO_FEATURES, type TrinoFeatureNote } from './engines/local/trino/feature-list';

// Results and how they are shown.
export {
  QueryResult,
  type ArqueroTable,
  type Column,
  type ColumnKind,
  type CsvOptions,
  type JsonValue,
  type QueryResultData,
  type QueryStats,
  type ResultRecord,
  type SkippedFile,
  type Value,
} from './result';
export type { FileFormat } from './result/write-file';
export { renderHtmlTable, renderTextTable, type HtmlTableOptions, type TextTableOptions } from './display';
export { withProgress, type ProgressOptions, type QueryProgress } from './display/progress';

// Charts: Vega-Lite specs with an SVG rendered in Node, shown as one notebook output.
export {
  activityByHourChart,
  Chart,
  ChartRenderError,
  compileSpec,
  failuresOverTimeChart,
  renderSvg,
  showBundle,
  timelineChart,
  topEntitiesChart,
  VEGA_LITE_MIME,
  type ActivityByHourOptions,
  type ChartInfo,
  type ChartOptions,
  type DisplayBundle,
  type FailuresOverTimeOptions,
  type RenderOptions,
  type TimelineOptions,
  type TopEntitiesOptions,
  type VegaLiteSpec,
} from './display/charts';

// Playbooks: query catalogs, one namespace per playbook, and what they share.
export * as credentialCompromise from './playbooks/credential-compromise';
export * as unintendedS3Access from './playbooks/unintended-s3-access';

// Detections: Sigma rules read, checked and compiled to SQL for the cloudtrail or OCSF tables.
export * as detections from './detections';
export { compileRule, compileRules, fieldExpression, loadRules, ownPackDir, parseRules, RuleCompileError } from './detections';
export { detect, type DetectOptions } from './detections/detect';
export { Detections, type HitEvent, type CorrelationHit } from './detections/detections';
export { detectionQuery, type DetectionQuery, type DetectionQueryOptions } from './detections/query';
export { runDetections, type RunOptions } from './detections/run';
export { planCorrelations, type PlannedCorrelation } from './detections/correlation';

// Containment: plan, show, apply when confirmed, undo; every change in an audit log.
export * as containment from './containment';
export { openContainment, type Containment, type ContainmentOptions } from './containment';
export {
  entityIn,
  entityMatches,
  inWindow,
  suspectFrom,
  timeWindow,
  type EntityOptions,
  type TimeWindow,
  type TimeWindowInput,
  type WindowOptions,
} from './playbooks';

// Jupyter: the kernel, headless runs, notebooks in git.
export { installKernel, kernelSpec, KERNEL_NAME, type KernelInstallOptions, type KernelInstallResult, type KernelSpec } from './jupyter/kernelspec';
export { runNotebook, type RunNotebookOptions, type RunNotebookResult } from './jupyter/run-notebook';
export { cleanNotebook, notebookProblems } from './jupyter/clean-notebook';

// Log sources.
export { CLOUDTRAIL_FIELDS, CLOUDTRAIL_PARTITIONS, athenaType, type Field, type FieldType } from './sources/cloudtrail-schema';

// Sample data.
export { generateSample, SAMPLE_DEFAULTS, type SampleManifest, type SampleOptions } from './sample';
export { bundledSampleDir, ensureSample } from './sample/bundled';

// Errors: one class per failure kind.
export {
  AthenaCsvError,
  ContainmentFailedError,
  ContainmentRefusedError,
  IrbookError,
  NotebookCellError,
  OptionError,
  PlaceholderError,
  QueryCancelledError,
  QueryError,
  ResultTooLargeError,
  SkippedFilesError,
  SourceError,
  SqlBuildError,
} from './errors';
