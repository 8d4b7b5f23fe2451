/**
 * The Athena actions the stand-in answers, request JSON in, response JSON out, shaped as the
 * real service's (timestamps as epoch seconds, as the JSON protocol carries them).
 */
import type { Executions, QueryExecutionRecord } from './executions';
import { bindParameters, ParameterLiteralError, type BoundQuery } from './parameters';
import { AwsWireError, invalidRequest, RequestBody } from './protocol';

/** Rows per GetQueryResults page when MaxResults is not given, and the most allowed. */
const MAX_RESULTS = 1000;

const seconds = (date: Date): number => date.getTime() / 1000;

/** How the stand-in's workgroups are configured. */
export interface WorkGroupSettings {
  /** EnforceWorkGroupConfiguration: the workgroup's output location wins over the query's. */
  readonly enforced?: boolean;
  /** Capacity reservations (all ACTIVE) and the workgroups assigned to each. */
  readonly capacityReservations?: Readonly<Record<string, readonly string[]>>;
}

export class AthenaActions {
  readonly #executions: Executions;
  readonly #workGroupOutput: string | undefined;
  readonly #workGroup: WorkGroupSettings;
  readonly #tokens = new Map<string, string>();

  constructor(executions: Executions, workGroupOutput: string | undefined, workGroup: WorkGroupSettings = {}) {
    this.#executions = executions;
    this.#workGroupOutput = workGroupOutput;
    this.#workGroup = workGroup;
  }

  /** The response body of one action. */
  async handle(action: string, raw: Readonly<Record<string, unknown>>): Promise<object> {
    const body = new RequestBody(raw);
    switch (action) {
      case 'StartQueryExecution':
        return this.#start(body);
      case 'GetQueryExecution':
        return { QueryExecution: describe(this.#find(body)) };
      case 'GetQueryResults':
        return this.#results(body);
      case 'StopQueryExecution': {
        const id = body.string('QueryExecutionId', true);
        this.#executions.stop(id);
        return {};
      }
      case 'GetWorkGroup':
        return this.#describeWorkGroup(body);
      case 'ListCapacityReservations':
        return {
          CapacityReservations: Object.keys(this.#workGroup.capacityReservations ?? {}).map((Name) => ({
            Name, Status: 'ACTIVE', TargetDpus: 24, AllocatedDpus: 24, CreationTime: 1_700_000_000,
          })),
        };
      case 'GetCapacityAssignmentConfiguration': {
        const name = body.string('CapacityReservationName', true);
        const groups = this.#workGroup.capacityReservations?.[name];
        if (!groups) throw invalidRequest(`Capacity reservation ${name} was not found`);
        return { CapacityAssignmentConfiguration: { CapacityReservationName: name, CapacityAssignments: [{ WorkGroupNames: groups }] } };
      }
      default:
        throw new AwsWireError('UnknownOperationException', `the Athena stand-in does not answer ${action}`);
    }
  }

  #start(body: RequestBody): object {
    const query = body.string('QueryString', true);
    if (query.trim() === '') throw invalidRequest("1 validation error detected: Value '' at 'queryString' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const token = body.string('ClientRequestToken');
    const earlier = token === undefined ? undefined : this.#tokens.get(token);
    if (earlier) return { QueryExecutionId: earlier };

    const executionParameters = body.strings('ExecutionParameters');
    let bound: BoundQuery;
    try {
      bound = bindParameters(query, executionParameters);
    } catch (error) {
      if (error instanceof ParameterLiteralError) throw invalidRequest(error.message);
      throw error;
    }
    const context = body.object('QueryExecutionContext');
    // A workgroup that enforces its configuration ignores the query's result location.
    const requested = body.object('ResultConfiguration').string('OutputLocation');
    const output = this.#workGroup.enforced ? this.#workGroupOutput : requested ?? this.#workGroupOutput;
    if (output === undefined) {
      throw invalidRequest('No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.');
    }
    if (!/^s3:\/\/[^/]+/.test(output)) throw invalidRequest(`OutputLocation ${JSON.stringify(output)} is not an s3:// location`);
    const database = context.string('Database');
    const reuseByAge = body.object('ResultReuseConfiguration').object('ResultReuseByAgeConfiguration');
    const reuse = reuseByAge.raw.Enabled === true
      ? this.#reusable(query, executionParameters, database, reuseByAge.number('MaxAgeInMinutes') ?? 60)
      : undefined;
    const record = this.#executions.submit({
      query,
      executionParameters,
      bound,
      database,
      catalog: context.string('Catalog'),
      workGroup: body.string('WorkGroup') ?? 'primary',
      outputFolder: output.endsWith('/') ? output : `${output}/`,
      reuse,
    });
    if (token !== undefined) this.#tokens.set(token, record.id);
    return { QueryExecutionId: record.id };
  }

  #reusable(query: string, parameters: readonly string[] | undefined, database: string | undefined, maxAgeMinutes: number) {
    const oldest = Date.now() - maxAgeMinutes * 60_000;
    const same = (r: QueryExecutionRecord) =>
      r.state === 'SUCCEEDED' && r.query === query && r.database === database &&
      JSON.stringify(r.executionParameters ?? []) === JSON.stringify(parameters ?? []) &&
      (r.completed?.getTime() ?? 0) >= oldest;
    return [...this.#executions.queries.values()].reverse().find(same);
  }

  #find(body: RequestBody): QueryExecutionRecord {
    const id = body.string('QueryExecutionId', true);
    const record = this.#executions.queries.get(id);
    if (!record) throw invalidRequest(`QueryExecution ${id} was not found`);
    return record;
  }

  #results(body: RequestBody): object {
    const record = this.#find(body);
    if (record.state === 'QUEUED' || record.state === 'RUNNING') {
      throw invalidRequest(`Query has not yet finished. Current state: ${record.state}`);
    }
    if (record.state !== 'SUCCEEDED' || !record.result) {
      throw invalidRequest(`Query did not finish successfully. Final query state: ${record.state}${record.stateChangeReason ? `\n${record.stateChangeReason}` : ''}`);
    }
    const max = body.number('MaxResults') ?? MAX_RESULTS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
      throw invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`);
    }
    const offset = readToken(body.string('NextToken'), record.id);
    const { columns, rows } = record.result;
    const header = record.statementType === 'DML' ? [columns.map((c) => c.Label)] : [];
    const all = [...header, ...rows];
    const end = Math.min(offset + max, all.length);
    return {
      UpdateCount: 0,
      ResultSet: {
        Rows: all.slice(offset, end).map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: { ColumnInfo: columns },
      },
      ...(end < all.length ? { NextToken: makeToken(record.id, end) } : {}),
    };
  }

  #describeWorkGroup(body: RequestBody): object {
    const name = body.string('WorkGroup', true);
    return {
      WorkGroup: {
        Name: name,
        State: 'ENABLED',
        Configuration: {
          ...(this.#workGroupOutput ? { ResultConfiguration: { OutputLocation: this.#workGroupOutput } } : {}),
          EnforceWorkGroupConfiguration: this.#workGroup.enforced === true,
          PublishCloudWatchMetricsEnabled: false,
          EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
        },
        CreationTime: 1_700_000_000,
      },
    };
  }
}

/** GetQueryExecution's `QueryExecution` for a record, as of now. */
function describe(r: QueryExecutionRecord): object {
  const now = new Date();
  const queued = (r.started ?? now).getTime() - r.submitted.getTime();
  const running = r.started ? (r.completed ?? now).getTime() - r.started.getTime() : 0;
  return {
    QueryExecutionId: r.id,
    Query: r.query,
    StatementType: r.statementType,
    ResultConfiguration: { OutputLocation: r.outputLocation },
    ...(r.reusedFrom !== undefined ? { ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true } } } : {}),
    QueryExecutionContext: {
      ...(r.database !== undefined ? { Database: r.database } : {}),
      ...(r.catalog !== undefined ? { Catalog: r.catalog } : {}),
    },
    Status: {
      State: r.state,
      ...(r.stateChangeReason !== undefined ? { StateChangeReason: r.stateChangeReason } : {}),
      SubmissionDateTime: seconds(r.submitted),
      ...(r.completed ? { CompletionDateTime: seconds(r.completed) } : {}),
      ...(r.athenaError ? { AthenaError: r.athenaError } : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: running,
      DataScannedInBytes: r.dataScannedBytes,
      TotalExecutionTimeInMillis: queued + running,
      QueryQueueTimeInMillis: queued,
      ServicePreProcessingTimeInMillis: 0,
      QueryPlanningTimeInMillis: 0,
      ServiceProcessingTimeInMillis: 0,
      ResultReuseInformation: { ReusedPreviousResult: r.reusedFrom !== undefined },
    },
    WorkGroup: r.workGroup,
    EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    ...(r.executionParameters !== undefined ? { ExecutionParameters: r.executionParameters } : {}),
    SubstatementType: r.statementType === 'DML' ? 'SELECT' : undefined,
  };
}

function makeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64url');
}

function readToken(token: string | undefined, id: string): number {
  if (token === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'id' in parsed && 'offset' in parsed &&
        parsed.id === id && typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // falls through to the error below
  }
  throw invalidRequest(`The NextToken ${JSON.stringify(token)} is not valid for query ${id}`);
}
