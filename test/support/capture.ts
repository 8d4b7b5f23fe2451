/** Small helpers for asserting on what code printed or threw. */

import { expect } from 'vitest';
import { OptionError } from '../../lib/errors';

/** Run `work` with stdout captured; returns its value and the text written. */
export async function captureStdout<T>(work: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => (chunks.push(String(s)), true)) as typeof process.stdout.write;
  try {
    const value = await work();
    return { value, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

/** The OptionError `f` throws; fails the test when it throws something else or nothing. */
export function optionError(f: () => unknown): OptionError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error('expected an OptionError');
}
