/**
 * Tells how a log file is laid out by reading only its first few kilobytes, so thousands of
 * files are classified without decompressing them whole.
 */
import { open } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

/**
 * - `records-line`: CloudTrail's delivery format, `{"Records":[…]}` minified on one line
 * - `records`: the same object, pretty-printed or with other keys first
 * - `array`: a bare JSON array of events
 * - `lines`: one event object after another (JSON lines, or a single event)
 */
export type LogShape = 'records-line' | 'records' | 'array' | 'lines';

export type Compression = 'gzip' | 'none';

export type ShapeVerdict =
  | { readonly ok: true; readonly shape: LogShape; readonly compression: Compression }
  | { readonly ok: false; readonly reason: string; /** Not a log at all (a digest, irbook's manifest): counted, not an error. */ readonly ignore?: true };

const PEEK_BYTES = 64 * 1024;
const EVENT_KEYS = /"(eventVersion|eventTime|eventName|eventSource)"\s*:/;
const DIGEST_KEYS = /"(digestPublicKeyFingerprint|digestS3Bucket|previousDigestSignature)"\s*:/;
const SAMPLE_MANIFEST = /^\{\s*"generator"\s*:\s*\{\s*"name"\s*:\s*"irbook-sample"/;

/** Reads the start of a file and says what it is, or why it cannot be used. */
export async function peekLogShape(path: string, isGzipName: boolean): Promise<ShapeVerdict> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(PEEK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, reason: `cannot be read (${errorCode(error)})` };
  }
  if (head.length === 0) return { ok: false, reason: 'empty file' };

  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (isGzipName && !gzip) return { ok: false, reason: 'named .gz but not gzip-compressed' };
  let text: string;
  try {
    text = gzip ? inflateGzipPrefix(head) : head.toString('utf8');
  } catch (error) {
    return { ok: false, reason: `corrupt gzip data (${(error as Error).message})` };
  }
  const verdict = classify(text.replace(/^\uFEFF/, '').trimStart());
  if (!verdict.ok) return verdict;
  return { ok: true, shape: verdict.shape, compression: gzip ? 'gzip' : 'none' };
}

function classify(text: string): { ok: true; shape: LogShape } | { ok: false; reason: string; ignore?: true } {
  if (text === '') return { ok: false, reason: 'no JSON content (only whitespace)' };
  if (text.startsWith('{"Records":[')) return { ok: true, shape: 'records-line' };
  if (/^\{\s*"Records"\s*:\s*\[/.test(text)) return { ok: true, shape: 'records' };
  if (text.startsWith('{')) {
    if (DIGEST_KEYS.test(text)) return { ok: false, reason: 'CloudTrail digest file (integrity hashes, not events)', ignore: true };
    if (SAMPLE_MANIFEST.test(text)) return { ok: false, reason: "irbook sample's manifest (ground truth, not events)", ignore: true };
    if (EVENT_KEYS.test(text)) return { ok: true, shape: 'lines' };
    if (/"Records"\s*:\s*\[/.test(text)) return { ok: true, shape: 'records' };
    return { ok: false, reason: notCloudTrail('a JSON object without Records or event fields') };
  }
  if (text.startsWith('[')) {
    if (/^\[\s*(\]|$)/.test(text) || EVENT_KEYS.test(text)) return { ok: true, shape: 'array' };
    return { ok: false, reason: notCloudTrail('a JSON array whose items have no event fields') };
  }
  return { ok: false, reason: notCloudTrail(`not JSON (starts with ${JSON.stringify(text.slice(0, 12))})`) };
}

function notCloudTrail(what: string): string {
  return `not CloudTrail: ${what}; expected {"Records":[…]}, an array of events or JSON lines with eventTime/eventName`;
}

/** Inflate as much of a gzip stream as the prefix holds; a cut-off stream is expected here. */
function inflateGzipPrefix(head: Buffer): string {
  return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
}

function errorCode(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^\w+: /, '')}` : String(e.message ?? e);
}
