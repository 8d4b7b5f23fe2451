import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = join(__dirname, '..', '..', 'dist');

/** Module files loaded by a fresh node after running `script` against the built library. */
function loadedAfter(script: string): string[] {
  const out = execFileSync(process.execPath, ['-e', `${script}.then(() => console.log(JSON.stringify(Object.keys(require.cache))))`], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}

describe("import 'irbook'", () => {
  it('loads neither the sample generator, the AWS SDK, vega nor the YAML parser until they are used', () => {
    const loaded = loadedAfter(`Promise.resolve(require(${JSON.stringify(DIST)}))`);
    expect(loaded.some((f) => f.endsWith(join('dist', 'index.js')))).toBe(true);
    expect(loaded.filter((f) => /[\\/]dist[\\/]sample[\\/](generate|background|people|writer)\.js$/.test(f))).toEqual([]);
    expect(loaded.filter((f) => /node_modules[\\/](@aws-sdk|vega|vega-lite|yaml)[\\/]/.test(f))).toEqual([]);
  });

  it('loads the YAML parser when rules are read', () => {
    const loaded = loadedAfter(`Promise.resolve(require(${JSON.stringify(DIST)}).parseRules('title: x', 'x.yml'))`);
    expect(loaded.some((f) => /node_modules[\\/]yaml[\\/]/.test(f))).toBe(true);
  });

  it('loads the generator when a sample is written', () => {
    const out = join(tmpdir(), `irbook-lazy-${process.pid}`);
    const loaded = loadedAfter(
      `require(${JSON.stringify(DIST)}).generateSample({ out: ${JSON.stringify(out)}, events: 1000 })` +
        `.finally(() => require('node:fs').rmSync(${JSON.stringify(out)}, { recursive: true, force: true }))`,
    );
    expect(loaded.some((f) => f.endsWith(join('dist', 'sample', 'generate.js')))).toBe(true);
  });
});
