/**
 * Containment's errors, one class per failure kind, each with the fields a person (or a test)
 * needs: which step, which target, why, which audit entry. Every refusal is a
 * {@link ContainmentRefusedError}, so code that catches that still catches these.
 */

import { ContainmentRefusedError, IrbookError } from '../errors';

/** A step was refused before any call: its target is not the plan's, or its recorded state has the wrong shape. */
export class StepRefusedError extends ContainmentRefusedError {
  override readonly name: string = 'StepRefusedError';
  constructor(
    /** The step id ('1', '2', …). */
    readonly step: string,
    /** What the step acts on, as the plan or the audit log names it. */
    readonly target: string,
    /** What is wrong, for a person. */
    readonly reason: string,
  ) {
    super(`refused: step ${step} (${target}): ${reason}; nothing changed`);
  }
}

/** Which guard refused: see lib/containment/guards.ts. */
export type Guard = 'confirm' | 'account' | 'own-principal' | 'stale-plan' | 'service-linked-role' | 'identity-center-role' | 'notebook-instance';

/**
 * A guard refused before any change: `confirm` missing or wrong, the credentials in another
 * account, the target is the caller itself (or the instance it may run on), a role IAM cannot
 * change, or the plan is too old.
 */
export class GuardRefusedError extends ContainmentRefusedError {
  override readonly name: string = 'GuardRefusedError';
  constructor(
    readonly guard: Guard,
    /** The plan id, or what the plan would act on. */
    readonly target: string,
    /** What is wrong and what to do, for a person (also the message). */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The state changed since the plan read it: its record of the state before would be wrong. */
export class DriftError extends ContainmentRefusedError {
  override readonly name: string = 'DriftError';
  constructor(
    readonly planId: string,
    /** The steps whose state changed, with what was read then and now. */
    readonly changes: readonly { readonly step: string; readonly target: string; readonly reason: string }[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * The audit log does not verify: an entry was edited, removed or added outside irbook, or the
 * log differs from its S3 copy. `entry` is the 1-based line of the first entry that does not
 * verify.
 */
export class TamperedLogError extends ContainmentRefusedError {
  override readonly name: string = 'TamperedLogError';
  constructor(
    readonly file: string,
    readonly entry: number,
    readonly reason: string,
  ) {
    super(`refused: the audit log ${file} does not verify at entry ${entry}: ${reason}. Nothing was changed. Keep the file as evidence; undo by hand from a copy you trust`);
  }
}

/** The credentials lack a permission a step needs (found by a DryRun before any change). */
export class MissingPermissionError extends ContainmentRefusedError {
  override readonly name: string = 'MissingPermissionError';
  constructor(
    readonly step: string,
    readonly target: string,
    /** The IAM action, e.g. `ec2:ModifyNetworkInterfaceAttribute`. */
    readonly action: string,
    readonly reason: string,
  ) {
    super(`refused: step ${step} (${target}) needs ${action}, which the credentials lack (${reason}); nothing changed. Add the permission (kernel-setup/: EnableContainment=true) and plan again`);
  }
}

/** The audit log could not be written or read; nothing after this point was changed. */
export class AuditLogError extends IrbookError {
  override readonly name: string = 'AuditLogError';
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`audit log ${file}: ${reason}`, options);
  }
}

/** A change AWS finishes in the background (Identity Center provisioning) failed or did not finish. */
export class ProvisioningError extends IrbookError {
  override readonly name: string = 'ProvisioningError';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`${target}: ${reason}`);
  }
}

/** What containment needs to find does not exist (a user, an instance, a bucket, a plan in the log). */
export class TargetNotFoundError extends IrbookError {
  override readonly name: string = 'TargetNotFoundError';
  constructor(
    readonly target: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${target}: ${reason}`, options);
  }
}

/** A target exists but cannot be contained as planned (terminated, no VPC interface, unreadable policy). */
export class TargetStateError extends IrbookError {
  override readonly name: string = 'TargetStateError';
  constructor(
    readonly target: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${target}: ${reason}`, options);
  }
}

/**
 * No AWS credentials were found, or they do not work. The message is short and says what to
 * do; `region` is the region in use, `tried` what the SDK tried, `cause` the SDK's error.
 */
export class CredentialsError extends IrbookError {
  override readonly name: string = 'CredentialsError';
  constructor(
    readonly region: string,
    readonly tried: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(credentialsMessage(region, tried, reason), options);
  }
}

function credentialsMessage(region: string, tried: string, reason: string): string {
  const profile = process.env.AWS_PROFILE ?? '<profile>';
  return [
    `no working AWS credentials (region ${region}): ${reason}. Tried ${tried}.`,
    'Fix one of:',
    `  1. a profile: set AWS_PROFILE (export AWS_PROFILE=${profile}) before starting Jupyter;`,
    `  2. single sign-on: aws sso login --profile ${profile};`,
    '  3. on EC2 or SageMaker: attach an instance role (the notebook role from kernel-setup/).',
    'Then run this cell again. The query cells work without credentials.',
  ].join('\n');
}
