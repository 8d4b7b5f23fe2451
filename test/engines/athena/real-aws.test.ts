/**
 * A smoke test against real Athena. It runs only when credentials and a workgroup are
 * configured (IRBOOK_ATHENA_WORKGROUP, plus the SDK's usual AWS_PROFILE / AWS_ACCESS_KEY_ID /
 * container or instance role, and AWS_REGION); otherwise it reports itself skipped.
 */
import { describe, expect, it } from 'vitest';
import { AthenaEngine } from '../../../lib/engines/athena/athena-engine';
import { sql } from '../../../lib/sql';

const env = process.env;
const workgroup = env.IRBOOK_ATHENA_WORKGROUP;
const credentials = Boolean(env.AWS_PROFILE || env.AWS_ACCESS_KEY_ID || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_WEB_IDENTITY_TOKEN_FILE);
const configured = Boolean(workgroup && credentials && env.AWS_REGION) && !env.AWS_ENDPOINT_URL_ATHENA;
const why = configured ? '' : ' (skipped: set IRBOOK_ATHENA_WORKGROUP, AWS_REGION and AWS credentials to run it)';

describe.skipIf(!configured)(`Athena on a real account${why}`, () => {
  it('says who is calling, runs a query with a bound value and reports its cost', async () => {
    const engine = await AthenaEngine.open({ workgroup, outputLocation: env.IRBOOK_ATHENA_OUTPUT || undefined, timeoutMs: 120_000 });
    try {
      const me = await engine.whoami();
      expect(me.account).toMatch(/^\d{12}$/);
      // Athena takes `?` only in WHERE clauses.
      const result = await engine.query(sql`SELECT name, 1 + 1 AS two FROM (VALUES ('o''brien'), ('other')) AS t(name) WHERE name = ${"o'brien"}`);
      expect(result.rows).toEqual([["o'brien", 2]]);
      expect(result.stats.queryExecutionId).toBeTruthy();
      expect(result.stats.estimatedCostUsd).toBeGreaterThanOrEqual(0);
    } finally {
      await engine.close();
    }
  }, 180_000);
});
