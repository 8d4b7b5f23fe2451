/**
 * The playbook's triage: Sigma rules over the `cloudtrail` table in its window, before the
 * authorization failures of 2.1. What fired, by principal, is where `suspectFrom` takes the
 * default suspect from (its `triage` option).
 */

import { detect } from '../../detections/detect';
import type { Detections } from '../../detections/detections';
import { readTriageOptions, type TriageOptions } from '../triage';

/**
 * Runs the Sigma rules (`rules`, else irbook's own pack) over the `cloudtrail` table in the
 * window, in one query on the configured engine.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * const found = await credentialCompromise.triage({ rules: '', window: timeWindow('2024-03-01', '2024-04-01') });
 * found.byPrincipal().display();
 */
export async function triage(options: TriageOptions): Promise<Detections> {
  const { rules, window, engine } = readTriageOptions('credentialCompromise.triage', options, []);
  return detect({ rules, target: 'cloudtrail', window, engine });
}
