import { OptionError } from './errors';

/**
 * Rejects option names the function does not know, so a typo (`databse`) fails loudly
 * instead of being ignored. Returns the options for chaining.
 */
export function checkOptionNames<T extends object>(options: T, allowed: readonly string[], where: string): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(where, options, `${where}: options must be an object`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      throw new OptionError(name, (options as Record<string, unknown>)[name],
        `${where}: unknown option "${name}"; known options: ${allowed.join(', ')}`);
    }
  }
  return options;
}

/**
 * Validate a count option: an integer `>= min`, or `Infinity` when `allowInfinity` is set.
 * Returns `fallback` when the value is undefined.
 *
 * @example
 * const maxRows = countOption('toHtml', 'maxRows', options.maxRows, 200, { min: 0, allowInfinity: true });
 */
export function countOption(
  where: string,
  name: string,
  value: unknown,
  fallback: number,
  limits: { min: number; allowInfinity?: boolean },
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    ((Number.isInteger(value) && value >= limits.min) ||
      (limits.allowInfinity === true && value === Infinity));
  if (!ok) {
    const range = `an integer >= ${limits.min}${limits.allowInfinity ? ' or Infinity' : ''}`;
    throw new OptionError(name, value, `${where}: option "${name}" must be ${range}, got ${String(value)}`);
  }
  return value;
}
