/** Containment: plan from the current state, show, apply when confirmed, record, undo. */

export { openContainment, Containment, type ActOptions, type ContainmentOptions } from './containment';
export { applyPlan, DEFAULT_MAX_PLAN_AGE_MINUTES, type ApplyOptions } from './apply';
export { undoPlan, type UndoOptions } from './undo';
export { AuditLog, readAuditLog, type AuditLogOptions } from './audit-log';
export { createContainmentClients, type ContainmentClients } from './clients';
export {
  AuditLogError,
  CredentialsError,
  DriftError,
  GuardRefusedError,
  MissingPermissionError,
  ProvisioningError,
  StepRefusedError,
  TamperedLogError,
  TargetNotFoundError,
  TargetStateError,
  type Guard,
} from './errors';
export { deriveUndo, planTarget, STEP_KINDS, type PlanTarget, type StepKind, type StepRecord } from './step-kinds';
export { everyPage } from './pages';
export type { ContainmentContext } from './context';
export { callerPrincipal, type CallerPrincipal } from './guards';
export { parseIdentity, sessionNameOf, type IamIdentity } from './identity';
export { permissionsTable } from './permissions';
export { planUserContainment, type UserContainmentOptions, type UserStep } from './plan-user';
export { planRoleRevocation, denyAllTrustPolicy, type RoleRevocationOptions } from './plan-role';
export { planSessionDeny, sessionPolicyName, sourceIdentityPolicyName, type SessionDenyOptions } from './plan-session';
export { planInstanceIsolation, type InstanceIsolationOptions } from './plan-instance';
export { planBucketLockdown } from './plan-bucket';
export { DENY_ALL_POLICY_NAME, REVOKE_OLDER_SESSIONS_POLICY_NAME, denyAllPolicy, denySessionPolicy, denySourceIdentityPolicy, revokeOlderSessionsPolicy } from './policies';
export { planHtml, planText, reportHtml, reportText } from './render';
export type {
  AuditEntry,
  AwsCall,
  ContainmentReport,
  ContainmentService,
  Json,
  Plan,
  PlanKind,
  PlanStep,
  PlanTable,
  StepOutcome,
  StepReport,
  Undo,
} from './types';
