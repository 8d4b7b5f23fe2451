/** Fresh log folders under one scratch folder, and an engine over one with a throwaway cache. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LocalEngine, type LocalEngineOptions } from '../../lib/engines/local/local-engine';
import { tempDir } from './cloudtrail-fixtures';

/** Call at a test file's top level: the scratch folder is removed after the file's tests. */
export function engineScratch(): {
  logsFolder: () => string;
  withEngine: <T>(options: LocalEngineOptions, work: (engine: LocalEngine) => Promise<T>) => Promise<T>;
} {
  const scratch = tempDir();
  afterAll(() => scratch.cleanup());
  let folders = 0;
  return {
    logsFolder: () => {
      const path = join(scratch.path, `logs-${folders++}`);
      mkdirSync(path, { recursive: true });
      return path;
    },
    withEngine: async (options, work) => {
      const engine = await LocalEngine.open({ cache: false, ...options });
      try {
        return await work(engine);
      } finally {
        await engine.close();
      }
    },
  };
}
