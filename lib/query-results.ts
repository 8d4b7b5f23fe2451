import type { Engine, QueryOptions } from './engines/engine';
import { AthenaEngine } from './engines/athena/athena-engine';
import type { AthenaEngineOptions } from './engines/athena/options';
import { LocalEngine, type LocalEngineOptions } from './engines/local/local-engine';
import { escapeHtml } from './display/escape';
import { formatCount } from './display/format';
import { loadTslab } from './display/notebook';
import { withProgress, type ProgressSlot } from './display/progress';
import { OptionError } from './errors';
import { recordFact, recordingFacts, recordResult } from './jupyter/report-facts';
import { bundledSampleDir, ensureSample } from './sample/bundled';
import { checkOptionNames } from './options';
import { contextOf, contextFacts } from './result/context';
import type { QueryResult } from './result/query-result';
import { compileQuery, type QueryInput } from './sql';

/**
 * The local engine's settings in a notebook: as {@link LocalEngineOptions}, but `logs` may be
 * left out or empty, which means the bundled sample (written on first use).
 */
export type LocalSettings = { readonly engine?: 'local' } & Omit<LocalEngineOptions, 'logs'> & {
  readonly logs?: LocalEngineOptions['logs'];
};

/**
 * Athena's settings, as the article's setup cell names them (`region`, `workgroup`,
 * `outputLocation`, `database`), plus the engine's other options. An empty `outputLocation`
 * means the workgroup's own result location.
 */
export type AthenaSettings = { readonly engine: 'athena' } & AthenaEngineOptions;

/** The notebook's engine settings, as its setup cell states them. */
export type EngineSettings = LocalSettings | AthenaSettings | { readonly engine: Engine };

/**
 * The engine `queryResults` uses when a cell does not pass one. It is configuration, set once
 * by the setup cell; results never pass through it, so concurrent queries cannot mix.
 */
let configured: Engine | undefined;

/**
 * Sets the notebook's engine and returns it. Re-running the setup cell closes the previous one.
 *
 * @example
 * await configure({ engine: 'local', logs: '../sample', database: 'security_analysis' });
 */
export async function configure(settings: EngineSettings): Promise<Engine> {
  let engine: Engine;
  if (typeof settings.engine === 'object' && settings.engine !== null) {
    checkOptionNames(settings, ['engine'], 'configure');
    engine = settings.engine;
  } else if (settings.engine === 'athena') {
    const { engine: _kind, outputLocation, ...athena } = settings;
    engine = await AthenaEngine.open({ ...athena, ...(outputLocation ? { outputLocation } : {}) });
  } else {
    const { engine: kind, logs, ...local } = settings as { engine?: string } & Omit<LocalSettings, 'engine'>;
    if (kind !== undefined && kind !== 'local') {
      throw new OptionError('engine', kind, `engine: ${JSON.stringify(kind)} is not an engine; use 'local', 'athena' or pass an Engine`);
    }
    const empty = logs === undefined || logs === '' || (Array.isArray(logs) && logs.length === 0);
    if (empty) await ensureSample();
    engine = await LocalEngine.open({ ...local, logs: empty ? bundledSampleDir() : logs });
  }
  if (recordingFacts()) recordFact({ kind: 'source', engine: engine.name, description: await engine.describe() });
  const previous = configured;
  configured = engine;
  if (previous && previous !== engine) await previous.close();
  return engine;
}

/** The engine set by `configure`, or an error that says how to set one. */
export function configuredEngine(): Engine {
  if (!configured) {
    throw new OptionError('engine', undefined, 'no engine configured: run the setup cell, i.e. await configure({ logs: "<folder of CloudTrail logs>" })');
  }
  return configured;
}

/** Options of one `queryResults` call. */
export interface QueryResultsOptions extends QueryOptions {
  /** Run on this engine instead of the configured one. */
  readonly engine?: Engine;
}

/**
 * Runs a query and returns its result: the articles' `query_results`, with values bound as
 * parameters, typed columns, and stats on what was read and skipped.
 *
 * @example
 * const suspect = 'ci-deploy';
 * const result = await queryResults(sql`
 *   SELECT eventtime, eventname, errorcode FROM cloudtrail
 *   WHERE useridentity.username = ${suspect} ORDER BY eventtime DESC`);
 * result.display();
 */
export async function queryResults(query: QueryInput, options: QueryResultsOptions = {}): Promise<QueryResult> {
  checkOptionNames(options, ['engine', 'signal', 'onProgress', 'maxRows'], 'queryResults');
  const engine = options.engine ?? configuredEngine();
  // The kernel's interrupt (Jupyter's stop button) arrives as SIGINT. While a query runs it
  // aborts the query, so the engine stops it (Athena: StopQueryExecution) instead of leaving
  // it running and billing after the cell gave up.
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  // Not while the cell's synchronous part runs: tslab runs it with vm's breakOnSigint, and a
  // SIGINT listener added then leaves the signal at its default when the run ends, so the
  // next interrupt would kill the kernel. One turn of the event loop later it is safe.
  await new Promise<void>((resolve) => setImmediate(resolve));
  process.once('SIGINT', onSigint);
  const signal = options.signal ? AbortSignal.any([options.signal, interrupt.signal]) : interrupt.signal;
  // The progress line's output becomes the result's: display() draws the table there, and
  // a result never displayed leaves a line saying what it was, not an empty output.
  let slot: ProgressSlot | undefined;
  const newSlot = () => (slot = loadTslab()?.newDisplay?.());
  try {
    const result = await withProgress({ label: `Query on ${engine.name}`, slot: newSlot }, (report) =>
      engine.query(query, {
        signal,
        maxRows: options.maxRows,
        onProgress: (progress) => {
          report(progress);
          options.onProgress?.(progress);
        },
      }),
    );
    const compiled = compileQuery(query);
    const context = contextOf(query);
    if (slot) {
      const facts = [`${formatCount(result.rowCount)} rows`, ...contextFacts(context)];
      try {
        slot.html(`<div class="irbook-query-done" style="font-size:12px;opacity:.8">${escapeHtml(`Query on ${engine.name}: ${facts.join(' · ')}`)}</div>`);
      } catch {
        slot = undefined; // tslab outside a kernel: there is no output to reuse.
      }
    }
    const withContext = result.withContext(context, slot);
    recordResult(withContext, compiled);
    return withContext;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
