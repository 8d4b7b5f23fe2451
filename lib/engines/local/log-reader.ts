/**
 * Opens one log file and returns its CloudTrail records, or the reason it cannot be used.
 * Every file goes through here whatever its name: the content decides (gzip or not, a
 * delivery object, an array, JSON lines), and a failure names this file and nothing else.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * JSON nested deeper than this is refused before anything else sees it: DuckDB crashes the
 * process (a kernel, in a notebook) on JSON nested about 17,000 levels deep, even for
 * `count(*)`. Real CloudTrail records nest a few dozen levels at most.
 */
export const MAX_JSON_DEPTH = 512;

/** The outcome of reading one file. */
export type LogFileContent =
  | { readonly ok: true; readonly records: readonly Record<string, unknown>[] }
  | { readonly ok: false; readonly reason: string; /** Not a log at all (a digest): counted, not an error. */ readonly ignore?: true };

/** A file's decompressed bytes, or why there are none. */
export type LogBytes = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly reason: string };

const EVENT_KEYS = ['eventVersion', 'eventTime', 'eventName', 'eventSource', 'eventID'];
const DIGEST_KEYS = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'previousDigestSignature'];

/**
 * Reads and decompresses one file (gzip by its content, whatever its name). Synchronous: it
 * runs in a reader thread, one per core. Never throws.
 */
export function readLogBytes(path: string): LogBytes {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (/\.gz$/i.test(path) && !gzip) return { ok: false, reason: 'named .gz but not gzip-compressed' };
  if (!gzip) return { ok: true, bytes };
  try {
    return { ok: true, bytes: gunzipSync(bytes) };
  } catch (error) {
    return { ok: false, reason: `corrupt gzip data (${(error as Error).message})` };
  }
}

/** Whether a record has one of the fields every CloudTrail event has. */
export function looksLikeEvent(record: Record<string, unknown>): boolean {
  return EVENT_KEYS.some((k) => k in record);
}

/** The record keys {@link looksLikeEvent} tests, for the same test in SQL. */
export const EVENT_FIELD_KEYS: readonly string[] = EVENT_KEYS;

/** Why a file of JSON objects none of which looks like an event is skipped. */
export const NO_EVENTS_REASON = notCloudTrail('JSON objects without Records or event fields');

/**
 * Parses the text of a log file (already decompressed) in JS and checks its shape and depth:
 * the exact reading, which names the problem of a file precisely.
 */
export function parseLogText(raw: string): LogFileContent {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text === '') return { ok: false, reason: 'no JSON content (empty once decompressed, or only whitespace)' };
  if (text[0] !== '{' && text[0] !== '[') return { ok: false, reason: notCloudTrail(`not JSON (starts with ${JSON.stringify(text.slice(0, 12))})`) };
  let values: unknown[];
  try {
    values = [JSON.parse(text)];
  } catch (whole) {
    // JSON lines: one value per line. A file that is neither fails with the whole-file error.
    if (text[0] !== '{' || !text.includes('\n')) return { ok: false, reason: `malformed JSON (${(whole as Error).message})` };
    values = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch (error) {
        return { ok: false, reason: `malformed JSON on line ${i + 1} (${(error as Error).message})` };
      }
    }
  }
  const deep = values.findIndex((v) => tooDeep(v, 0));
  if (deep >= 0) return { ok: false, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels${values.length > 1 ? ` (line ${deep + 1})` : ''}` };
  return recordsOf(values);
}

function recordsOf(values: readonly unknown[]): LogFileContent {
  let records: unknown[];
  const first = values[0];
  if (values.length === 1 && Array.isArray(first)) {
    records = first;
  } else if (values.length === 1 && isObject(first) && 'Records' in first) {
    if (!Array.isArray(first.Records)) return { ok: false, reason: notCloudTrail('"Records" is not an array') };
    records = first.Records;
    if (records.length === 0) return { ok: true, records: [] };
  } else {
    if (values.length === 1 && isObject(first) && DIGEST_KEYS.some((k) => k in first)) {
      return { ok: false, reason: 'CloudTrail digest file (integrity hashes, not events)', ignore: true };
    }
    records = [...values];
  }
  const notObject = records.findIndex((r) => !isObject(r));
  if (notObject >= 0) return { ok: false, reason: notCloudTrail(`record ${notObject + 1} is not a JSON object`) };
  const events = records as Record<string, unknown>[];
  if (events.length > 0 && !events.some(looksLikeEvent)) {
    return { ok: false, reason: NO_EVENTS_REASON };
  }
  return { ok: true, records: events };
}

function tooDeep(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_JSON_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => tooDeep(v, depth + 1));
  for (const key in value) if (tooDeep((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function notCloudTrail(what: string): string {
  return `not CloudTrail: ${what}; expected {"Records":[…]}, an array of events or JSON lines with eventTime/eventName`;
}
