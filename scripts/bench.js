#!/usr/bin/env node
/**
 * `npm run bench`: the embedded engine against its floors, in one run on the same files, and
 * the Sigma reference rules (from ../shared, or IRBOOK_SHARED; skipped when absent) after ingest.
 * A benchmark, not a test: it prints a table of times, ratios and peak memory, says which of
 * issue 10's goals are met, and writes the table to bench/results.md. Every measurement runs
 * in its own process (peak RSS from /usr/bin/time when present). A missing tool (zcat, jq,
 * time, Jupyter) or a feature this engine lacks (an ingest cache) gives an "n/a" line, never
 * a crash.
 *
 *   npm run bench [-- --events N | --large] [--dir DIR] [--runs N] [--out FILE] [--skip-notebook]
 *
 * The sample is kept in --dir (default $XDG_CACHE_HOME/irbook/bench) and reused while its
 * generator version, size and seed match.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');
const BIN = join(ROOT, 'bin', 'irbook.js');
const WINDOW = ['2024-03-01', '2024-04-01'];
const ONE_DAY = '2024/03/15';

// ---------- child mode: library measurements in their own process ----------

/** Runs `task` in this process and prints its JSON result (the parent measured the process). */
async function child(task, args) {
  const irbook = require(DIST);
  const timed = async (f) => {
    const t = performance.now();
    const value = await f();
    return { ms: performance.now() - t, value };
  };
  if (task === 'conversion') return conversion(args);
  const { engine, cached } = await openEngine(irbook, args);
  try {
    if (task === 'detect') {
      const options = { engine, rules: args.rules, window: { start: WINDOW[0], end: WINDOW[1] } };
      const first = await timed(() => irbook.detect(options)); // also checks the cache is current
      const times = [];
      for (let i = 0; i < args.runs; i++) times.push((await timed(() => irbook.detect(options))).ms);
      const found = first.value;
      // Baseline in the same run: the same rules one query each, as a tool without the
      // combined query would run them (counts only, so it is the cheaper side).
      const { compiled } = irbook.compileRules(await irbook.loadRules([args.rules]), 'cloudtrail');
      const inWindow = irbook.inWindow({ start: WINDOW[0], end: WINDOW[1] });
      const perRule = await timed(async () => {
        for (const c of compiled) await engine.query(irbook.sql`SELECT count(*) AS n FROM cloudtrail WHERE ${inWindow} AND ${c.where}`);
      });
      return { firstMs: first.ms, ms: median(times), perRuleMs: perRule.ms, ran: found.rulesRun, problems: found.problems.length, fired: found.rowCount, hits: found.hits.rowCount, cached };
    }
    const queries = playbookQueries(irbook, args.suspect);
    if (task === 'queries') {
      const out = {};
      const first = await timed(() => engine.query(queries['2.2']));
      out.first = first.ms;
      for (const [name, q] of Object.entries(queries)) {
        await engine.query(q); // warm
        const times = [];
        for (let i = 0; i < args.runs; i++) times.push((await timed(() => engine.query(q))).ms);
        out[name] = median(times);
      }
      // count(*) alone is answered from Parquet metadata and reads nothing: read a column.
      const day = await engine.query(`SELECT count(DISTINCT eventname) AS n FROM cloudtrail WHERE date_partition = '${ONE_DAY}'`);
      const all = await engine.query('SELECT count(DISTINCT eventname) AS n FROM cloudtrail');
      out.dayBytes = day.stats.bytesRead ?? null;
      out.allBytes = all.stats.bytesRead ?? null;
      out.top = (await engine.query(queries['2.2'])).rows.map((r) => [r[0], Number(r[2])]);
      return { ...out, cached };
    }
    if (task === 'incremental') {
      await engine.query(queries['2.2']);
      const times = [];
      for (let i = 0; i < args.runs; i++) times.push((await timed(() => engine.query(queries['2.2']))).ms);
      copyFileSync(args.copyFrom, args.copyTo);
      try {
        const after = await timed(() => engine.query(queries['2.2']));
        return { cachedMs: median(times), incrementalMs: after.ms, cached };
      } finally {
        rmSync(args.copyTo, { force: true });
      }
    }
    throw new Error(`unknown task ${task}`);
  } finally {
    await engine.close();
  }
}

/** The engine over the logs, with the ingest cache when this engine has one. */
async function openEngine(irbook, { logs, cache }) {
  try {
    return { engine: await irbook.LocalEngine.open({ logs, cache }), cached: true };
  } catch (error) {
    if (!(error instanceof irbook.OptionError) || error.option !== 'cache') throw error;
    return { engine: await irbook.LocalEngine.open({ logs }), cached: false };
  }
}

function playbookQueries(irbook, suspect) {
  const window = irbook.timeWindow(...WINDOW);
  const cc = irbook.credentialCompromise;
  return {
    '2.1': cc.authorizationFailures({ window }),
    '2.2': cc.topFailingEntities({ window }),
    '2.3': cc.entityActivity({ window, entity: suspect }),
  };
}

/** Rows a second from DuckDB to JS: wide CloudTrail rows, the reader against value-by-value conversion. */
async function conversion({ logs, rows: wanted }) {
  const zlib = require('node:zlib');
  const { DuckDBInstance } = require('@duckdb/node-api');
  const { CLOUDTRAIL_FIELDS, duckdbReadType, duckdbTableType } = require(join(DIST, 'sources', 'cloudtrail-schema'));
  const { readResult } = require(join(DIST, 'engines', 'local', 'result-reader'));
  const { toValue } = require(join(DIST, 'engines', 'local', 'duckdb-values'));
  const tmp = mkdtempSync(join(os.tmpdir(), 'irbook-bench-rows-'));
  try {
    const lines = [];
    for (const file of logFiles(logs)) {
      for (const r of JSON.parse(zlib.gunzipSync(readFileSync(file))).Records) lines.push(JSON.stringify(r));
      if (lines.length >= wanted) break;
    }
    writeFileSync(join(tmp, 'records.jsonl'), lines.slice(0, wanted).join('\n'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    const q = (s) => `"${s}"`;
    const columns = CLOUDTRAIL_FIELDS.map((f) => `${q(f.key)}: '${duckdbReadType(f.type)}'`).join(', ');
    const projection = CLOUDTRAIL_FIELDS.map((f) => `CAST(${q(f.key)} AS ${duckdbTableType(f.type)}) AS ${f.name}`).join(', ');
    await connection.run(`CREATE TABLE ct AS SELECT ${projection} FROM read_json('${join(tmp, 'records.jsonl')}', columns = {${columns}}, format = 'newline_delimited')`);
    const sql = 'SELECT * FROM ct';
    const times = [];
    let count = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      count = (await readResult({ connection, sql, params: [] }, { maxRows: Infinity })).rows.length;
      times.push(performance.now() - t);
    }
    const t = performance.now();
    (await connection.runAndReadAll(sql)).convertRows(toValue);
    const valueByValueMs = performance.now() - t;
    connection.closeSync();
    instance.closeSync();
    const ms = times.sort((a, b) => a - b)[1];
    return { rows: count, ms, valueByValueMs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function logFiles(root) {
  return readdirSync(join(root, 'AWSLogs'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

// ---------- parent: processes, timing, the table ----------

const HAS_TIME = existsSync('/usr/bin/time');
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/**
 * Runs a command, returning wall seconds, peak RSS in MB (null when /usr/bin/time is
 * missing) and its output. Throws with stderr when it fails.
 */
function measure(command, args, options = {}) {
  const rssFile = join(os.tmpdir(), `irbook-bench-rss-${process.pid}`);
  const [cmd, argv] = HAS_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const t = performance.now();
  const run = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const seconds = (performance.now() - t) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ').slice(0, 200)} failed (${run.status}): ${(run.stderr || '').slice(-2000)}`);
  let rssMb = null;
  if (HAS_TIME) {
    rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
    rmSync(rssFile, { force: true });
  }
  return { seconds, rssMb, stdout: run.stdout, stderr: run.stderr };
}

function childTask(task, args) {
  const run = measure(process.execPath, [__filename, '--child', task, JSON.stringify(args)]);
  return { ...JSON.parse(run.stdout.trim().split('\n').pop()), seconds: run.seconds, rssMb: run.rssMb };
}

/** A compiled query with its (string) parameters written in as literals, for the CLI. */
function inlineSql({ text, params }) {
  let out = '';
  let next = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      out += text.slice(i, end + 1);
      i = end;
    } else if (ch === '?') {
      out += `'${String(params[next++]).replace(/'/g, "''")}'`;
    } else out += ch;
  }
  return out;
}

async function ensureBenchSample(dir, events) {
  const { GENERATOR } = require(join(DIST, 'sample', 'version'));
  const { generateSample } = require(join(DIST, 'sample'));
  const out = join(dir, `sample-${events}`);
  const manifestFile = join(out, 'manifest.json');
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (m.generator.version === GENERATOR.version && m.events === events && m.seed === 1) return { out, manifest: m, seconds: null };
  }
  const t = performance.now();
  let last = 0;
  const manifest = await generateSample({
    out,
    events,
    seed: 1,
    replace: true,
    onProgress: (written, total) => {
      if (performance.now() - last > 5000) {
        last = performance.now();
        process.stderr.write(`  sample: ${written.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events\n`);
      }
    },
  });
  return { out, manifest, seconds: (performance.now() - t) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtS = (s) => (s == null ? 'n/a' : s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms` : `${s.toFixed(2)} s`);
const fmtMb = (mb) => (mb == null ? 'n/a' : `${mb.toFixed(0)} MB`);

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      large: { type: 'boolean', default: false },
      dir: { type: 'string' },
      runs: { type: 'string', default: '5' },
      out: { type: 'string', default: join(ROOT, 'bench', 'results.md') },
      'skip-notebook': { type: 'boolean', default: false },
    },
  });
  const events = values.events ? Number(values.events) : values.large ? 10_000_000 : 1_000_000;
  const runs = Number(values.runs);
  const cacheRoot = process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache');
  const dir = resolve(values.dir ?? join(cacheRoot, 'irbook', 'bench'));
  mkdirSync(dir, { recursive: true });
  const rows = []; // [what, time, peak RSS, note]
  const goals = []; // [goal, measured, met]
  const add = (what, seconds, rssMb, note = '') => {
    rows.push([what, fmtS(seconds), fmtMb(rssMb), note]);
    process.stderr.write(`${what}: ${fmtS(seconds)} ${note}\n`);
  };
  const goal = (text, measured, met) => goals.push([text, measured, met == null ? 'n/a' : met ? 'met' : 'NOT met']);
  const attempt = (what, f) => {
    try {
      return f();
    } catch (error) {
      add(what, null, null, `failed: ${String(error.message).split('\n')[0].slice(0, 160)}`);
      return undefined;
    }
  };

  process.stderr.write(`sample of ${events.toLocaleString('en-US')} events in ${dir}\n`);
  const sample = await ensureBenchSample(dir, events);
  const files = logFiles(sample.out);
  add('sample', sample.seconds, null, `${sample.manifest.events.toLocaleString('en-US')} events, ${files.length.toLocaleString('en-US')} files, ` +
    `${(sample.manifest.bytes / 2 ** 20).toFixed(0)} MiB${sample.seconds == null ? ' (reused)' : ' (generated)'}`);
  const suspect = sample.manifest.stories.credentialCompromise.principalArn;
  const listFile = join(dir, `files-${events}.txt`);
  writeFileSync(listFile, files.join('\0'));

  // Library import time: the process with require('irbook') against an empty node.
  const bare = median(Array.from({ length: 7 }, () => measure(process.execPath, ['-e', '0']).seconds));
  const imports = Array.from({ length: 7 }, () => measure(process.execPath, ['-e', `require(${JSON.stringify(DIST)})`]));
  const importS = median(imports.map((r) => r.seconds));
  add('import irbook (node -e "require(\'irbook\')")', importS, median(imports.map((r) => r.rssMb ?? 0)) || null,
    `median of 7; ${fmtS(importS - bare)} over an empty node (${fmtS(bare)})`);

  // Floors: decompression alone, and jq answering 2.2.
  let zcatS = null;
  if (has('zcat') && has('xargs')) {
    const z = attempt('zcat', () => measure('sh', ['-c', `xargs -0 zcat < '${listFile}' > /dev/null`]));
    if (z) add('zcat of every file, one stream (decompression floor)', (zcatS = z.seconds), z.rssMb);
  } else add('zcat', null, null, 'skipped: zcat or xargs missing');
  let jqS = null;
  let jqTop = null;
  if (has('jq') && has('zcat')) {
    const codes = JSON.stringify(require(DIST).credentialCompromise.AUTHORIZATION_FAILURE_CODES);
    const program = `reduce (inputs | .Records[] | select(.eventTime >= "${WINDOW[0]}T00:00:00Z" and .eventTime < "${WINDOW[1]}T00:00:00Z")
      | select(.errorCode as $c | $codes | index([$c]) != null)
      | (.userIdentity.sessionContext.sessionIssuer.arn // .userIdentity.arn) | select(. != null)) as $e ({}; .[$e] += 1)
      | to_entries | sort_by(-.value, .key) | .[:5] | map([.key, .value])`;
    const j = attempt('jq 2.2', () => measure('sh', ['-c', `xargs -0 zcat < '${listFile}' | jq -c -n --argjson codes '${codes}' '${program}'`]));
    if (j) {
      jqTop = JSON.parse(j.stdout);
      add('jq answering 2.2 (zcat, then jq)', (jqS = j.seconds), j.rssMb);
    }
  } else add('jq 2.2', null, null, 'skipped: jq or zcat missing');

  // The CLI, cold: a fresh cache folder, so this includes ingest where the engine has one.
  const irbook = require(DIST);
  const cliHelp = spawnSync(process.execPath, [BIN, 'query', '--help'], { encoding: 'utf8' }).stdout;
  const cliCache = cliHelp.includes('--cache');
  const sql22 = inlineSql(irbook.compileQuery(playbookQueries(irbook, suspect)['2.2']));
  const coldCache = mkdtempSync(join(os.tmpdir(), 'irbook-bench-cache-'));
  const cacheDir = join(coldCache, 'cache');
  const env = { ...process.env, XDG_CACHE_HOME: coldCache };
  const cliArgs = ['query', '--logs', sample.out, ...(cliCache ? ['--cache', cacheDir] : []), '--format', 'json', sql22];
  let firstS = null;
  const first = attempt('first query', () => measure(process.execPath, [BIN, ...cliArgs], { env }));
  if (first) {
    add('first query, ingest included (irbook query 2.2, cold cache)', (firstS = first.seconds), first.rssMb, cliCache ? '' : 'this engine has no cache: every query reads every file');
    const cliTop = JSON.parse(first.stdout).map((r) => [r.entity, Number(r.failures)]);
    if (jqTop) add('jq and irbook give the same top 5 of 2.2', null, null, JSON.stringify(cliTop) === JSON.stringify(jqTop) ? 'yes' : `NO: jq ${JSON.stringify(jqTop)} irbook ${JSON.stringify(cliTop)}`);
  }
  let warmCliS = null;
  if (firstS != null) {
    const warm = [];
    for (let i = 0; i < runs && warm.reduce((a, r) => a + r.seconds, 0) < 60; i++) warm.push(measure(process.execPath, [BIN, ...cliArgs], { env }));
    warmCliS = median(warm.map((r) => r.seconds));
    add('irbook query 2.2, whole process, warm cache', warmCliS, Math.max(...warm.map((r) => r.rssMb ?? 0)) || null, `median of ${warm.length}`);
  }

  // In process through the library: 2.1, 2.2, 2.3 after ingest, the one-day query.
  let lib = null;
  // Without a cache every query rereads the logs: one run each is enough to see it.
  const libRuns = !cliCache && firstS != null && firstS > 5 ? 1 : runs;
  lib = attempt('library queries', () => childTask('queries', { logs: sample.out, cache: cacheDir, runs: libRuns, suspect }));
  if (lib) {
    add('library: open + first 2.2', lib.first / 1000, lib.rssMb, lib.cached ? 'cache from the CLI run' : 'no cache');
    for (const name of ['2.1', '2.2', '2.3']) add(`library: ${name} after ingest`, lib[name] / 1000, null, `median of ${libRuns}`);
    const ratio = lib.dayBytes != null && lib.allBytes ? lib.dayBytes / lib.allBytes : null;
    add(`one-day query (${ONE_DAY}) bytes read`, null, null, ratio == null ? 'n/a' : `${lib.dayBytes.toLocaleString('en-US')} of ${lib.allBytes.toLocaleString('en-US')} bytes (1/${(1 / ratio).toFixed(1)})`);
    goal(`2.1–2.3 after ingest ≤ ${events >= 10_000_000 ? 150 : 50} ms median each`, ['2.1', '2.2', '2.3'].map((n) => fmtS(lib[n] / 1000)).join(', '),
      ['2.1', '2.2', '2.3'].every((n) => lib[n] <= (events >= 10_000_000 ? 150 : 50)));
    goal('one-day query ≤ 1/20 of the bytes of a full scan', ratio == null ? 'n/a' : `1/${(1 / ratio).toFixed(1)}`, ratio == null ? null : ratio <= 1 / 20);
  }

  // Detections: every reference rule (SigmaHQ's CloudTrail rules, not shipped: ../shared) in one query.
  const shared = process.env.IRBOOK_SHARED ?? resolve(ROOT, '..', 'shared');
  const referenceRules = join(shared, 'reference', 'sigma-cloudtrail', 'rules');
  if (!existsSync(referenceRules)) add('detect: all reference rules after ingest', null, null, `skipped: no reference rules at ${referenceRules} (set IRBOOK_SHARED)`);
  else {
    const det = attempt('detect', () => childTask('detect', { logs: sample.out, cache: cacheDir, runs: libRuns, rules: referenceRules }));
    if (det) {
      add(`detect: all reference rules over the ${events.toLocaleString('en-US')}-event sample, after ingest`, det.ms / 1000, det.rssMb,
        `median of ${libRuns}, one query; ${det.ran} rules run, ${det.problems} not compiled, ${det.fired} fired, ${det.hits.toLocaleString('en-US')} hits; first run ${fmtS(det.firstMs / 1000)}; one query per rule: ${fmtS(det.perRuleMs / 1000)} (×${(det.perRuleMs / det.ms).toFixed(1)})`);
      goal('all reference rules after ingest ≤ 2 s', fmtS(det.ms / 1000), det.ms <= 2000);
    }
  }

  // Incremental: one new delivery file (a copy under a new name) against a cached query.
  const source = files[Math.floor(files.length / 2)];
  const copyTo = source.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '_BENCHCOPY0000000.json.gz');
  const inc = attempt('incremental', () => childTask('incremental', { logs: sample.out, cache: cacheDir, runs: libRuns, suspect, copyFrom: source, copyTo }));
  if (inc) {
    add('query after one new delivery file (incremental ingest)', inc.incrementalMs / 1000, inc.rssMb, `cached query: ${fmtS(inc.cachedMs / 1000)}; ×${(inc.incrementalMs / inc.cachedMs).toFixed(1)}`);
    // Without a cache there is nothing incremental: every query reads every file.
    goal('incremental update with one new file ≤ 3× a cached query', inc.cached ? `×${(inc.incrementalMs / inc.cachedMs).toFixed(1)}` : 'no cache', inc.cached ? inc.incrementalMs <= 3 * inc.cachedMs : null);
  }
  rmSync(coldCache, { recursive: true, force: true });

  // Result conversion.
  const conv = attempt('conversion', () => childTask('conversion', { logs: sample.out, rows: Math.min(100_000, events) }));
  if (conv) {
    const rate = conv.rows / (conv.ms / 1000);
    const before = conv.rows / (conv.valueByValueMs / 1000);
    add('result conversion, SELECT * of wide CloudTrail rows', conv.ms / 1000, conv.rssMb,
      `${conv.rows.toLocaleString('en-US')} rows: ${Math.round(rate).toLocaleString('en-US')} rows/s; value by value ${Math.round(before).toLocaleString('en-US')} rows/s (×${(rate / before).toFixed(1)})`);
    goal('result conversion ≥ 100,000 wide rows/s', `${Math.round(rate).toLocaleString('en-US')} rows/s`, rate >= 100_000);
  }

  // The playbook through irbook run on the default sample, counted from a warm cache.
  if (values['skip-notebook']) add('notebook (irbook run)', null, null, 'skipped: --skip-notebook');
  else {
    const notebook = join(ROOT, 'notebooks', 'credential-compromise-analysis.ipynb');
    const reports = mkdtempSync(join(os.tmpdir(), 'irbook-bench-run-'));
    const runIt = () => measure(process.execPath, [BIN, 'run', notebook, '--out', reports]);
    const warmup = attempt('notebook warm-up', runIt);
    const nb = warmup && (cliCache ? attempt('notebook', runIt) : warmup);
    if (nb) {
      add('credential-compromise notebook (irbook run, default sample)', nb.seconds, nb.rssMb, cliCache ? 'second run: warm cache' : 'no cache');
      goal('notebook through irbook run ≤ 15 s from a warm cache', fmtS(nb.seconds), nb.seconds <= 15);
    }
    rmSync(reports, { recursive: true, force: true });
  }

  if (firstS != null && jqS != null) goal('first query incl. ingest ≥ 5× faster than jq 2.2', `×${(jqS / firstS).toFixed(1)}`, jqS / firstS >= 5);
  if (firstS != null && zcatS != null) goal('first query incl. ingest no slower than single-stream zcat', `×${(firstS / zcatS).toFixed(2)} of zcat`, firstS <= zcatS);
  if (warmCliS != null) goal('irbook query as a whole process, warm cache ≤ 1 s', fmtS(warmCliS), warmCliS <= 1);
  const peaks = [first?.rssMb, lib?.rssMb, inc?.rssMb].filter((x) => x != null);
  if (peaks.length > 0) goal(`peak memory ≤ 1.5 GB (at ${events.toLocaleString('en-US')} events; the goal is for 10M)`, fmtMb(Math.max(...peaks)), Math.max(...peaks) <= 1536);

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.platform()} ${os.release()}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)} at the start`;
  const table = [
    `Benchmark of ${new Date().toISOString().slice(0, 16)}Z on ${machine}; ${events.toLocaleString('en-US')} events.`,
    '',
    '| measurement | time | peak RSS | note |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '| goal | measured | |',
    '|---|---|---|',
    ...goals.map((g) => `| ${g.join(' | ')} |`),
    '',
  ].join('\n');
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, table);
  process.stdout.write(`\n${table}\nwritten to ${values.out}\n`);
}

if (process.argv[2] === '--child') {
  child(process.argv[3], JSON.parse(process.argv[4])).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  });
}
