/** `irbook sample`: writes deterministic sample logs. */
import { parseArgs } from 'node:util';
import { formatCount, formatDuration } from '../display/format';
import { generateSample, SAMPLE_DEFAULTS } from '../sample';
import { HELP_FLAG, parsed, printHelp, toInteger, UsageError, type Command } from './command';

const HELP = `Usage: irbook sample --out DIR [--events N] [--seed S] [--replace] [--no-lake]

Writes deterministic sample CloudTrail logs (March 2024, two accounts, three regions) in the
S3 delivery layout, with both attack stories; the same events and Security Hub findings as an
Amazon Security Lake (OCSF 1.1 Parquet, one lake rolled up into us-west-2); and a
manifest.json of the ground truth. The files are written next to DIR and moved in when all are
written: DIR never holds half a sample.

  --out DIR      where to write (AWSLogs/…, security-lake/… and manifest.json)
  --events N     total events (default ${SAMPLE_DEFAULTS.events})
  --seed S       random seed (default ${SAMPLE_DEFAULTS.seed}); same seed, same bytes
  --replace      replace an irbook sample already in DIR (never logs or a lake irbook did not write)
  --no-lake      CloudTrail logs only (several times faster)
`;

export const command: Command = { help: HELP, run: sample };

async function sample(args: readonly string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args: [...args],
      options: {
        ...HELP_FLAG,
        out: { type: 'string' },
        events: { type: 'string' },
        seed: { type: 'string' },
        replace: { type: 'boolean', default: false },
        'no-lake': { type: 'boolean', default: false },
      },
    }),
  );
  if (values.help) return printHelp(HELP);
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  const events = values.events === undefined ? undefined : toInteger('--events', values.events);
  const seed = values.seed === undefined ? undefined : toInteger('--seed', values.seed);
  const started = performance.now();
  let lastReport = 0;
  const manifest = await generateSample({
    out: values.out,
    events,
    seed,
    replace: values.replace,
    lake: !values['no-lake'],
    onProgress: (written, total) => {
      if (process.stderr.isTTY && performance.now() - lastReport > 500) {
        lastReport = performance.now();
        process.stderr.write(`\r${formatCount(written)} / ${formatCount(total)} events`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const lake = manifest.securityLake ? ` and ${formatCount(manifest.securityLake.files)} Security Lake files` : '';
  process.stderr.write(
    `wrote ${formatCount(manifest.events)} events in ${formatCount(manifest.files)} log files${lake} to ${values.out} ` +
      `in ${formatDuration(performance.now() - started)}; ground truth in ${values.out}/manifest.json\n`);
  return 0;
}
