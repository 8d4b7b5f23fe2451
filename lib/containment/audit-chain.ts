/**
 * The audit log's hash chain: every line carries the SHA-256 of the line before it, and the
 * hash of the last line (the head) is kept outside the log, in the user's state folder. An
 * edited, removed, inserted or appended line then breaks the chain at a place that can be named.
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuditLogError, TamperedLogError } from './errors';
import type { AuditEntry } from './types';

/** `prev` of the first entry of a log. */
export const GENESIS = 'genesis';

/** The head of a log, as kept in the state folder. */
export interface ChainHead {
  /** The log file it belongs to (absolute path). */
  readonly file: string;
  /** How many entries irbook wrote. */
  readonly entries: number;
  /** SHA-256 of the last line written (GENESIS when none). */
  readonly head: string;
  /** The S3 copy of this log, once one was written. */
  readonly s3Object?: string;
}

/** SHA-256 of one line of the log, as written (without its newline). */
export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/** The state folder: `$XDG_STATE_HOME/irbook/audit-heads`, or `~/.local/state/irbook/audit-heads`. */
export function defaultHeadDir(): string {
  const state = process.env.XDG_STATE_HOME && process.env.XDG_STATE_HOME !== '' ? process.env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'irbook', 'audit-heads');
}

/** Where the head of `file` is kept: one small JSON file per log, named by the log's path. */
export function headFile(headDir: string, file: string): string {
  return join(headDir, `${lineHash(file).slice(0, 32)}.json`);
}

/** Read a log's head; undefined when none was ever written. */
export function readHead(headDir: string, file: string): ChainHead | undefined {
  const path = headFile(headDir, file);
  if (!existsSync(path)) return undefined;
  try {
    const head = JSON.parse(readFileSync(path, 'utf8')) as ChainHead;
    if (typeof head.entries !== 'number' || typeof head.head !== 'string') throw new Error('no entries or head');
    return head;
  } catch (error) {
    throw new TamperedLogError(file, 1, `its head in ${path} is unreadable (${(error as Error).message})`);
  }
}

/** Write a log's head (to a temporary file, then renamed, so a crash leaves the old head whole). */
export function writeHead(headDir: string, head: ChainHead): void {
  const path = headFile(headDir, head.file);
  try {
    mkdirSync(headDir, { recursive: true, mode: 0o700 });
    writeFileSync(`${path}.tmp`, JSON.stringify(head), { encoding: 'utf8', mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  } catch (error) {
    throw new AuditLogError(head.file, `cannot keep its head in ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The non-empty lines of a log's text. */
export function logLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/**
 * Verify a log's lines against their chain and the head kept outside it. Returns the entries;
 * throws {@link TamperedLogError} naming the first entry (1-based) that does not verify.
 */
export function verifyChain(file: string, lines: readonly string[], head: ChainHead | undefined): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const [index, line] of lines.entries()) {
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line) as AuditEntry;
    } catch {
      throw new TamperedLogError(file, index + 1, 'it is not JSON');
    }
    const expected = index === 0 ? GENESIS : lineHash(lines[index - 1] as string);
    if (entry.prev !== expected) {
      if (index === 0) throw new TamperedLogError(file, 1, 'it does not start the chain (an entry before it was removed, or it was changed)');
      throw new TamperedLogError(file, index, `it was changed after it was written (entry ${index + 1} records another hash for it)`);
    }
    entries.push(entry);
  }
  const count = lines.length;
  if (!head) {
    if (count > 0) throw new TamperedLogError(file, 1, `no head of this log is kept in the state folder (${defaultHeadDir()}): it was not written here, or the head was removed`);
    return entries;
  }
  if (count < head.entries) throw new TamperedLogError(file, count + 1, `irbook wrote ${head.entries} entries, the log has ${count}: entries from ${count + 1} on were removed`);
  if (count > head.entries) throw new TamperedLogError(file, head.entries + 1, `irbook wrote ${head.entries} entries; this one and any after it were added by something else`);
  const last = count === 0 ? GENESIS : lineHash(lines[count - 1] as string);
  if (last !== head.head) throw new TamperedLogError(file, count, 'the log does not end at the head irbook kept (the entries were rewritten)');
  return entries;
}
