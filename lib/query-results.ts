import type { Engine, QueryOptions } from './engines/engine';
import { LocalEngine, type LocalEngineOptions } from './engines/local/local-engine';
import { withProgress } from './display/progress';
import { OptionError } from './errors';
import { checkOptionNames } from './options';
import type { QueryResult } from './result/query-result';
import type { QueryInput } from './sql';

/** The notebook's engine settings, as its setup cell states them. */
export type EngineSettings = ({ readonly engine?: 'local' } & LocalEngineOptions) | { readonly engine: Engine };

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
  } else {
    const { engine: kind, ...local } = settings as { engine?: string } & LocalEngineOptions;
    if (kind !== undefined && kind !== 'local') {
      throw new OptionError('engine', kind, `engine: ${JSON.stringify(kind)} is not available; use 'local' or pass an Engine`);
    }
    engine = await LocalEngine.open(local);
  }
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
  checkOptionNames(options, ['engine', 'signal', 'onProgress'], 'queryResults');
  const engine = options.engine ?? configuredEngine();
  return withProgress({ label: `Query on ${engine.name}` }, (report) =>
    engine.query(query, {
      signal: options.signal,
      onProgress: (progress) => {
        report(progress);
        options.onProgress?.(progress);
      },
    }),
  );
}
