import { SUPPORTED_TRINO_FUNCTIONS, UNSUPPORTED_TRINO_FEATURES } from '../engines/local/trino-functions';

/** The README's list of Trino functions on the embedded engine, as Markdown. */
export function functionsMarkdown(): string {
  const row = (f: { name: string; notes: string }) => `| \`${f.name}\` | ${f.notes.replace(/\|/g, '\\|')} |`;
  return [
    '**Supported** (each has a test asserting Trino\'s documented answer):',
    '',
    '| function or syntax | notes |',
    '| --- | --- |',
    ...SUPPORTED_TRINO_FUNCTIONS.map(row),
    '',
    '**Not supported, or different:**',
    '',
    '| function or syntax | notes |',
    '| --- | --- |',
    ...UNSUPPORTED_TRINO_FEATURES.map(row),
  ].join('\n');
}

/** README text with the block between the `functions` markers replaced. */
export function withFunctionsTable(readme: string): string {
  return readme.replace(
    /(<!-- functions:start -->\n)[\s\S]*?(<!-- functions:end -->)/,
    (_all, start: string, end: string) => `${start}${functionsMarkdown()}\n${end}`,
  );
}
