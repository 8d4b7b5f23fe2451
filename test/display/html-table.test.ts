import { describe, expect, it } from 'vitest';
import { OptionError } from '../../lib/errors';
import { renderHtmlTable } from '../../lib/display/html-table';
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

  it('shows control and bidi characters as escapes', () => {
    const html = renderHtmlTable(makeData([['a', 'string']], [['ok\u001b[31m\u202eevil']]));
    expect(html).toContain('ok\\x1b[31m\\u202eevil');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u202e');
  });

  it('renders NULL distinctly from the empty string', () => {
    const html = renderHtmlTable(makeData([['a', 'string']], [[null], [''], ['NULL']]));
    expect(html).toContain('<td class="irbook-null">NULL</td>');
    expect(html).toContain('<td></td>');
    expect(html).toContain('<td>NULL</td>');
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
    expect(html).toContain('<td>[&quot;a&quot;,1]</td>');
  });

  it('puts long cells in a clipping box, with the full text present', () => {
    const long = `{"policy":"${'x'.repeat(10_000)}"}`;
    const html = renderHtmlTable(makeData([['requestparameters', 'string']], [[long]]));
    expect(html).toContain(`<div class="irbook-clip">{&quot;policy&quot;:&quot;${'x'.repeat(10_000)}&quot;}</div>`);
    expect(html).toMatch(/\.irbook-clip\{max-width:[^;]+;max-height:[^;]+;overflow:auto/);
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

  it('rejects unknown and invalid options with OptionError naming them', () => {
    const data = makeData([['a', 'string']], []);
    for (const [options, name] of [
      [{ maxrows: 5 }, 'maxrows'],
      [{ maxRows: -1 }, 'maxRows'],
      [{ maxRows: 2.5 }, 'maxRows'],
      [{ maxRows: '10' }, 'maxRows'],
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
