import { resolve } from 'node:path';

/**
 * The project's own rule pack: the absolute path of the repository's top-level `rules/`
 * folder (Sigma YAML), from the library's sources (`lib/detections/`) or its build
 * (`dist/detections/`), which sit at the same depth.
 *
 * @example
 * const ruleSet = await loadRules([ownPackDir()]);
 */
export function ownPackDir(): string {
  return resolve(__dirname, '..', '..', 'rules');
}
