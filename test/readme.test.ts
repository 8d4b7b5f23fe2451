import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withFunctionsTable } from '../lib/docs/functions-table';

it('README lists the Trino functions the engine supports, as the library does (npm run readme)', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain('<!-- functions:start -->');
  expect(withFunctionsTable(readme)).toBe(readme);
});
