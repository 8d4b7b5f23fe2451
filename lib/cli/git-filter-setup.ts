/** The notebooks' git clean filter, registered by `irbook kernel install` and `irbook start`. */
import { join } from 'node:path';
import { revealInvisibles } from '../display/escape';
import { GIT_FILTER_NAME, installGitFilter } from '../jupyter/git-filter';
import { firstLineOf } from './command';

/** The irbook checkout (dist/cli/ is two levels below it). */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

/**
 * Registers the notebooks' git clean filter where irbook is a git checkout; says what it did.
 * `IRBOOK_GIT_FILTER=off` leaves git's configuration alone (tests, read-only checkouts).
 */
export async function setUpGitFilter(say: (line: string) => void): Promise<void> {
  if (process.env.IRBOOK_GIT_FILTER === 'off') return;
  // The kernel matters more than the filter: a git that refuses (a read-only or odd checkout) is
  // reported, and the test of committed notebooks still catches outputs.
  try {
    const { status } = await installGitFilter(PACKAGE_ROOT);
    if (status === 'installed') say(`Git filter "${GIT_FILTER_NAME}" registered in .git/config: notebooks are committed without outputs`);
  } catch (error) {
    say(`warning: git filter "${GIT_FILTER_NAME}" not registered (${revealInvisibles(firstLineOf(error))}); ` +
      'strip outputs with `irbook notebooks clean FILE` before committing');
  }
}
