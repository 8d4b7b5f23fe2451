/**
 * What the workgroup decides about a query, as Athena reports it: where results are written
 * (a workgroup that enforces its settings ignores the query's OutputLocation) and whether
 * queries run on a capacity reservation (billed by DPU-hour, not by data scanned).
 */

import type { AthenaClient } from '@aws-sdk/client-athena';
import { retryThrottled, type RetryPolicy } from './throttling';

/** The workgroup's settings that change where results go and what a query costs. */
export interface WorkGroupFacts {
  readonly name: string;
  /** Where this engine's results are written; undefined when neither side sets a location. */
  readonly resultLocation?: string;
  /** Why there: `enforced by the workgroup`, `outputLocation`, `the workgroup's setting`, or unknown. */
  readonly resultLocationSource: string;
  /** The workgroup enforces its settings over the query's (EnforceWorkGroupConfiguration). */
  readonly enforced?: boolean;
  /** The workgroup's per-query scan limit in bytes, if it has one. */
  readonly bytesScannedCutoff?: number;
  /** The capacity reservation the workgroup's queries run on; null: none; undefined: could not check. */
  readonly capacityReservation?: string | null;
  /** Calls that were refused or failed, for the setup cell (`GetWorkGroup: AccessDeniedException …`). */
  readonly problems: readonly string[];
}

const RESERVATION_LIVE = new Set(['ACTIVE', 'UPDATE_PENDING']);

/**
 * Ask Athena about the workgroup: GetWorkGroup for its result configuration, then the
 * account's capacity reservations and their assignments. Each call is best effort: a refused
 * call leaves its facts unknown and is listed in `problems`, it never fails the setup cell.
 *
 * @example
 * const facts = await inspectWorkGroup(athena, 'irbook', undefined, DEFAULT_RETRY);
 * facts.resultLocation; // 's3://irbook-results-…/athena-results/'
 */
export async function inspectWorkGroup(
  athena: AthenaClient,
  name: string,
  outputLocation: string | undefined,
  retry: RetryPolicy,
): Promise<WorkGroupFacts> {
  const { GetWorkGroupCommand, ListCapacityReservationsCommand, GetCapacityAssignmentConfigurationCommand } =
    await import('@aws-sdk/client-athena');
  const problems: string[] = [];
  const attempt = async <T>(call: string, send: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await retryThrottled(send, retry);
    } catch (error) {
      problems.push(`${call}: ${(error as Error).name} ${(error as Error).message}`);
      return undefined;
    }
  };

  const group = (await attempt('GetWorkGroup', () => athena.send(new GetWorkGroupCommand({ WorkGroup: name }))))?.WorkGroup;
  const configuration = group?.Configuration;
  const own = configuration?.ResultConfiguration?.OutputLocation;
  const enforced = group ? configuration?.EnforceWorkGroupConfiguration === true : undefined;
  let resultLocation: string | undefined;
  let resultLocationSource: string;
  if (enforced) {
    [resultLocation, resultLocationSource] = [own, `enforced by workgroup ${name}${outputLocation ? '; outputLocation is ignored' : ''}`];
  } else if (outputLocation) {
    [resultLocation, resultLocationSource] = [outputLocation, 'outputLocation'];
  } else {
    [resultLocation, resultLocationSource] = [own, group ? `workgroup ${name}'s setting` : 'unknown (GetWorkGroup failed)'];
  }

  let capacityReservation: string | null | undefined = null;
  let token: string | undefined;
  do {
    const page = await attempt('ListCapacityReservations', () => athena.send(new ListCapacityReservationsCommand({ NextToken: token })));
    if (!page) {
      capacityReservation = undefined;
      break;
    }
    for (const reservation of page.CapacityReservations ?? []) {
      if (!reservation.Name || !RESERVATION_LIVE.has(reservation.Status ?? '')) continue;
      const reservationName = reservation.Name;
      const assignment = await attempt('GetCapacityAssignmentConfiguration', () =>
        athena.send(new GetCapacityAssignmentConfigurationCommand({ CapacityReservationName: reservationName })));
      if (!assignment) capacityReservation = undefined;
      const assigned = assignment?.CapacityAssignmentConfiguration?.CapacityAssignments ?? [];
      if (assigned.some((a) => a.WorkGroupNames?.includes(name))) return facts(reservationName);
    }
    token = page.NextToken;
  } while (token);
  return facts(capacityReservation);

  function facts(reservation: string | null | undefined): WorkGroupFacts {
    return {
      name,
      resultLocation,
      resultLocationSource,
      enforced,
      bytesScannedCutoff: configuration?.BytesScannedCutoffPerQuery,
      capacityReservation: reservation,
      problems,
    };
  }
}
