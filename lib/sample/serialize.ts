/**
 * Record serialization, byte-for-byte what `JSON.stringify(record)` gives but faster: frozen
 * (shared, cached) sub-objects such as identities and constant request parameters are
 * stringified once and reused, and plain strings skip escaping when they need none.
 */

import type { CloudTrailRecord } from './record';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const shared = new WeakMap<object, string>();
// Values the generator formats itself (times, ids, names, regions, addresses) never need escaping.
const PLAIN = new Set([
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'errorCode',
  'requestID',
  'eventID',
  'eventType',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'eventCategory',
  'sessionCredentialFromConsole',
]);

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * JSON text of a value; frozen objects' text is computed once and kept.
 *
 * @example
 * toJson(Object.freeze({ a: 1 })); // '{"a":1}' (cached from then on)
 */
export function toJson(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  let text = shared.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    shared.set(value, text);
  }
  return text;
}

/**
 * One record as a line of JSON, identical to `JSON.stringify(record)`.
 *
 * @example
 * serializeRecord(record) === JSON.stringify(record); // true
 */
export function serializeRecord(record: CloudTrailRecord): string {
  let out = '';
  const fields = record as unknown as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    let text: string;
    if (typeof value === 'boolean') text = value ? 'true' : 'false';
    else if (typeof value === 'string' && PLAIN.has(key)) text = `"${value}"`;
    else text = toJson(value);
    out += `${out === '' ? '{' : ','}"${key}":${text}`;
  }
  return out === '' ? '{}' : out + '}';
}
