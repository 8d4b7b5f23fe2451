/**
 * `irbook query`: one query over the logs, printed or written to a file. It loads only the
 * local engine (DuckDB itself loads when the engine opens) and the result's formatting: a
 * query on a warm cache is a whole process, so what it loads is what it waits for.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { revealInvisibles } from '../display/escape';
import type { LocalEngine } from '../engines/local/local-engine';
import { formatOf, type FileFormat } from '../result/write-file';
import { HELP_FLAG, parsed, printHelp, UsageError, type Command } from './command';
import { checkLocalEngineFlags, csvOutput, jsonOutput, LOCAL_ENGINE_FLAGS } from './local-engine-flags';
import { reportStats, stderrProgress } from './progress';

const HELP = `Usage: irbook query --logs DIR [--cache DIR] [--db NAME] [--ocsf-source S] [--lake-regions R] [--format table|json|csv] [--keep-formulas] [--strict] [--out FILE] (SQL | --file FILE)

Runs Athena (Trino) SQL over CloudTrail logs with the embedded DuckDB engine. The table is
"cloudtrail", also reachable as "<db>"."cloudtrail". Security Lake's OCSF tables are there
under the lake's names for any region (amazon_security_lake_table_us_west_2_cloud_trail_mgmt_2_0,
…_s3_data_2_0, …_sh_findings_2_0, also in amazon_security_lake_glue_db_<region>). New and
changed log files are taken into the ingest cache first (progress on stderr).

  --logs DIR     folder of CloudTrail logs (S3 layout, .json/.json.gz, arrays, JSON lines) or a
                 local copy of a Security Lake bucket (<SOURCE>/2.0/…/*.parquet); repeatable
  --ocsf-source S  what fills the OCSF tables: auto (default: the lake's Parquet where there is
                 some, else CloudTrail mapped to OCSF), lake or cloudtrail
  --lake-regions R  all (default: every region's table name reads the whole lake) or own (only
                 the rows of that region)
  --cache DIR    ingest cache folder (default $XDG_CACHE_HOME/irbook/…, keyed by the logs' real path)
  --db NAME      database name the table is found under (default security_analysis)
  --format F     table (default), json (an array of row objects) or csv
  --keep-formulas  csv: write text starting with = + - @ tab or CR as it is (default: put ' in
                 front, so a spreadsheet shows it instead of running it as a formula)
  --file FILE    read the SQL from FILE instead of the argument
  --strict       fail if any log file cannot be read (default: skip it and report it on stderr)
  --out FILE     write every row to FILE instead, streamed and with no row limit: CSV for
                 .csv, JSON lines for .jsonl/.ndjson/.json; FILE appears only when complete
`;

export const command: Command = { help: HELP, run: query };

async function query(args: readonly string[]): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...HELP_FLAG,
        ...LOCAL_ENGINE_FLAGS,
        format: { type: 'string', default: 'table' },
        file: { type: 'string' },
        out: { type: 'string' },
        'keep-formulas': { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) return printHelp(HELP);
  const { format } = values;
  const openEngine = checkLocalEngineFlags(values);
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  if (values.file !== undefined && positionals.length > 0) throw new UsageError('give the SQL as an argument or with --file, not both');
  if (values.file === undefined && positionals.length !== 1) throw new UsageError('give exactly one SQL statement (quote it) or --file FILE');
  const text = values.file !== undefined ? readSql(values.file) : positionals[0]!;

  const out = values.out === undefined ? undefined : { file: values.out, format: parsed(() => formatOf(values.out!)), keepFormulas: values['keep-formulas'] };

  const engine = await openEngine();
  try {
    if (out) return await queryToOut(engine, text, out);
    const result = await engine.query(text, { onProgress: stderrProgress() });
    if (format === 'table') {
      // The table ends with its own summary and skipped-files warning.
      process.stdout.write(`${result.toText({ maxRows: Number.MAX_SAFE_INTEGER, maxWidth: 120 })}\n`);
      return 0;
    }
    process.stdout.write(format === 'json' ? `${jsonOutput(result.toJSON())}\n` : csvOutput(result.toCsv({ keepFormulas: values['keep-formulas'] })));
    reportStats(result.rowCount, result.stats);
    return 0;
  } finally {
    await engine.close();
  }
}

/** `irbook query --out FILE`: every row to FILE, streamed, with no row limit. */
async function queryToOut(engine: LocalEngine, text: string, { file, format, keepFormulas }: { file: string; format: FileFormat; keepFormulas: boolean }): Promise<number> {
  // queryToFile lives with the notebook API (and the Athena engine): loaded only for --out.
  const { queryToFile } = await import('../query-to-file.js');
  const written = await queryToFile(text, file, { engine, format, keepFormulas });
  reportStats(written.rows, written.stats, `written to ${file} (${format})`);
  return 0;
}

function readSql(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${revealInvisibles(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
