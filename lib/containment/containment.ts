/**
 * A containment session for one incident: the clients, who is calling, and the audit log,
 * with the plan builders, apply, undo, and `act` for a notebook cell (show the plan; act only
 * when told to apply and the account is confirmed).
 */

import { join } from 'node:path';
import { showHtml } from '../display/notebook';
import { resolveRegion } from '../engines/athena/settings';
import type { Engine } from '../engines/engine';
import { configuredEngine } from '../query-results';
import { ContainmentFailedError, OptionError } from '../errors';
import { applyPlan, DEFAULT_MAX_PLAN_AGE_MINUTES } from './apply';
import { AuditLog } from './audit-log';
import { createContainmentClients, type ContainmentClients } from './clients';
import type { ContainmentContext } from './context';
import { identify } from './credentials';
import { parseIdentity } from './identity';
import { permissionsTable } from './permissions';
import { planBucketLockdown } from './plan-bucket';
import { planInstanceIsolation, type InstanceIsolationOptions } from './plan-instance';
import { planRoleRevocation, type RoleRevocationOptions } from './plan-role';
import { planSessionDeny, type SessionDenyOptions } from './plan-session';
import { planUserContainment, type UserContainmentOptions } from './plan-user';
import { historyHtml, historyText, planFooter, planHtml, planText, reportHtml, reportText } from './render';
import { undoPlan } from './undo';
import type { AuditEntry, ContainmentReport, Plan, PlanTable } from './types';

/** The notebook's query engine, or undefined when none is configured (containment works without one). */
function engineIfConfigured(): Engine | undefined {
  try {
    return configuredEngine();
  } catch (error) {
    if (error instanceof OptionError) return undefined;
    throw error;
  }
}

/** Options of {@link openContainment}. */
export interface ContainmentOptions {
  /** The incident id (letters, digits, `.`, `_`, `:`, `-`): in every plan, log entry and tag. */
  readonly incident: string;
  /** Region for EC2 and the clients. Default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** The local audit log. Default (also for '') `irbook-audit/<incident>.jsonl` under the current folder. */
  readonly auditLog?: string;
  /** Also copy the audit log to S3: `s3://bucket/prefix/`. */
  readonly auditLogS3?: string;
  /** Clients to use instead of the SDK defaults (another profile, an endpoint, tests). */
  readonly clients?: Partial<ContainmentClients>;
  /** Refuse to apply plans older than this. Default 60. */
  readonly maxPlanAgeMinutes?: number;
  /** The clock. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** What a notebook cell passes to {@link Containment.act}. */
export interface ActOptions {
  /** Act. Default false: only show the plan. */
  readonly apply?: boolean;
  /** The account id, typed by the analyst, that the plan acts on. */
  readonly confirm?: string;
}

const INCIDENT = /^[\w.:-]{1,64}$/;

/**
 * Open a containment session: make the clients, ask STS who is calling, and say so.
 *
 * @throws CredentialsError when there are no working AWS credentials (one short message: what was tried, how to fix it)
 * @example
 * const ir = await openContainment({ incident: 'IR-2024-0319', region: 'us-east-1' });
 * const plan = await ir.planUser('arn:aws:iam::111122223333:user/ci-deployer');
 * await ir.act(plan); // shows the plan, changes nothing
 */
export async function openContainment(options: ContainmentOptions): Promise<Containment> {
  if (typeof options.incident !== 'string' || !INCIDENT.test(options.incident)) {
    throw new OptionError('incident', options.incident, `incident: give an id of 1-64 letters, digits and . _ : - (got '${String(options.incident)}')`);
  }
  // The region the Athena engine resolves too ('' or none: AWS_REGION, AWS_DEFAULT_REGION, the SageMaker setup's, the profile's).
  const region = (await resolveRegion(options.region || undefined, options.clients?.ec2)).value;
  const clients = await createContainmentClients(region, options.clients);
  const caller = await identify(clients.sts, region);
  const context: ContainmentContext = { clients, caller, region, incident: options.incident, now: options.now ?? (() => new Date()) };
  const auditLog = new AuditLog({
    file: options.auditLog || join(process.cwd(), 'irbook-audit', `${options.incident}.jsonl`),
    s3Uri: options.auditLogS3,
    s3Client: clients.s3,
    incident: options.incident,
  });
  return new Containment(context, auditLog, options.maxPlanAgeMinutes ?? DEFAULT_MAX_PLAN_AGE_MINUTES);
}

/** One incident's containment: plan, show, apply, undo, all through one audit log. */
export class Containment {
  /** The report of the last apply or undo. */
  lastReport: ContainmentReport | undefined;
  /** How to build each plan of this session again, to check its state has not changed before applying. */
  private readonly rebuild = new WeakMap<Plan, () => Promise<Plan>>();

  constructor(
    readonly context: ContainmentContext,
    readonly auditLog: AuditLog,
    readonly maxPlanAgeMinutes: number,
  ) {}

  /** One line: account, caller, region, incident, audit log. */
  describe(): string {
    const { caller, region, incident } = this.context;
    return `containment: account ${caller.account} as ${caller.arn}, region ${region}, incident ${incident}; audit log ${this.auditLog.locations.join(' and ')}`;
  }

  /**
   * Plan containing an IAM user (deny-all, deactivate keys, delete console password). With a
   * window, the roles it assumed are looked up in CloudTrail on the configured query engine.
   */
  planUser(user: string, options: UserContainmentOptions = {}): Promise<Plan> {
    const cloudTrail = options.cloudTrail ?? (options.window ? engineIfConfigured() : undefined);
    return this.remember(() => planUserContainment(this.context, user, { ...options, ...(cloudTrail ? { cloudTrail } : {}) }));
  }

  /** Plan revoking a role's sessions issued before a time (and optionally its trust); for an Identity Center role, through its permission set. */
  planRole(role: string, options?: RoleRevocationOptions): Promise<Plan> {
    return this.remember(() => planRoleRevocation(this.context, role, options));
  }

  /**
   * Plan containing one session of a shared role: its source identity, or every older session
   * of the role. For IAM Identity Center's roles, every older session of the permission set in
   * this account (its inline policy, provisioned here).
   */
  planSession(role: string, options?: SessionDenyOptions): Promise<Plan> {
    return this.remember(() => planSessionDeny(this.context, role, options));
  }

  /** Plan isolating an EC2 instance and preserving its disks. */
  planInstance(instanceId: string, options?: InstanceIsolationOptions): Promise<Plan> {
    return this.remember(() => planInstanceIsolation(this.context, instanceId, options));
  }

  /** Plan locking a bucket down to its own account. */
  planBucket(bucket: string): Promise<Plan> {
    return this.remember(() => planBucketLockdown(this.context, bucket));
  }

  private async remember(build: () => Promise<Plan>): Promise<Plan> {
    const plan = await build();
    this.rebuild.set(plan, build);
    return plan;
  }

  /** What a user or role may do: its policies, directly and through groups. Give an ARN; a bare name is taken as a role's. */
  permissions(identity: string): Promise<PlanTable> {
    const kind = /:(user)\//.test(identity) ? 'user' : 'role';
    return permissionsTable(this.context, parseIdentity(identity, kind));
  }

  /**
   * Apply a plan. `confirm` must be the plan's account id. A plan this session built is read
   * again first, and refused if its state changed since.
   */
  async apply(plan: Plan, options: { readonly confirm?: string } = {}): Promise<ContainmentReport> {
    const reread = this.rebuild.get(plan);
    this.lastReport = await applyPlan(this.context, this.auditLog, plan, { confirm: options.confirm, maxPlanAgeMinutes: this.maxPlanAgeMinutes, reread });
    return this.lastReport;
  }

  /** Undo what a plan (given as itself or its id) or one audit entry changed. `confirm` must be the account id. */
  async undo(target: Plan | AuditEntry | string, options: { readonly confirm?: string } = {}): Promise<ContainmentReport> {
    this.lastReport = await undoPlan(this.context, this.auditLog, target, options);
    return this.lastReport;
  }

  /**
   * For a notebook cell: show the plan; with `apply: true` and `confirm` naming the account,
   * apply it and show the report. Throws when a guard refuses or a step fails, so "Run All"
   * stops there.
   */
  async act(plan: Plan, options: ActOptions = {}): Promise<void> {
    if (options.apply !== true) {
      this.show(plan);
      return;
    }
    this.show(plan, 'Applying this plan…');
    const report = await this.apply(plan, { confirm: options.confirm });
    this.show(report);
    if (!report.ok) throw new ContainmentFailedError(report.summary);
  }

  /** Undo for a notebook cell: show the report; throw when a step failed. */
  async actUndo(target: Plan | AuditEntry | string, options: { readonly confirm?: string } = {}): Promise<void> {
    const report = await this.undo(target, options);
    this.show(report);
    if (!report.ok) throw new ContainmentFailedError(report.summary);
  }

  /** Show a plan or a report in the notebook (text outside one). */
  show(item: Plan | ContainmentReport, footer?: string): void {
    if ('steps' in item && 'kind' in item) {
      const text = footer ?? planFooter(item);
      showHtml(planHtml(item, text), () => planText(item, text));
    } else {
      showHtml(reportHtml(item), () => reportText(item));
    }
  }

  /** Show the audit log (all, or one plan's) as a table. */
  showHistory(planId?: string): void {
    const entries = this.history(planId);
    showHtml(historyHtml(entries, this.auditLog.locations), () => historyText(entries, this.auditLog.locations));
  }

  /** The audit log's entries, all or one plan's. */
  history(planId?: string): AuditEntry[] {
    const entries = this.auditLog.entries();
    return planId === undefined ? entries : entries.filter((e) => e.planId === planId);
  }
}
