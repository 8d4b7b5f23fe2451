/**
 * Wire helpers: the AWS JSON 1.1 protocol (Athena) and the AWS query protocol (STS), as the
 * SDK v3 clients send and parse them.
 *
 * JSON 1.1: `POST /`, `X-Amz-Target: AmazonAthena.<Action>`, JSON body; errors are HTTP 4xx/5xx
 * with `{"__type": "<ErrorName>", "message": "…", "Message": "…"}` (the SDK takes the error name
 * from `__type`, then the `x-amzn-errortype` header, and the message from `message` or
 * `Message`; the stand-in sends both spellings and the header).
 *
 * Query (STS): `POST /`, form body `Action=GetCallerIdentity&Version=2011-06-15`; XML answers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answered on the wire: `name` becomes the SDK error's `name`. */
export class AwsWireError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly status = 400,
    /** More members of the error shape, e.g. Athena's `AthenaErrorCode`. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * An Athena `InvalidRequestException`.
 *
 * @example
 * throw invalidRequest('Query has not yet finished. Current state: RUNNING');
 */
export function invalidRequest(message: string): AwsWireError {
  return new AwsWireError('InvalidRequestException', message, 400, { AthenaErrorCode: 'INVALID_INPUT' });
}

/** The whole request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON 1.1 answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

/** Sends a JSON 1.1 error as the SDK expects it. */
export function sendJsonError(response: ServerResponse, error: AwsWireError): void {
  response.setHeader('x-amzn-errortype', error.errorName);
  sendJson(response, error.status, { __type: error.errorName, message: error.message, Message: error.message, ...error.fields });
}

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Who STS says the caller is. */
export interface CallerIdentity {
  readonly Account: string;
  readonly Arn: string;
  readonly UserId: string;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function sendXml(response: ServerResponse, status: number, requestId: string, xml: string): void {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  response.end(xml);
}

/** Sends STS's GetCallerIdentity answer. */
export function sendCallerIdentity(response: ServerResponse, identity: CallerIdentity): void {
  const requestId = randomUUID();
  sendXml(response, 200, requestId,
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">\n` +
      '  <GetCallerIdentityResult>\n' +
      `    <Arn>${xmlEscape(identity.Arn)}</Arn>\n` +
      `    <UserId>${xmlEscape(identity.UserId)}</UserId>\n` +
      `    <Account>${xmlEscape(identity.Account)}</Account>\n` +
      '  </GetCallerIdentityResult>\n' +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
      '</GetCallerIdentityResponse>\n');
}

/** Sends an AWS query protocol error (`<ErrorResponse>`), as STS does. */
export function sendXmlError(response: ServerResponse, error: AwsWireError): void {
  const requestId = randomUUID();
  sendXml(response, error.status, requestId,
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
      `  <Error>\n    <Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
      `    <Code>${xmlEscape(error.errorName)}</Code>\n    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`);
}

/** A JSON request body's members, read with their types checked. */
export class RequestBody {
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  /** A string member; required ones fail as Athena's validation would. */
  string(name: string, required: true): string;
  string(name: string, required?: false): string | undefined;
  string(name: string, required = false): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) {
      if (required) throw invalidRequest(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof value !== 'string') throw invalidRequest(`${name} must be a string`);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') throw invalidRequest(`${name} must be a number`);
    return value;
  }

  strings(name: string): string[] | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidRequest(`${name} must be a list of strings`);
    return value as string[];
  }

  object(name: string): RequestBody {
    const value = this.raw[name];
    if (value === undefined || value === null) return new RequestBody({});
    if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest(`${name} must be a structure`);
    return new RequestBody(value as Record<string, unknown>);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
