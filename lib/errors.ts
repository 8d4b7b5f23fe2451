/**
 * One error class per failure kind. Each carries the fields a person needs to act on it
 * (the SQL, the file, the option name) so a notebook can show more than a message.
 */

import { inspect } from 'node:util';

/** Base class of every error irbook throws on purpose. */
export class IrbookError extends Error {
  override readonly name: string = 'IrbookError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /**
   * tslab shows a failed cell's error through `console.error`. An error irbook throws on
   * purpose says in its message what went wrong and what to do; a stack trace through
   * `node_modules` only buries that under an incident. `error.stack` keeps it for debugging.
   */
  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}

/** An option or argument is wrong: `option` names it, `value` is what was given. */
export class OptionError extends IrbookError {
  override readonly name: string = 'OptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
  }
}

/** A query could not be built (bad identifier, unknown parameter, wrong value type). */
export class SqlBuildError extends IrbookError {
  override readonly name: string = 'SqlBuildError';
}

/** A `?` Athena would refuse: where it stands and why. */
export class PlaceholderError extends SqlBuildError {
  override readonly name: string = 'PlaceholderError';
  constructor(
    message: string,
    /** The clause the placeholder is in, as SQL spells it (`SELECT`, `LIMIT`, `JOIN … ON`, …). */
    readonly clause: string,
    /** 1-based number of the placeholder, as in the query's "bound parameters" list. */
    readonly placeholder: number,
  ) {
    super(message);
  }
}

/** The engine rejected or failed the query. `sql` is the text sent, with `?` placeholders. */
export class QueryError extends IrbookError {
  override readonly name: string = 'QueryError';
  readonly sql: string;
  readonly engine: string;
  readonly queryExecutionId?: string;
  readonly state?: string;
  readonly stateChangeReason?: string;
  readonly errorCategory?: string;

  constructor(
    message: string,
    fields: {
      sql: string;
      engine: string;
      queryExecutionId?: string;
      state?: string;
      stateChangeReason?: string;
      errorCategory?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: fields.cause });
    this.sql = fields.sql;
    this.engine = fields.engine;
    this.queryExecutionId = fields.queryExecutionId;
    this.state = fields.state;
    this.stateChangeReason = fields.stateChangeReason;
    this.errorCategory = fields.errorCategory;
  }
}

/** The query was stopped by an AbortSignal (a kernel interrupt, a timeout). */
export class QueryCancelledError extends QueryError {
  override readonly name: string = 'QueryCancelledError';
}

/** A log source (folder or file) cannot be read. `file` is the path, `reason` what is wrong. */
export class SourceError extends IrbookError {
  override readonly name: string = 'SourceError';
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}

/** Strict mode: some files could not be read, so the result would be incomplete. */
export class SkippedFilesError extends IrbookError {
  override readonly name: string = 'SkippedFilesError';
  constructor(readonly skipped: readonly { file: string; reason: string }[]) {
    super(
      `${skipped.length} log file(s) could not be read and strict mode is on:\n` +
        skipped
          .slice(0, 20)
          .map((s) => `  ${s.file}: ${s.reason}`)
          .join('\n') +
        (skipped.length > 20 ? `\n  … and ${skipped.length - 20} more` : ''),
    );
  }
}

/**
 * A notebook cell failed during a headless run. The run's files are still written:
 * `notebookFile` and `htmlFile` hold everything up to and including the failed cell.
 */
export class NotebookCellError extends IrbookError {
  override readonly name: string = 'NotebookCellError';
  /** 0-based index of the failed cell in the executed notebook (after injected parameters). */
  readonly cellIndex?: number;
  /** The exception's name and message as the kernel reported them. */
  readonly errorName?: string;
  readonly errorValue?: string;
  readonly notebookFile: string;
  readonly htmlFile: string;
  constructor(
    message: string,
    details: { cellIndex?: number; errorName?: string; errorValue?: string; notebookFile: string; htmlFile: string },
  ) {
    super(message);
    this.cellIndex = details.cellIndex;
    this.errorName = details.errorName;
    this.errorValue = details.errorValue;
    this.notebookFile = details.notebookFile;
    this.htmlFile = details.htmlFile;
  }
}

/**
 * The result CSV is not well-formed. `row` is 1-based and counts the header; `offset` is the
 * 0-based character (UTF-16 code unit) position in the decoded text where the problem was seen.
 */
export class AthenaCsvError extends SourceError {
  override readonly name: string = 'AthenaCsvError';
  constructor(
    file: string,
    readonly row: number,
    readonly offset: number,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(file, `row ${row}, character ${offset}: ${problem}`, options);
  }
}

/**
 * Containment refused to act: the target is the caller itself, the account is not the plan's,
 * `confirm` does not name the account, or the plan is too old. Nothing was changed.
 */
export class ContainmentRefusedError extends IrbookError {
  override readonly name: string = 'ContainmentRefusedError';
}

/** A containment step failed: the report says what changed before it and what was not run. */
export class ContainmentFailedError extends IrbookError {
  override readonly name: string = 'ContainmentFailedError';
}

/**
 * A result has more rows than the limit allows (`maxRows` of the query, the engine or
 * `configure`). The query fails rather than returning a shortened result, which could be
 * taken for the whole answer; `limit` is the limit that applied.
 */
export class ResultTooLargeError extends QueryError {
  override readonly name: string = 'ResultTooLargeError';
  constructor(
    readonly limit: number,
    fields: { sql: string; engine: string },
  ) {
    super(
      `the result has more than ${limit.toLocaleString('en-US')} rows, the row limit: aggregate or filter it ` +
        '(GROUP BY, WHERE, LIMIT), write it to a file with queryToFile() or `irbook query --out FILE`, ' +
        'or raise the limit with the maxRows option (of the query, the engine or configure)',
      fields,
    );
  }
}
