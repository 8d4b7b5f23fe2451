/**
 * The life of one stand-in query: QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED over
 * configurable latencies, run on the local engine with bound parameters, the result written
 * to S3 as Athena's CSV before the query counts as SUCCEEDED.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../../lib/engines/engine';
import { tokenizeTrino, isSignificant } from '../../../lib/engines/local/trino/tokens';
import { toAthenaCsv, toAthenaResult, toAthenaText, type AthenaResult } from './athena-format';
import type { BoundQuery } from './parameters';
import type { ResultStore } from './result-store';

/** What the stand-in needs of an engine (a LocalEngine, in practice). */
export type StandInEngine = Pick<Engine, 'query' | 'close'>;

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** How long a query stays QUEUED, then RUNNING (at least; the engine may take longer). */
export interface Latency {
  readonly queuedMs: number;
  readonly runningMs: number;
}

/** Athena's `Status.AthenaError`. Category 1 SYSTEM, 2 USER, 3 OTHER. */
export interface AthenaErrorInfo {
  readonly ErrorCategory: 1 | 2 | 3;
  readonly ErrorType: number;
  readonly Retryable: boolean;
  readonly ErrorMessage: string;
}

/** How `failWith` makes a query fail. */
export interface FailureSpec {
  readonly category?: 1 | 2 | 3;
  readonly errorType?: number;
  readonly retryable?: boolean;
}

/** One query execution, as the stand-in keeps it (tests may read it). */
export interface QueryExecutionRecord {
  readonly id: string;
  readonly query: string;
  readonly executionParameters: readonly string[] | undefined;
  readonly statementType: 'DML' | 'DDL' | 'UTILITY';
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly workGroup: string;
  /** The `s3://…/<id>.csv` (or `.txt`) the result is written to. */
  readonly outputLocation: string;
  readonly submitted: Date;
  state: QueryState;
  started?: Date;
  completed?: Date;
  stateChangeReason?: string;
  athenaError?: AthenaErrorInfo;
  /** The result in Athena's text form, once SUCCEEDED. */
  result?: AthenaResult;
  dataScannedBytes: number;
  /** Answered from an earlier query's result (ResultReuseConfiguration). */
  reusedFrom?: string;
  /** Stays RUNNING until stopped. */
  readonly held: boolean;
}

/** What a new query needs from StartQueryExecution. */
export interface Submission {
  readonly query: string;
  readonly executionParameters: readonly string[] | undefined;
  readonly bound: BoundQuery;
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly workGroup: string;
  /** The output folder, `s3://bucket/prefix/`. */
  readonly outputFolder: string;
  /** An earlier SUCCEEDED query to answer from. */
  readonly reuse: QueryExecutionRecord | undefined;
}

/** A failure of the service, not of the query (ErrorCategory 1, SYSTEM). */
class SystemFailure extends Error {}

const DDL_WORDS = new Set(['create', 'drop', 'alter', 'show', 'describe', 'msck', 'use']);
const UTILITY_WORDS = new Set(['explain']);

/**
 * Athena's StatementType from the first word of the query.
 *
 * @example
 * statementType('WITH x AS (SELECT 1) SELECT * FROM x'); // 'DML'
 */
export function statementType(query: string): 'DML' | 'DDL' | 'UTILITY' {
  const first = tokenizeTrino(query).find((t) => isSignificant(t) && t.text !== '(');
  const word = first?.text.toLowerCase() ?? '';
  if (DDL_WORDS.has(word)) return 'DDL';
  if (UTILITY_WORDS.has(word)) return 'UTILITY';
  return 'DML';
}

/** Runs the stand-in's queries; owns their timers and cancellations. */
export class Executions {
  readonly queries = new Map<string, QueryExecutionRecord>();
  readonly stopped: string[] = [];
  latency: Latency;
  readonly #engine: StandInEngine;
  readonly #store: ResultStore;
  readonly #failures: (FailureSpec & { reason: string })[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #aborts = new Map<string, AbortController>();
  readonly #bound = new Map<string, BoundQuery>();
  #holdNext = 0;
  #closed = false;

  constructor(engine: StandInEngine, store: ResultStore, latency: Latency) {
    this.#engine = engine;
    this.#store = store;
    this.latency = latency;
  }

  /** The next query fails after its latencies with `reason`. Queued: calls add up. */
  failNext(reason: string, spec: FailureSpec = {}): void {
    this.#failures.push({ ...spec, reason });
  }

  /** The next `count` queries stay RUNNING until stopped. */
  holdNext(count = 1): void {
    this.#holdNext += count;
  }

  /** Records a new query and starts its clock. */
  submit(submission: Submission): QueryExecutionRecord {
    const id = randomUUID();
    const type = statementType(submission.query);
    const held = this.#holdNext > 0;
    if (held) this.#holdNext--;
    const record: QueryExecutionRecord = {
      id,
      query: submission.query,
      executionParameters: submission.executionParameters,
      statementType: type,
      database: submission.database,
      catalog: submission.catalog,
      workGroup: submission.workGroup,
      outputLocation: submission.reuse?.outputLocation ?? `${submission.outputFolder}${id}.${type === 'DML' ? 'csv' : 'txt'}`,
      submitted: new Date(),
      state: 'QUEUED',
      dataScannedBytes: 0,
      reusedFrom: submission.reuse?.id,
      held,
    };
    this.queries.set(id, record);
    this.#bound.set(id, submission.bound);
    this.#after(this.latency.queuedMs, () => {
      if (record.state !== 'QUEUED') return;
      record.state = 'RUNNING';
      record.started = new Date();
      if (!record.held) void this.#run(record);
    });
    return record;
  }

  /** StopQueryExecution: a QUEUED or RUNNING query becomes CANCELLED; others are left as they are. */
  stop(id: string): void {
    this.stopped.push(id);
    const record = this.queries.get(id);
    if (!record || (record.state !== 'QUEUED' && record.state !== 'RUNNING')) return;
    this.#finish(record, 'CANCELLED', { reason: 'Query cancelled by user' });
    this.#aborts.get(id)?.abort();
  }

  async #run(record: QueryExecutionRecord): Promise<void> {
    const abort = new AbortController();
    this.#aborts.set(record.id, abort);
    const minimum = this.#delay(this.latency.runningMs);
    const bound = this.#bound.get(record.id)!;
    const failure = this.#failures.shift();
    try {
      if (failure || !bound.ok) {
        await minimum;
        if (record.state !== 'RUNNING') return;
        if (failure) this.#finish(record, 'FAILED', failure);
        else if (!bound.ok) this.#finish(record, 'FAILED', { reason: bound.reason, category: 2, errorType: 1100 });
        return;
      }
      const reused = record.reusedFrom ? this.queries.get(record.reusedFrom) : undefined;
      let result = reused?.result;
      let scanned = 0;
      if (!result) {
        const answer = await this.#engine.query(bound.query, { signal: abort.signal });
        result = toAthenaResult(answer);
        scanned = answer.stats.bytesRead ?? answer.stats.dataScannedBytes ?? 0;
      }
      await minimum;
      if (record.state !== 'RUNNING') return;
      if (!reused) await this.#write(record, result);
      if (record.state !== 'RUNNING') return;
      record.result = result;
      record.dataScannedBytes = scanned;
      this.#finish(record, 'SUCCEEDED');
    } catch (error) {
      if (record.state !== 'RUNNING') return;
      const system = error instanceof SystemFailure;
      this.#finish(record, 'FAILED', { reason: (error as Error).message, category: system ? 1 : 2, errorType: system ? 401 : 1100 });
    } finally {
      this.#aborts.delete(record.id);
    }
  }

  async #write(record: QueryExecutionRecord, result: AthenaResult): Promise<void> {
    try {
      const body = record.statementType === 'DML'
        ? toAthenaCsv(result.columns.map((c) => c.Name), result.rows)
        : toAthenaText(result.rows);
      await this.#store.put(record.outputLocation, body, record.statementType === 'DML' ? 'text/csv' : 'text/plain');
    } catch (error) {
      throw new SystemFailure(`Unable to write the query result to ${record.outputLocation}: ${(error as Error).message}`);
    }
  }

  #finish(record: QueryExecutionRecord, state: QueryState, failure?: FailureSpec & { reason: string }): void {
    record.state = state;
    record.completed = new Date();
    record.started ??= record.completed;
    if (!failure) return;
    record.stateChangeReason = failure.reason;
    if (state === 'FAILED') {
      record.athenaError = {
        ErrorCategory: failure.category ?? 2,
        ErrorType: failure.errorType ?? 1100,
        Retryable: failure.retryable ?? false,
        ErrorMessage: failure.reason,
      };
    }
  }

  #after(ms: number, run: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.#after(ms, resolve));
  }

  /** Cancels what is pending; queries still QUEUED or RUNNING stay so. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const abort of this.#aborts.values()) abort.abort();
  }
}
