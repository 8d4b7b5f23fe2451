/**
 * The EC2 instances the suspect acted on, for containment's "isolate an instance" step: an
 * instance it launched with stolen keys, or one it stopped, modified or tried to terminate.
 */

import { sql, type SqlFragment } from '../../sql';
import { entityMatches } from '../entity';
import { readEntityCommon, type EntityOptions } from '../query-options';
import { inWindow } from '../time-window';

/**
 * The instances the entity's EC2 calls named, oldest first: instanceid (from the response of
 * `RunInstances`, else the request), eventname, calls, failed, first_seen, last_seen. A role
 * matches through all its sessions, as in every playbook query.
 *
 * @throws OptionError naming a wrong or unknown option
 * @example
 * const touched = await queryResults(instancesTouched({ window, entity: suspect }));
 * const target = String(touched.column('instanceid')[0] ?? '');
 */
export function instancesTouched(options: EntityOptions): SqlFragment {
  const { window, table, entity } = readEntityCommon('instancesTouched', options);
  return sql`SELECT instanceid, eventname, count(*) AS calls, count(errorcode) AS failed,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM (
  SELECT coalesce(
           json_extract_scalar(responseelements, '$.instancesSet.items[0].instanceId'),
           json_extract_scalar(requestparameters, '$.instancesSet.items[0].instanceId'),
           json_extract_scalar(requestparameters, '$.instanceId')) AS instanceid,
         eventname, errorcode, eventtime
  FROM ${table}
  WHERE ${inWindow(window)}
    AND eventsource = 'ec2.amazonaws.com'
    AND ${entityMatches(entity)}
) AS calls
WHERE instanceid IS NOT NULL
GROUP BY instanceid, eventname
ORDER BY first_seen, instanceid, eventname`;
}
