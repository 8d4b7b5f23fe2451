/** What every plan builder needs: the clients, who is calling, where, and for which incident. */

import type { CallerIdentity } from '../engines/athena/whoami';
import type { ContainmentClients } from './clients';
import { StepRefusedError } from './errors';
import { deriveUndo, planTarget } from './step-kinds';
import type { Plan, PlanKind, PlanStep, PlanTable } from './types';

/** A step as a builder writes it: `makePlan` derives its undo. */
export type StepDraft = Omit<PlanStep, 'id' | 'undo'>;

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
  /** Wait between polls of a long-running change (Identity Center provisioning). Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The parts of a plan a builder supplies; {@link makePlan} adds the rest. */
export interface PlanParts {
  readonly kind: PlanKind;
  /** A short name for the id: the user, role, instance or bucket name. */
  readonly name: string;
  readonly title: string;
  readonly account: string;
  readonly target: string;
  readonly steps: readonly Omit<PlanStep, 'undo'>[];
  readonly tables?: readonly PlanTable[];
  readonly notes?: readonly string[];
}

/**
 * A plan from its parts, stamped with the incident, the time and the reader. Each step's undo
 * is derived from its kind, the target and its before-state, as `undo` will derive it.
 */
export function makePlan(context: ContainmentContext, readAt: Date, parts: PlanParts): Plan {
  const stamp = readAt.toISOString().replace(/[-:]/g, '');
  const target = planTarget(parts.target, parts.account);
  if (!target) throw new StepRefusedError('-', parts.target, 'not a target containment acts on');
  const steps = parts.steps.map((step): PlanStep => ({
    ...step,
    undo: step.call ? deriveUndo(target, { step: step.id, kind: step.kind, label: step.target, before: step.before, request: step.call, response: undefined }) : { calls: [] },
  }));
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
    steps,
    tables: parts.tables ?? [],
    notes: parts.notes ?? [],
  };
}

/** Number steps in order: '1', '2', …. */
export function numberSteps(steps: readonly StepDraft[]): Omit<PlanStep, 'undo'>[] {
  return steps.map((step, index) => ({ id: String(index + 1), ...step }));
}
