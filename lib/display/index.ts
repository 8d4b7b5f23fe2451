/** Showing results: HTML and text tables, charts, the summary under them, and notebook output. */

export {
  activityByHourChart,
  Chart,
  ChartRenderError,
  compileSpec,
  failuresOverTimeChart,
  loadTslabJupyter,
  renderSvg,
  showBundle,
  timelineChart,
  topEntitiesChart,
  VEGA_LITE_MIME,
  type ActivityByHourOptions,
  type BundleTarget,
  type ChartInfo,
  type ChartOptions,
  type DisplayBundle,
  type DisplayDataMessage,
  type FailuresOverTimeOptions,
  type RenderOptions,
  type TimelineOptions,
  type TopEntitiesOptions,
  type TslabJupyterLike,
  type VegaLiteSpec,
} from './charts';
export { escapeHtml, revealInvisibles } from './escape';
export {
  cellText,
  formatBytes,
  formatCount,
  formatDuration,
  formatUsd,
  isNumericKind,
  plural,
} from './format';
export { renderHtmlTable, type HtmlTableOptions } from './html-table';
export { kernelModule, loadTslab, showHtml, type ShowTarget, type TslabLike } from './notebook';
export { SKIPPED_FILES_LISTED, summarize, type ResultSummary, type SkippedSummary } from './summary';
export { renderTextTable, TEXT_NULL, type TextTableOptions } from './text-table';
export { displayWidth, padToWidth, truncateToWidth } from './text-width';
