import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Dates render in UTC everywhere (CloudTrail's zone), so tests never depend on the machine's zone.
    // The AWS SDK's notice that 2027 releases need Node 22 would repeat in every test log.
    // Ingest caches of test runs go to a scratch folder, never the user's ~/.cache.
    env: { TZ: 'UTC', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', XDG_CACHE_HOME: join(tmpdir(), `irbook-test-cache-${process.pid}`) },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
