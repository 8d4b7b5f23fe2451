/**
 * `AthenaStandIn`: a local HTTP server speaking Athena's JSON 1.1 protocol (and STS's
 * GetCallerIdentity) to the real SDK v3 clients, running the SQL on the local engine and
 * writing results to a local S3 server. Signing is not checked.
 *
 * @example
 * const standin = await AthenaStandIn.start({ logs: dir });
 * const athena = new AthenaClient(standin.athenaClientConfig);
 * …
 * await standin.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { LocalEngine } from '../../../lib/engines/local/local-engine';
import { AthenaActions, type WorkGroupSettings } from './actions';
import { Executions, type FailureSpec, type Latency, type QueryExecutionRecord, type StandInEngine } from './executions';
import {
  AwsWireError, readBody, sendCallerIdentity, sendJson, sendJsonError, sendXmlError, type CallerIdentity,
} from './protocol';
import { ResultStore } from './result-store';

/** Options of `AthenaStandIn.start`: give `logs` (a LocalEngine is opened and closed) or `engine`. */
export interface AthenaStandInOptions {
  /** Folder(s) of CloudTrail logs for a LocalEngine the stand-in opens and closes. */
  readonly logs?: string | readonly string[];
  /** An engine to run queries on; the stand-in does not close it. */
  readonly engine?: StandInEngine;
  /** Time QUEUED and (at least) RUNNING. Default 20 ms each. */
  readonly latency?: Partial<Latency>;
  /** The bucket created at start. Default `athena-results`. */
  readonly bucket?: string;
  /** The work group's output location, used when a request has none; null for none. Default `s3://<bucket>/`. */
  readonly workGroupOutputLocation?: string | null;
  /** What GetCallerIdentity answers. */
  readonly callerIdentity?: CallerIdentity;
  /** Whether the workgroup enforces its settings, and the capacity reservations there are. */
  readonly workGroup?: WorkGroupSettings;
}

/** One request as received: the action and its parsed body (form fields for STS). */
export interface RecordedRequest {
  readonly action: string;
  readonly body: Readonly<Record<string, unknown>>;
}

interface Injection {
  remaining: number;
  readonly errorName: string;
  readonly status: number;
}

const TARGET_PREFIX = 'AmazonAthena.';
const RESET = 'connection reset';
const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export class AthenaStandIn {
  /** `http://127.0.0.1:<port>`: Athena's endpoint. */
  readonly endpoint: string;
  /** STS's endpoint (the same server). */
  readonly stsEndpoint: string;
  /** s3rver's endpoint. */
  readonly s3Endpoint: string;
  /** Ready `S3Client` configuration for s3rver (path style, s3rver's keys). */
  readonly s3ClientConfig: S3ClientConfig;
  /** Ready `AthenaClient` / `STSClient` configuration: region, endpoint, test credentials. */
  readonly athenaClientConfig: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  readonly stsClientConfig: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** The bucket created at start. */
  readonly bucket: string;

  /**
   * Environment variables that point a default-configured AWS SDK (a notebook's kernel) at
   * the stand-in: the standard per-service endpoint variables, a region, and s3rver's fixed
   * key pair (s3rver checks signatures; the Athena stand-in does not).
   */
  sdkEnvironment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_ATHENA: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.stsEndpoint,
      AWS_ENDPOINT_URL_S3: this.s3Endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
  }
  /** Every request, in order, failed ones included. */
  readonly requests: RecordedRequest[] = [];
  /** What GetCallerIdentity answers; change it freely. */
  callerIdentity: CallerIdentity;
  readonly #server: Server;
  readonly #store: ResultStore;
  readonly #executions: Executions;
  readonly #actions: AthenaActions;
  readonly #ownedEngine: StandInEngine | undefined;
  readonly #injections: { action: string; injection: Injection }[] = [];
  #closed = false;

  private constructor(server: Server, store: ResultStore, executions: Executions, ownedEngine: StandInEngine | undefined, options: AthenaStandInOptions, bucket: string) {
    this.#server = server;
    this.#store = store;
    this.#executions = executions;
    this.#ownedEngine = ownedEngine;
    this.bucket = bucket;
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.stsEndpoint = this.endpoint;
    this.s3Endpoint = store.endpoint;
    this.s3ClientConfig = store.clientConfig;
    this.athenaClientConfig = { region: 'us-east-1', endpoint: this.endpoint, credentials: { ...TEST_CREDENTIALS } };
    this.stsClientConfig = { region: 'us-east-1', endpoint: this.endpoint, credentials: { ...TEST_CREDENTIALS } };
    this.callerIdentity = options.callerIdentity ?? {
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/irbook-test',
      UserId: 'AIDAIRBOOKTESTUSER01',
    };
    const workGroupOutput = options.workGroupOutputLocation === undefined ? `s3://${bucket}/` : options.workGroupOutputLocation;
    this.#actions = new AthenaActions(executions, workGroupOutput ?? undefined, options.workGroup);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void this.#handle(request, response));
  }

  /** Opens the engine (when given `logs`), starts s3rver and the server, each on a random port. */
  static async start(options: AthenaStandInOptions): Promise<AthenaStandIn> {
    if (!options.engine && !options.logs) throw new Error('AthenaStandIn.start needs `logs` or `engine`');
    const bucket = options.bucket ?? 'athena-results';
    const owned = options.engine ? undefined : await LocalEngine.open({ logs: options.logs! });
    const engine = options.engine ?? owned!;
    let store: ResultStore | undefined;
    try {
      store = await ResultStore.start(bucket);
      const server = createServer({ keepAliveTimeout: 1000 });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const executions = new Executions(engine, store, { queuedMs: 20, runningMs: 20, ...options.latency });
      return new AthenaStandIn(server, store, executions, owned, options, bucket);
    } catch (error) {
      await store?.close();
      await owned?.close();
      throw error;
    }
  }

  /** Every query execution by id, in submission order. */
  get queries(): ReadonlyMap<string, QueryExecutionRecord> {
    return this.#executions.queries;
  }

  /** Ids StopQueryExecution was called for, in order (unknown and finished ones included). */
  get stopped(): readonly string[] {
    return this.#executions.stopped;
  }

  /** The next `count` calls of `action` (e.g. `StartQueryExecution`, `GetCallerIdentity`) fail with `errorName`. */
  injectErrors(action: string, count: number, errorName = 'ThrottlingException', status = 400): void {
    this.#injections.push({ action, injection: { remaining: count, errorName, status } });
  }

  /**
   * The next `count` calls of `action` get no answer: the server drops the connection, which
   * the SDK reports as ECONNRESET ("socket hang up"), as a flaky network or proxy does.
   */
  injectResets(action: string, count: number): void {
    this.#injections.push({ action, injection: { remaining: count, errorName: RESET, status: 0 } });
  }

  /** Changes the latencies of queries started from now on. */
  setLatency(latency: Partial<Latency>): void {
    this.#executions.latency = { ...this.#executions.latency, ...latency };
  }

  /** The next query FAILS (after its latencies) with `reason`; category 2 (USER) unless given. */
  failWith(reason: string, spec: FailureSpec = {}): void {
    this.#executions.failNext(reason, spec);
  }

  /** The next `count` queries stay RUNNING until stopped. */
  holdNext(count = 1): void {
    this.#executions.holdNext(count);
  }

  /** The bytes of an object in the local S3, by `s3://` location (e.g. a query's OutputLocation). */
  readObject(location: string): Promise<Buffer> {
    return this.#store.get(location);
  }

  /** Stops both servers, and the engine if the stand-in opened it. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#executions.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
    await this.#store.close();
    await this.#ownedEngine?.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') {
      const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      try {
        const parsed: unknown = text === '' ? {} : JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new AwsWireError('SerializationException', 'the request body is not a JSON object');
        }
        const body = parsed as Record<string, unknown>;
        this.requests.push({ action, body });
        if (this.#injected(action) === RESET) {
          request.socket.destroy();
          return;
        }
        sendJson(response, 200, await this.#actions.handle(action, body));
      } catch (error) {
        sendJsonError(response, wireError(error));
      }
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(text));
    const action = form.Action ?? '';
    this.requests.push({ action, body: form });
    try {
      if (this.#injected(action) === RESET) {
        request.socket.destroy();
        return;
      }
      if (action !== 'GetCallerIdentity') throw new AwsWireError('InvalidAction', `Could not find operation ${action}`);
      sendCallerIdentity(response, this.callerIdentity);
    } catch (error) {
      sendXmlError(response, wireError(error));
    }
  }

  /** Throws the injected error for `action`, if one is due; returns RESET when the connection is to be dropped. */
  #injected(action: string): typeof RESET | undefined {
    const found = this.#injections.find((i) => i.action === action && i.injection.remaining > 0);
    if (!found) return undefined;
    found.injection.remaining--;
    const { errorName, status } = found.injection;
    if (errorName === RESET) return RESET;
    const throttling = /Throttl|TooManyRequests/.test(errorName);
    throw new AwsWireError(errorName, throttling ? 'Rate exceeded' : `injected ${errorName}`, status);
  }
}

function wireError(error: unknown): AwsWireError {
  if (error instanceof AwsWireError) return error;
  if (error instanceof SyntaxError) return new AwsWireError('SerializationException', error.message);
  return new AwsWireError('InternalServerException', (error as Error).message, 500);
}
