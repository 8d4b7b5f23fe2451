/**
 * Writes the sample's Security Lake: the CloudTrail records of each day, typed exactly as the
 * local engine types the `cloudtrail` table (its own `CLOUDTRAIL_SOURCE`) and mapped to OCSF by
 * the one CloudTrail → OCSF mapping, and the Security Hub findings, as Parquet files in the
 * lake's layout. One DuckDB thread, UTC and rows in a fixed order make the same sample give
 * the same bytes on every run. Only a batch of a few days' records is held at a time.
 */

import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CLOUDTRAIL_SOURCE } from '../engines/local/cloudtrail-source';
import { cloudTrailToOcsf, type CloudTrailOcsfKind } from '../sources/ocsf/cloudtrail-mapping';
import { OCSF_COLUMNS, duckdbType, type OcsfTableKind } from '../sources/ocsf/schema';
import { Rng } from './prng';
import { lakePath } from './lake-layout';
import type { OcsfFindingRow } from './findings-ocsf';

/** What the lake writer has written. */
export interface LakeStats {
  readonly files: number;
  readonly bytes: number;
  /** Rows per table kind. */
  readonly rows: Readonly<Record<OcsfTableKind, number>>;
}

const CLOUDTRAIL_KINDS: readonly CloudTrailOcsfKind[] = ['cloud_trail_mgmt', 's3_data'];
const NEWLINE = Buffer.from('\n');

/** Partition columns DuckDB writes as folders, not into the files. */
const [REGION, ACCOUNT, DAY] = ['__lake_region', '__lake_account', '__lake_day'];
const SCRATCH_FILE = /^__lake_region=([a-z0-9-]+)\/__lake_account=(\d{12})\/__lake_day=(\d{8})\/[^/]+\.parquet$/;

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `read_json`'s `columns` for the findings: the table's columns with their DuckDB types. */
const FINDING_COLUMNS = `{${OCSF_COLUMNS.sh_findings.map((c) => `${literal(c.name)}: ${literal(duckdbType(c.glueType))}`).join(', ')}}`;

/**
 * Log text per batch, at least: large enough that a statement's fixed cost does not matter,
 * small enough that DuckDB holds little (a batch's mapped rows wait in memory until written).
 */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * The lake of one sample under `root`. Log files are added as they are written and, a few
 * whole days at a time, typed, mapped to OCSF and written as the days' partitions while the
 * generator goes on (DuckDB works on its own thread). A batch always ends with a day, so each
 * partition is one file.
 *
 * @example
 * const lake = await LakeWriter.open('/tmp/sample', 1);
 * lake.addCloudTrailFile('AWSLogs/…/x.json.gz', '{"Records":[…]}', 12);
 * await lake.endDay();
 * await lake.finishCloudTrail();
 * await lake.writeFindings(rows);
 * const stats = await lake.close();
 */
export class LakeWriter {
  private readonly names: Rng;
  private lines: Buffer[] = [];
  private lineBytes = 0;
  private records = 0;
  private fileId = 0;
  private batches = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  private files = 0;
  private bytes = 0;
  private readonly rows: Record<OcsfTableKind, number> = { cloud_trail_mgmt: 0, s3_data: 0, sh_findings: 0 };

  private constructor(
    private readonly root: string,
    seed: number,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly work: string,
  ) {
    this.names = new Rng(seed, 'lake-file-names');
  }

  /** Starts DuckDB (one thread, UTC) and a scratch folder for the log text. */
  static async open(root: string, seed: number): Promise<LakeWriter> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    const work = await mkdtemp(join(tmpdir(), 'irbook-lake-'));
    return new LakeWriter(root, seed, instance, connection, work);
  }

  /** Adds one CloudTrail log file: its path relative to the sample, its JSON text and its record count. */
  addCloudTrailFile(relativePath: string, text: string, records: number): void {
    if (this.failure !== undefined) throw this.failure;
    const framed = CLOUDTRAIL_SOURCE.frame({ path: `/${relativePath}`, id: this.fileId++, bytes: Buffer.from(text) }, false);
    if (!framed.ok) throw new Error(`the sample's own log file ${relativePath} cannot be read as CloudTrail: ${framed.reason}`);
    this.lines.push(framed.line, NEWLINE);
    this.lineBytes += framed.line.length + 1;
    this.records += records;
  }

  /**
   * Marks the end of a UTC day of log files: the batch is written when it is large enough,
   * once the batch before it is written (the generator is faster than DuckDB, and would
   * otherwise gather the whole sample's text while waiting).
   */
  async endDay(): Promise<void> {
    if (this.lineBytes < BATCH_BYTES) return;
    await this.settled();
    this.flush();
  }

  /** Writes the log files added since the last batch and waits for every batch. */
  async finishCloudTrail(): Promise<void> {
    this.flush();
    await this.settled();
  }

  /** Types, maps and writes the files added since the last batch, while the caller goes on. */
  private flush(): void {
    const { lines, records } = this;
    this.lines = [];
    this.lineBytes = 0;
    this.records = 0;
    if (lines.length === 0) return;
    // A failure is kept, not left as a rejected promise nobody awaits yet (Node would exit on it).
    this.queue = this.queue.then(() => this.writeBatch(lines, records)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async writeBatch(lines: readonly Buffer[], records: number): Promise<void> {
    const file = join(this.work, `batch-${this.batches++}.ndjson`);
    await writeFile(file, lines);
    const longest = lines.reduce((max, l) => Math.max(max, l.length), 0);
    const read = `read_json(${literal(file)}, columns = ${CLOUDTRAIL_SOURCE.lineColumns}, format = 'newline_delimited', ` +
      `compression = 'uncompressed', maximum_object_size = ${Math.max(16_777_216, 2 ** Math.ceil(Math.log2(longest + 2)))})`;
    const columns = CLOUDTRAIL_SOURCE.columns.map((c) => ident(c.name)).join(', ');
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE batch AS SELECT ${columns}, _record, _untyped FROM (${CLOUDTRAIL_SOURCE.typedRows(read)})`);
    await rm(file, { force: true });
    // The records are the generator's own: each must type whole, or the lake would silently differ from the logs.
    const [typed = 0, untyped = 0] = await this.values(`SELECT count(*) FILTER (WHERE _record), coalesce(sum(_untyped), 0) FROM batch`);
    if (typed !== records || untyped !== 0) {
      throw new Error(`the lake typed ${typed} of a batch's ${records} records (${untyped} values left NULL)`);
    }
    const from = `(SELECT ${columns} FROM batch)`;
    // A lake partition holds the rows whose accountid, region and day of time_dt it names.
    const keys = `region AS ${REGION}, accountid AS ${ACCOUNT}, strftime(time_dt, '%Y%m%d') AS ${DAY}`;
    for (const kind of CLOUDTRAIL_KINDS) await this.copyPartitions(kind, `SELECT *, ${keys} FROM (${cloudTrailToOcsf(kind, from)})`);
    await this.connection.run('DROP TABLE batch');
  }

  /** Writes the findings, a file per account, region and day of `time_dt`. */
  async writeFindings(rows: readonly OcsfFindingRow[]): Promise<void> {
    await this.settled();
    const file = join(this.work, 'findings.ndjson');
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const read = `read_json(${literal(file)}, columns = ${FINDING_COLUMNS}, format = 'newline_delimited')`;
    await this.copyPartitions(
      'sh_findings',
      `SELECT *, cloud.region AS ${REGION}, cloud.account.uid AS ${ACCOUNT}, strftime(time_dt, '%Y%m%d') AS ${DAY} FROM ${read} ORDER BY "time", finding_info.uid`,
    );
  }

  /** Waits for every batch, stops DuckDB and removes the scratch folder. */
  async close(): Promise<LakeStats> {
    try {
      await this.settled();
    } finally {
      await this.abort();
    }
    return { files: this.files, bytes: this.bytes, rows: { ...this.rows } };
  }

  /** Stops DuckDB (after the batch being written) and removes the scratch folder, whatever was written. */
  async abort(): Promise<void> {
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.work, { recursive: true, force: true });
  }

  private async settled(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
  }

  /** The first row of a query, as numbers. */
  private async values(select: string): Promise<number[]> {
    const reader = await this.connection.runAndReadAll(select);
    return (reader.getRows()[0] ?? []).map(Number);
  }

  /**
   * Writes the rows of `select` (the table's columns, then the partition's region, account
   * and day as three more) as a file per partition: DuckDB writes them without the partition
   * columns into a scratch folder in the sample (so a rename moves them), and each is moved
   * to its place in the lake's layout, in the order of its partition.
   */
  private async copyPartitions(kind: OcsfTableKind, select: string): Promise<void> {
    const scratch = join(this.root, `.lake-scratch-${kind}`);
    try {
      const options = `FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${REGION}, ${ACCOUNT}, ${DAY}), OVERWRITE`;
      const written = (await this.connection.run(`COPY (${select}) TO ${literal(scratch)} (${options})`)).rowsChanged;
      if (written === 0) return;
      const files = (await readdir(scratch, { recursive: true })).filter((f) => f.endsWith('.parquet')).sort();
      for (const file of files) {
        const m = SCRATCH_FILE.exec(file.split(sep).join('/'));
        if (!m) throw new Error(`DuckDB wrote ${file} where the lake's partition folders were expected`);
        const name = `00000-${this.files}-${this.names.uuid()}-00001`;
        const path = join(this.root, lakePath({ kind, region: m[1]!, account: m[2]!, day: m[3]! }, name));
        await mkdir(dirname(path), { recursive: true });
        await rename(join(scratch, file), path);
        this.files += 1;
        this.bytes += (await stat(path)).size;
      }
      this.rows[kind] += written;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}
