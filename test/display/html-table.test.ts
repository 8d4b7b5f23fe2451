import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { MAX_ROWS_ENV, renderHtmlTable } from '../../lib/display/html-table';
import { QueryResult } from '../../lib/result/query-result';
import type { Value } from '../../lib/result/types';
import { makeData } from '../result/fixtures';

const HOSTILE = `<script>alert(1)</script>"'&<>`;

/** The text of the first element with `class="…cls…"`, tags stripped. */
function textOf(html: string, cls: string): string {
  const match = new RegExp(`<div class="${cls}"[^>]*>([\\s\\S]*?)</div>`).exec(html);
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '');
}

describe('renderHtmlTable', () => {
  it('escapes hostile values, column names and engine types', () => {
    const data = makeData(
      [
        [HOSTILE, 'string'],
        ['ok', 'struct'],
      ],
      [[HOSTILE, { [HOSTILE]: HOSTILE }]],
    );
    const withType = { ...data, columns: data.columns.map((c) => ({ ...c, engineType: `"><script>x</script>` })) };
    const html = renderHtmlTable(withType);
    expect(html).not.toContain('<script');
    expect(html).not.toContain(`"'&<>`);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;&gt;');
    expect(html).toContain('title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    // Nested values: compact JSON, then escaped.
    expect(html).toContain('{&quot;&lt;script&gt;');
  });

  it('escapes hostile file names and reasons of skipped files', () => {
    const data = makeData([['a', 'string']], [], {
      filesSkipped: [{ file: `logs/${HOSTILE}.json`, reason: `bad <img src=x onerror=alert(1)>` }],
    });
    const html = renderHtmlTable(data);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows control, bidi and invisible characters as escapes', () => {
    const html = renderHtmlTable(makeData([['a', 'string']], [['ok\u001b[31m\u202eevil']]));
    expect(html).toContain('ok\\x1b[31m\\u202eevil');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u202e');
    const disguised = renderHtmlTable(makeData([['a', 'string']], [['ad\u00admin\u200b'], ['x\u{e0041}\u2066'], ['\ud800']]));
    expect(disguised).toContain('ad\\xadmin\\u200b');
    expect(disguised).toContain('x\\u{e0041}\\u2066');
    expect(disguised).toContain('\\ud800');
    expect(disguised).not.toMatch(/[\u00ad\u200b\u2066]|\u{e0041}/u);
  });

  it('renders NULL distinctly from the empty string', () => {
    const html = renderHtmlTable(makeData([['a', 'string']], [[null], [''], ['NULL']]));
    expect(html).toContain('<td class="irbook-null">NULL</td>');
    expect(html).toContain('<td class="irbook-nw"></td>');
    expect(html).toContain('<td class="irbook-nw">NULL</td>');
  });

  it('keeps duplicate column names as headers', () => {
    const html = renderHtmlTable(
      makeData(
        [
          ['x', 'string'],
          ['x', 'string'],
        ],
        [['a', 'b']],
      ),
    );
    expect(html.match(/<th title="varchar">x<\/th>/g)).toHaveLength(2);
  });

  it('right-aligns numbers and writes nested values as compact JSON', () => {
    const html = renderHtmlTable(
      makeData(
        [
          ['n', 'bigint'],
          ['tags', 'array'],
        ],
        [[9007199254740993n, ['a', 1n]]],
      ),
    );
    expect(html).toContain('<td class="irbook-num">9007199254740993</td>');
    expect(html).toContain('<td class="irbook-nw">[&quot;a&quot;,1]</td>');
  });

  it('cuts long values with … and keeps the whole value in the hover title', () => {
    const long = `{"policy":"${'x'.repeat(10_000)}"}`;
    const html = renderHtmlTable(makeData([['requestparameters', 'string']], [[long]]));
    const cell = /<td title="([^"]*)">([\s\S]*?)<\/td>/.exec(html);
    expect(cell).not.toBeNull();
    const shown = (cell?.[2] ?? '').replace(/<[^>]+>/g, '');
    expect(shown).toBe(`{&quot;policy&quot;:&quot;${'x'.repeat(120 - 11)}…`);
    // The title keeps 4,000 characters of a 10 KB value and says how many more there are.
    expect(cell?.[1]).toBe(`{&quot;policy&quot;:&quot;${'x'.repeat(4000 - 11)}… (${long.length - 4000} more characters)`);

    const message = 'User: arn:aws:sts::123456789012:assumed-role/Admin/s is not authorized to perform: iam:ListUsers because no identity-based policy allows it';
    const cut = renderHtmlTable(makeData([['errormessage', 'string']], [[message]]), { maxChars: 40 });
    expect(cut).toContain(`title="${message}"`);
    expect(/<td title="[^"]*">([\s\S]*?)<\/td>/.exec(cut)?.[1]?.replace(/<[^>]+>/g, '')).toBe(`${message.slice(0, 40)}…`);
    const whole = renderHtmlTable(makeData([['errormessage', 'string']], [[message]]), { maxChars: Infinity });
    expect(whole).not.toContain('title="User');
    expect(whole.replace(/<wbr>/g, '')).toContain(`<td>${message}</td>`);
  });

  it('cuts a value after six lines', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n');
    const html = renderHtmlTable(makeData([['a', 'string']], [[lines]]));
    const shown = /<td title="[^"]*">([\s\S]*?)<\/td>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '');
    expect(shown).toBe('line 0\nline 1\nline 2\nline 3\nline 4\nline 5…');
  });

  it('lets ARNs wrap after / and :, and long runs every 24 characters, without changing the text', () => {
    const arn = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_d13d66fe184604b7';
    const hash = 'a'.repeat(60);
    const html = renderHtmlTable(makeData([['entity', 'string'], ['hash', 'string']], [[arn, hash]]));
    const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1] ?? '');
    expect(cells).toHaveLength(2);
    const [arnCell = '', hashCell = ''] = cells;
    expect(arnCell.replace(/<wbr>/g, '')).toBe(arn);
    expect(arnCell).toContain('arn:<wbr>aws:<wbr>iam:<wbr>:<wbr>123456789012:<wbr>role/<wbr>aws-reserved/<wbr>sso.amazonaws.com/<wbr>');
    // Every piece between wrap points is short: no column has to be as wide as the whole ARN.
    for (const piece of arnCell.split('<wbr>')) expect(piece.length).toBeLessThanOrEqual(24);
    expect(hashCell.split('<wbr>').map((p) => p.length)).toEqual([24, 24, 12]);
  });

  it('keeps short values on one line and gives every column a minimum width', () => {
    const html = renderHtmlTable(makeData([['eventtime', 'string'], ['n', 'bigint']], [['2024-03-19T05:00:00Z', 3]]));
    expect(html).toContain('<td class="irbook-nw">2024-03-19T05:00:00Z</td><td class="irbook-num">3</td>');
    expect(html).toMatch(/td\.irbook-nw\{white-space:nowrap\}/);
    expect(html).toMatch(/th,\.irbook-result table\.irbook-table td\{[^}]*min-width:calc\(12ch \+ 12px\)/);
    // `anywhere` lets a browser squeeze a column to one letter per line.
    expect(html).not.toContain('anywhere');
  });

  it('scrolls wide tables inside a container and scopes its styles to a class', () => {
    const html = renderHtmlTable(makeData([['a', 'string']], [['v']]));
    expect(html.startsWith('<div class="irbook-result">')).toBe(true);
    expect(html).toContain('style="overflow-x:auto;max-width:100%"');
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    for (const rule of css.trim().split('\n')) expect(rule.startsWith('.irbook-result ')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });

  it('caps rows and says how many are not shown', () => {
    const rows: Value[][] = Array.from({ length: 1234 }, (_, i) => [i]);
    const data = makeData([['i', 'integer']], rows);
    const html = renderHtmlTable(data);
    expect(html.match(/<tr>/g)).toHaveLength(1 + 200);
    expect(textOf(html, 'irbook-foot')).toContain('showing first 200 of 1,234 rows (1,034 not shown)');
    const small = renderHtmlTable(data, { maxRows: 10 });
    expect(small.match(/<tr>/g)).toHaveLength(1 + 10);
    expect(textOf(small, 'irbook-foot')).toContain('showing first 10 of 1,234 rows (1,224 not shown)');
    const all = renderHtmlTable(data, { maxRows: Infinity });
    expect(all.match(/<tr>/g)).toHaveLength(1 + 1234);
    expect(textOf(all, 'irbook-foot')).toMatch(/^1,234 rows · /);
  });

  it('says 1 row, and shows an empty result', () => {
    expect(textOf(renderHtmlTable(makeData([['a', 'string']], [['v']])), 'irbook-foot')).toMatch(/^1 row · /);
    const empty = renderHtmlTable(makeData([['a', 'string']], []));
    expect(empty).toContain('(no rows)');
    expect(textOf(empty, 'irbook-foot')).toMatch(/^0 rows · /);
  });

  it('states time, files read and bytes, and Athena stats', () => {
    const local = renderHtmlTable(
      makeData([['a', 'string']], [], { elapsedMs: 1234, filesRead: 34, bytesRead: 5_872_025, filesIgnored: 2 }),
    );
    expect(textOf(local, 'irbook-foot')).toBe(
      '0 rows · local · 1.23 s · 34 files read (5.6 MiB) · 2 files ignored (not event logs)',
    );
    const athena = renderHtmlTable(
      makeData([['a', 'string']], [], {
        engine: 'athena',
        elapsedMs: 65_000,
        queueMs: 300,
        engineMs: 64_000,
        dataScannedBytes: 1.5 * 1024 ** 3,
        estimatedCostUsd: 0.00732,
        queryExecutionId: 'abc-123',
      }),
    );
    expect(textOf(athena, 'irbook-foot')).toBe(
      '0 rows · athena · 1 min 05 s (queued 300 ms, engine 1 min 04 s) · 1.5 GiB scanned · est. $0.0073 · query abc-123',
    );
  });

  it('warns first about skipped files, listing the first five', () => {
    const filesSkipped = Array.from({ length: 7 }, (_, i) => ({ file: `logs/f${i}.json.gz`, reason: `reason ${i}` }));
    const html = renderHtmlTable(makeData([['a', 'string']], [['v']], { filesSkipped }));
    const warning = /<div class="irbook-warn"[^>]*>([\s\S]*?)<\/div>/.exec(html);
    expect(warning).not.toBeNull();
    expect(html.indexOf('class="irbook-warn"')).toBeLessThan(html.indexOf('<table'));
    const text = (warning?.[1] ?? '').replace(/<\/li>/g, '\n').replace(/<[^>]+>/g, '');
    expect(text).toContain('7 log files could not be read and are not in this result');
    for (let i = 0; i < 5; i++) expect(text).toContain(`logs/f${i}.json.gz: reason ${i}`);
    expect(text).not.toContain('logs/f5.json.gz');
    expect(text).toContain('… and 2 more');
  });

  it('has no warning when nothing was skipped', () => {
    expect(renderHtmlTable(makeData([['a', 'string']], [['v']]))).not.toContain('class="irbook-warn"');
  });

  it('takes its default row cap from IRBOOK_TABLE_MAX_ROWS; an explicit maxRows wins', () => {
    const data = makeData([['i', 'integer']], Array.from({ length: 30 }, (_, i) => [i]));
    const before = process.env[MAX_ROWS_ENV];
    try {
      process.env[MAX_ROWS_ENV] = '7';
      expect(renderHtmlTable(data).match(/<tr>/g)).toHaveLength(1 + 7);
      expect(textOf(renderHtmlTable(data), 'irbook-foot')).toContain('showing first 7 of 30 rows (23 not shown)');
      expect(renderHtmlTable(data, { maxRows: 12 }).match(/<tr>/g)).toHaveLength(1 + 12);
      process.env[MAX_ROWS_ENV] = 'Infinity';
      expect(renderHtmlTable(data).match(/<tr>/g)).toHaveLength(1 + 30);
      process.env[MAX_ROWS_ENV] = 'ten';
      expect(() => renderHtmlTable(data)).toThrow(expect.objectContaining({ option: MAX_ROWS_ENV }));
      expect(renderHtmlTable(data, { maxRows: 3 }).match(/<tr>/g)).toHaveLength(1 + 3);
    } finally {
      if (before === undefined) delete process.env[MAX_ROWS_ENV];
      else process.env[MAX_ROWS_ENV] = before;
    }
  });

  it('rejects unknown and invalid options with OptionError naming them', () => {
    const data = makeData([['a', 'string']], []);
    for (const [options, name] of [
      [{ maxrows: 5 }, 'maxrows'],
      [{ maxRows: -1 }, 'maxRows'],
      [{ maxRows: 2.5 }, 'maxRows'],
      [{ maxRows: '10' }, 'maxRows'],
      [{ maxChars: 0 }, 'maxChars'],
      [{ maxChars: 1.5 }, 'maxChars'],
    ] as const) {
      let error: unknown;
      try {
        renderHtmlTable(data, options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).option).toBe(name);
    }
  });

  it('is what QueryResult.toHtml returns', () => {
    const data = makeData([['a', 'string']], [['v']]);
    expect(new QueryResult(data).toHtml({ maxRows: 5 })).toBe(renderHtmlTable(data, { maxRows: 5 }));
  });
});
