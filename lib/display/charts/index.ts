/** Charts of query results: Vega-Lite specs, SVG rendered in Node, one notebook display for both. */

export { activityByHourChart, type ActivityByHourOptions } from './activity-by-hour';
export {
  loadTslabJupyter,
  showBundle,
  type BundleTarget,
  type DisplayBundle,
  type DisplayDataMessage,
  type TslabJupyterLike,
} from './bundle';
export { Chart, VEGA_LITE_MIME, type ChartInfo } from './chart';
export { failuresOverTimeChart, type FailuresOverTimeOptions } from './failures-over-time';
export { ChartRenderError, compileSpec, renderSvg, type RenderOptions } from './render';
export { VEGA_LITE_SCHEMA, type ChartOptions, type VegaLiteSpec } from './spec';
export { TIME_BINS, type ChartWindow, type TimeBin, type TimeBinOption } from './time-bins';
export { timelineChart, type TimelineOptions } from './timeline';
export { topEntitiesChart, type TopEntitiesOptions } from './top-entities';
