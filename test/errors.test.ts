/** How irbook's own errors read where a notebook shows them (tslab prints through util.inspect). */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../lib/containment/errors';
import { IrbookError, PlaceholderError, QueryError, SourceError } from '../lib/errors';

describe('an irbook error in a notebook', () => {
  const errors: IrbookError[] = [
    new QueryError('query failed: Binder Error: column "x" not found', { sql: 'SELECT x', engine: 'local' }),
    new SourceError('/logs/a.json.gz', 'corrupt gzip data'),
    new PlaceholderError('value 1 is bound in the SELECT clause', 'SELECT', 1),
    new CredentialsError('us-east-1', "the SDK's default chain", 'Could not load credentials from any providers'),
  ];

  it('shows its name and message, with no stack trace', () => {
    for (const error of errors) {
      const shown = inspect(error);
      expect(shown).toBe(`${error.name}: ${error.message}`);
      expect(shown).not.toMatch(/\n\s+at /);
      expect(error.stack).toMatch(/\n\s+at /); // still there for debugging
    }
  });

  it('leaves errors irbook did not throw as Node shows them', () => {
    expect(inspect(new TypeError('boom'))).toMatch(/\n\s+at /);
  });
});
