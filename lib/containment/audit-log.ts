/**
 * The audit log: one JSON line per step of every apply and undo, appended to a local file and,
 * when asked, copied to an S3 object after every line, so a kernel that dies half-way still
 * leaves a record of exactly what changed.
 */

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { IrbookError, OptionError } from '../errors';
import type { AuditEntry } from './types';

/** Where the audit log goes. */
export interface AuditLogOptions {
  /** The local JSON-lines file. Relative paths are from the current folder. */
  readonly file: string;
  /** Also keep a copy at this S3 location (`s3://bucket/prefix/`): one object per session. */
  readonly s3Uri?: string;
  readonly s3Client?: S3Client;
  /** Names the S3 object: `<prefix><incident>/<session start>.jsonl`. */
  readonly incident?: string;
}

/** An append-only JSON-lines log of containment steps. */
export class AuditLog {
  /** The local file's absolute path. */
  readonly file: string;
  /** The S3 copy (`s3://bucket/key`), when there is one. */
  readonly s3Object?: string;
  private readonly bucket?: string;
  private readonly key?: string;
  private readonly s3Client?: S3Client;
  private readonly written: string[] = [];

  constructor(options: AuditLogOptions) {
    if (!options.file) throw new OptionError('auditLog', options.file, 'auditLog: give the file to write the audit log to');
    this.file = resolve(options.file);
    if (options.s3Uri !== undefined && options.s3Uri !== '') {
      const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/.exec(options.s3Uri);
      if (!match) throw new OptionError('auditLogS3', options.s3Uri, `auditLogS3: '${options.s3Uri}' is not an s3://bucket/prefix/ location`);
      if (!options.s3Client) throw new OptionError('auditLogS3', options.s3Uri, 'auditLogS3 needs an S3 client');
      const prefix = match[2] === '' || match[2]?.endsWith('/') ? (match[2] ?? '') : `${match[2]}/`;
      const started = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
      this.bucket = match[1];
      this.key = `${prefix}${options.incident ?? 'incident'}/${started}-${process.pid}.jsonl`;
      this.s3Object = `s3://${this.bucket}/${this.key}`;
      this.s3Client = options.s3Client;
    }
  }

  /** Where the log is written, for a person. */
  get locations(): string[] {
    return this.s3Object ? [this.file, this.s3Object] : [this.file];
  }

  /** Make sure the local file can be written, before any change is made. */
  ensureWritable(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, '', { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      throw new IrbookError(`cannot write the audit log ${this.file}: ${(error as Error).message}; nothing was changed`, { cause: error });
    }
  }

  /**
   * Append one entry: to the file first (synchronously, so it is on disk before the next
   * AWS call), then the S3 copy. Throws when either cannot be written.
   */
  async append(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      throw new IrbookError(`cannot write the audit log ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    this.written.push(line);
    if (this.s3Client && this.bucket && this.key) {
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      try {
        await this.s3Client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: `${this.written.join('\n')}\n`, ContentType: 'application/x-ndjson' }),
        );
      } catch (error) {
        throw new IrbookError(`cannot write the audit log copy ${this.s3Object}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** Every entry in the local file, oldest first. A line that is not JSON is an error naming it. */
  entries(): AuditEntry[] {
    return readAuditLog(this.file);
  }
}

/**
 * Read an audit log file. A missing file is an empty log.
 *
 * @example
 * const last = readAuditLog('irbook-audit/IR-1.jsonl').at(-1);
 */
export function readAuditLog(file: string): AuditEntry[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: AuditEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch {
      throw new IrbookError(`${file}: line ${index + 1} of the audit log is not JSON`);
    }
  });
  return entries;
}
