/** Showing results: HTML and text tables, the summary under them, and notebook output. Charts: `./charts`. */

export { escapeHtml, escapeInvisiblesInJson, revealInvisibles } from './escape';
export {
  cellText,
  formatBytes,
  formatCount,
  formatDuration,
  formatUsd,
  isNumericKind,
  plural,
} from './format';
export { MAX_ROWS_ENV, MIN_COLUMN_CHARS, renderHtmlTable, type HtmlTableOptions } from './html-table';
export { loadTslab, showHtml, type ShowTarget, type TslabLike } from './notebook';
export { SKIPPED_FILES_LISTED, summarize, type ResultSummary, type SkippedSummary } from './summary';
export { renderTextTable, TEXT_NULL, type TextTableOptions } from './text-table';
export { displayWidth, padToWidth, truncateToWidth } from './text-width';
