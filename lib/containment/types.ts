/**
 * The data of containment: a plan is plain JSON built from the state read from AWS, so it can
 * be shown, written to the audit log, and undone from that log after the kernel restarts.
 */

/** A JSON value: before-states, request inputs and responses are kept as JSON. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

import type { StepKind } from './step-kinds';

/**
 * The AWS services containment calls, named as their IAM actions are (`autoscaling:…`,
 * `sso:…` for IAM Identity Center's administration API).
 */
export type ContainmentService = 'iam' | 'ec2' | 's3' | 'autoscaling' | 'sso';

/**
 * One AWS API call, as data: `command` is the SDK command's name without `Command`
 * (`UpdateAccessKey`), `input` its input exactly as sent. A value only known once an earlier
 * step has run (a new security group's id) is written `{ "$output": "<step id>", "field": "GroupId" }`
 * and filled in by `apply`.
 */
export interface AwsCall {
  readonly service: ContainmentService;
  readonly command: string;
  readonly input: { readonly [key: string]: Json };
}

/**
 * How a step is reversed: the calls that restore the before-state, or why it cannot be.
 * Always derived by code from the step's kind, the plan's target and the before-state
 * (`deriveUndo`), never read from an audit log.
 */
export type Undo = { readonly calls: readonly AwsCall[] } | { readonly cannot: string };

/** One change of a plan, with the state it was read in. */
export interface PlanStep {
  /** Unique within the plan: '1', '2', … in the order the steps run. */
  readonly id: string;
  /** What kind of change: decides the calls the step and its undo may make. */
  readonly kind: StepKind;
  /** What the step does, e.g. 'Deactivate access key'. */
  readonly action: string;
  /** What it acts on, e.g. 'AKIA… of user ci-deployer'. */
  readonly target: string;
  /** The state read from AWS, for a person. */
  readonly current: string;
  /** The change, for a person; starts with 'none' when the state is already as wanted. */
  readonly change: string;
  /** The state read from AWS, recorded in the audit log so the step can be undone. */
  readonly before: Json;
  /** The call that makes the change; absent when there is nothing to change. */
  readonly call?: AwsCall;
  /** How to reverse the change (derived from the kind, the plan's target and `before`). */
  readonly undo: Undo;
}

/** A table of facts a plan shows beside its steps (permissions, MFA devices, …). */
export interface PlanTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** What kind of thing a plan contains. */
export type PlanKind = 'iam-user' | 'iam-role' | 'role-session' | 'ec2-instance' | 's3-bucket';

/**
 * A containment plan: what will change, built from the current state, changing nothing.
 * `apply` runs it; `undo` reverses what it did.
 */
export interface Plan {
  /** Unique: the kind, the target's name and the time the state was read. */
  readonly id: string;
  readonly kind: PlanKind;
  readonly title: string;
  /** The account the plan acts in; `confirm` must name it. */
  readonly account: string;
  readonly region: string;
  /** ARN of what is contained. */
  readonly target: string;
  /** The incident id, written to the audit log and to tags. */
  readonly incident: string;
  /** When the state was read (ISO 8601). */
  readonly readAt: string;
  /** Who read it (the caller's ARN). */
  readonly readAs: string;
  readonly steps: readonly PlanStep[];
  /** Facts that help judge the change: permissions, MFA devices, keys created in the window. */
  readonly tables: readonly PlanTable[];
  /** Warnings and advice for the analyst. */
  readonly notes: readonly string[];
}

/** What happened to one step when a plan was applied or undone. */
export type StepOutcome =
  | 'applied'
  | 'unchanged'
  | 'already-applied'
  | 'failed'
  | 'not-run'
  | 'undone'
  | 'already-undone'
  | 'cannot-undo';

/**
 * One line of the audit log: one step of one apply or undo. `prev` chains the lines: the
 * SHA-256 of the previous line as written (of '' for the first), so an edited, removed or
 * inserted line breaks the chain at that point.
 */
export interface AuditEntry {
  readonly prev: string;
  readonly time: string;
  readonly operation: 'apply' | 'undo';
  readonly planId: string;
  readonly planKind: PlanKind;
  readonly incident: string;
  readonly account: string;
  readonly region: string;
  readonly caller: { readonly arn: string; readonly account: string };
  /** ARN of what the plan contains: undo acts on it and nothing else. */
  readonly planTarget: string;
  readonly step: string;
  readonly kind: StepKind;
  readonly action: string;
  readonly target: string;
  /** The state before the change, as read when the plan was built. */
  readonly before: Json;
  /** The call made (placeholders filled in); an undo may make several; null when none was made. */
  readonly request: AwsCall | readonly AwsCall[] | null;
  readonly outcome: StepOutcome;
  /** The response's fields (no SDK metadata), when a call succeeded. */
  readonly response?: Json;
  readonly error?: { readonly name: string; readonly message: string };
  /** For a person: why nothing was done, or what is left to do. */
  readonly detail?: string;
}

/** One row of an apply or undo report. */
export interface StepReport {
  readonly step: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: StepOutcome;
  readonly detail: string;
}

/** What `apply` or `undo` did. `ok` is false when a step failed. */
export interface ContainmentReport {
  readonly operation: 'apply' | 'undo';
  readonly planId: string;
  readonly account: string;
  readonly ok: boolean;
  /** One line for a person: what changed, what did not. */
  readonly summary: string;
  readonly steps: readonly StepReport[];
  /** Where the audit log was written. */
  readonly auditLog: readonly string[];
}
