/** What every plan builder needs: the clients, who is calling, where, and for which incident. */

import type { CallerIdentity } from '../engines/athena/whoami';
import type { ContainmentClients } from './clients';
import type { Plan, PlanKind, PlanStep, PlanTable } from './types';

/** The state plan builders share; {@link openContainment} makes one. */
export interface ContainmentContext {
  readonly clients: ContainmentClients;
  /** STS GetCallerIdentity, asked when the context was made. */
  readonly caller: CallerIdentity;
  readonly region: string;
  /** Incident id: in every plan, audit entry, tag and snapshot description. */
  readonly incident: string;
  /** The clock (tests pin it). */
  readonly now: () => Date;
}

/** The parts of a plan a builder supplies; {@link makePlan} adds the rest. */
export interface PlanParts {
  readonly kind: PlanKind;
  /** A short name for the id: the user, role, instance or bucket name. */
  readonly name: string;
  readonly title: string;
  readonly account: string;
  readonly target: string;
  readonly steps: readonly PlanStep[];
  readonly tables?: readonly PlanTable[];
  readonly notes?: readonly string[];
}

/** A plan from its parts, stamped with the incident, the time and the reader. */
export function makePlan(context: ContainmentContext, readAt: Date, parts: PlanParts): Plan {
  const stamp = readAt.toISOString().replace(/[-:]/g, '');
  return {
    id: `${parts.kind}/${parts.name}/${stamp}`,
    kind: parts.kind,
    title: parts.title,
    account: parts.account,
    region: context.region,
    target: parts.target,
    incident: context.incident,
    readAt: readAt.toISOString(),
    readAs: context.caller.arn,
    steps: parts.steps,
    tables: parts.tables ?? [],
    notes: parts.notes ?? [],
  };
}

/** Number steps in order: '1', '2', …. */
export function numberSteps(steps: readonly Omit<PlanStep, 'id'>[]): PlanStep[] {
  return steps.map((step, index) => ({ id: String(index + 1), ...step }));
}
