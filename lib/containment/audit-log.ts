/**
 * The audit log: one JSON line per step of every apply and undo, appended to a local file and,
 * when asked, copied whole to an S3 object after every line, so a kernel that dies half-way
 * still leaves a record of exactly what changed. The lines are hash-chained and the chain's head
 * is kept outside the log (the user's state folder, and the S3 copy): `verify` refuses a log
 * that was edited, shortened or extended by anything but irbook.
 */

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { OptionError } from '../errors';
import { defaultHeadDir, GENESIS, lineHash, logLines, readHead, verifyChain, writeHead, type ChainHead } from './audit-chain';
import { hasErrorName } from './calls';
import { AuditLogError, TamperedLogError } from './errors';
import type { AuditEntry } from './types';

/** Where the audit log goes. */
export interface AuditLogOptions {
  /** The local JSON-lines file. Relative paths are from the current folder. */
  readonly file: string;
  /** Also keep a copy at this S3 location (`s3://bucket/prefix/`): one object per log. */
  readonly s3Uri?: string;
  readonly s3Client?: S3Client;
  /** Names the S3 object: `<prefix><incident>/<first session start>-<pid>.jsonl`. */
  readonly incident?: string;
  /** Where the chain's head is kept. Default `$XDG_STATE_HOME/irbook/audit-heads` (`~/.local/state/…`). */
  readonly headDir?: string;
}

/** An entry as the caller gives it: the chain link is added when it is written. */
export type NewAuditEntry = Omit<AuditEntry, 'prev'>;

/** An append-only, hash-chained JSON-lines log of containment steps. */
export class AuditLog {
  /** The local file's absolute path. */
  readonly file: string;
  /** Where the chain's head is kept. */
  readonly headDir: string;
  private readonly s3Client?: S3Client;
  private readonly s3Prefix?: { readonly bucket: string; readonly prefix: string };
  private readonly newKey?: string;

  constructor(options: AuditLogOptions) {
    if (!options.file) throw new OptionError('auditLog', options.file, 'auditLog: give the file to write the audit log to');
    this.file = resolve(options.file);
    this.headDir = options.headDir ?? defaultHeadDir();
    if (options.s3Uri !== undefined && options.s3Uri !== '') {
      const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/.exec(options.s3Uri);
      if (!match) throw new OptionError('auditLogS3', options.s3Uri, `auditLogS3: '${options.s3Uri}' is not an s3://bucket/prefix/ location`);
      if (!options.s3Client) throw new OptionError('auditLogS3', options.s3Uri, 'auditLogS3 needs an S3 client');
      const prefix = match[2] === '' || match[2]?.endsWith('/') ? (match[2] ?? '') : `${match[2]}/`;
      const started = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
      this.s3Prefix = { bucket: match[1] as string, prefix };
      this.newKey = `${prefix}${options.incident ?? 'incident'}/${started}-${process.pid}.jsonl`;
      this.s3Client = options.s3Client;
    }
  }

  /** The S3 copy (`s3://bucket/key`): the one this log already has under the prefix, or a new one. */
  get s3Object(): string | undefined {
    if (!this.s3Prefix) return undefined;
    const known = this.head()?.s3Object;
    const base = `s3://${this.s3Prefix.bucket}/${this.s3Prefix.prefix}`;
    return known?.startsWith(base) ? known : `s3://${this.s3Prefix.bucket}/${this.newKey ?? ''}`;
  }

  /** Where the log is written, for a person. */
  get locations(): string[] {
    const s3 = this.s3Object;
    return s3 ? [this.file, s3] : [this.file];
  }

  /** Make sure the local file can be written, before any change is made. */
  ensureWritable(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, '', { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      throw new AuditLogError(this.file, `cannot be written (${(error as Error).message}); nothing was changed`, { cause: error });
    }
  }

  /**
   * Append one entry, chained to the last: to the file first (synchronously, so it is on disk
   * before the next AWS call), then the head, then the S3 copy. Throws when any cannot be written.
   */
  async append(fields: NewAuditEntry): Promise<void> {
    const lines = this.lines();
    const entry: AuditEntry = { prev: lines.length === 0 ? GENESIS : lineHash(lines[lines.length - 1] as string), ...fields };
    const line = JSON.stringify(entry);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      throw new AuditLogError(this.file, `cannot be written: ${(error as Error).message}`, { cause: error });
    }
    const s3Object = this.s3Object;
    writeHead(this.headDir, { file: this.file, entries: lines.length + 1, head: lineHash(line), ...(s3Object ? { s3Object } : {}) });
    if (this.s3Client && s3Object) {
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      const { bucket, key } = splitS3(s3Object);
      try {
        await this.s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${[...lines, line].join('\n')}\n`, ContentType: 'application/x-ndjson' }));
      } catch (error) {
        throw new AuditLogError(this.file, `its copy ${s3Object} cannot be written: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** Every entry in the local file, oldest first, unverified (to show). A line that is not JSON is an error naming it. */
  entries(): AuditEntry[] {
    return readAuditLog(this.file);
  }

  /**
   * The entries, after checking the chain, the head kept in the state folder and, when the log
   * has an S3 copy, that the copy is the same. Throws {@link TamperedLogError} naming the first
   * entry that does not verify. Reads S3 (GetObject) only when the log has a copy there.
   */
  async verify(): Promise<AuditEntry[]> {
    const lines = this.lines();
    const head = this.head();
    const entries = verifyChain(this.file, lines, head);
    if (head?.s3Object && this.s3Client) await this.compareWithCopy(head.s3Object, lines);
    return entries;
  }

  private async compareWithCopy(s3Object: string, lines: readonly string[]): Promise<void> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { bucket, key } = splitS3(s3Object);
    let copy: string;
    try {
      const got = await (this.s3Client as S3Client).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      copy = (await got.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (hasErrorName(error, 'NoSuchKey', 'NotFound')) throw new TamperedLogError(this.file, 1, `its S3 copy ${s3Object} is gone`);
      throw new AuditLogError(this.file, `its S3 copy ${s3Object} cannot be read to compare (${(error as Error).message}); nothing was changed`, { cause: error });
    }
    const copied = logLines(copy);
    const differs = lines.findIndex((line, index) => copied[index] !== line);
    if (differs >= 0) throw new TamperedLogError(this.file, differs + 1, `it differs from the S3 copy ${s3Object}`);
    if (copied.length !== lines.length) throw new TamperedLogError(this.file, lines.length + 1, `the S3 copy ${s3Object} has ${copied.length} entries, the file ${lines.length}`);
  }

  private head(): ChainHead | undefined {
    return readHead(this.headDir, this.file);
  }

  private lines(): string[] {
    try {
      return existsSync(this.file) ? logLines(readFileSync(this.file, 'utf8')) : [];
    } catch (error) {
      throw new AuditLogError(this.file, `cannot be read (${(error as Error).message}); nothing was changed`, { cause: error });
    }
  }
}

function splitS3(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return { bucket: match?.[1] ?? '', key: match?.[2] ?? '' };
}

/**
 * Read an audit log file, without verifying it (to show it). A missing file is an empty log.
 *
 * @example
 * const last = readAuditLog('irbook-audit/IR-1.jsonl').at(-1);
 */
export function readAuditLog(file: string): AuditEntry[] {
  if (!existsSync(file)) return [];
  const entries: AuditEntry[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        throw new TamperedLogError(file, index + 1, 'it is not JSON');
      }
    });
  return entries;
}
