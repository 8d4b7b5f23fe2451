/**
 * Rule files from disk: files and folders (searched recursively for `.yml`/`.yaml`), read in
 * a fixed order so the same folders always give the same rules in the same order.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OptionError } from '../errors';
import { parseRules, withoutDuplicateIds } from './rules-file';
import type { AnyRule, RuleProblem, RuleSet } from './types';

const RULE_FILE = /\.ya?ml$/i;

async function ruleFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await ruleFiles(path)));
    // A link is taken as a file: one that leads nowhere becomes a problem when it is read.
    else if ((entry.isFile() || entry.isSymbolicLink()) && RULE_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

/**
 * Reads Sigma rules from files and folders. A path that does not exist is an error naming
 * it; a file that cannot be read or parsed, or a rule that is not valid, is a problem in
 * the result, never dropped.
 *
 * @example
 * const ruleSet = await loadRules(['./my-rules', ownPackDir()]);
 * ruleSet.problems.forEach((p) => console.log(`${p.source}: ${p.reason}`));
 */
export async function loadRules(paths: readonly string[]): Promise<RuleSet> {
  if (!Array.isArray(paths)) throw new OptionError('paths', paths, 'loadRules takes a list of rule files or folders');
  const files: string[] = [];
  for (const path of paths) {
    if (typeof path !== 'string' || path === '') throw new OptionError('paths', path, 'a rules path must be a non-empty string');
    let kind;
    try {
      kind = await stat(path);
    } catch {
      throw new OptionError('paths', path, `rules path ${resolve(path)} does not exist`);
    }
    if (kind.isDirectory()) files.push(...(await ruleFiles(path)));
    else files.push(path);
  }
  const rules: AnyRule[] = [];
  const problems: RuleProblem[] = [];
  // The same file named twice (a folder and a file in it, two spellings) is read once.
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(resolve(file))) continue;
    seen.add(resolve(file));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ title: file, id: undefined, source: file, reason: `cannot read the file: ${(error as Error).message}` });
      continue;
    }
    const read = parseRules(text, file);
    rules.push(...read.rules);
    problems.push(...read.problems);
  }
  return { rules: Object.freeze(withoutDuplicateIds(rules, problems)), problems: Object.freeze(problems) };
}
