/**
 * The workloads of the sample: the CI user, application roles on EC2 and Lambda (through VPC
 * endpoints, from 10.0.0.0/16), the security team's notebook and its cross-account audit role,
 * and a reporting portal that hands out federated sessions.
 */

import { Memo } from './memo';
import { act, type Action } from './action';
import { api, sessionKey, sessionStart } from './api';
import { assumeRole } from './iam-calls';
import { iamDate } from './clock';
import { PRODUCTION, SECURITY, accessKeyId, assumedRole, federatedUser, iamUser, role } from './identities';
import type { UserIdentity } from './record';
import { machine, type ActorCtx, type Caller, type Persona } from './persona';
import { AGENTS, fixed, instances, lambdaFunction, notebookActor } from './callers';
import { CI_ACTOR, CI_USER } from './compromise-cast';
import { EC2_READS, IAM_READS, s3BucketReads } from './catalog-infra';
import { CI_DEPLOY } from './catalog-deploy';
import { KMS_APP, SECRETS_APP, SECURITY_ANALYST, SSM_AGENT, s3Traffic } from './catalog-apps';

const AGENT_ON_INSTANCE: readonly Action[] = SSM_AGENT.map((a) => ({ ...a, agent: AGENTS.ssmAgent }));
const AUDIT_ROLE = role(PRODUCTION, 'SecurityAuditRole');
const REPORTING_USER = 'reporting-svc';
const PORTAL = 'reporting-portal';
const sessions = new Memo<UserIdentity>(64);

/** The notebook assumes the audit role in production (mode `assume`), then calls with it. */
function auditCaller(c: ActorCtx): Caller {
  if (c.mode === 'assume') return { actor: notebookActor(c.t), session: 'SageMaker' };
  const issued = sessionStart(c.t, 1);
  const identity = sessions.get(`audit|${issued}`, () =>
    assumedRole(AUDIT_ROLE, 'ir-notebook', sessionKey('audit', issued), issued),
  );
  return { actor: { ...notebookActor(c.t), identity }, session: 'ir-notebook' };
}

/** The portal's IAM user gets federation tokens (mode `issuer`); the federated user reads invoices. */
function portalCaller(c: ActorCtx): Caller {
  const issued = sessionStart(c.t, 12);
  const identity = sessions.get(`portal|${c.mode}|${issued}`, () =>
    c.mode === 'issuer'
      ? iamUser(PRODUCTION, REPORTING_USER, accessKeyId('AKIA', PRODUCTION, REPORTING_USER))
      : federatedUser(PRODUCTION, PORTAL, REPORTING_USER, sessionKey(PORTAL, issued), issued),
  );
  return { actor: { identity, sourceIPAddress: '10.0.200.15', userAgent: AGENTS.portal }, session: PORTAL };
}

const FEDERATE = act(
  0.3,
  'sts.amazonaws.com',
  (c) => {
    const issued = sessionStart(c.t, 12);
    return api(
      'sts.amazonaws.com',
      'GetFederationToken',
      'us-east-1',
      false,
      { name: PORTAL, durationSeconds: 43200 },
      {
        credentials: {
          accessKeyId: sessionKey(PORTAL, issued),
          sessionToken: c.rng.alnum(96),
          expiration: iamDate(c.t + 43_200_000),
        },
        federatedUser: {
          federatedUserId: `${PRODUCTION}:${PORTAL}`,
          arn: `arn:aws:sts::${PRODUCTION}:federated-user/${PORTAL}`,
        },
        packedPolicySize: 9,
      },
    );
  },
  { deniable: false, mode: 'issuer' },
);

const ASSUME_AUDIT = act(
  2,
  'sts.amazonaws.com',
  (c) => assumeRole(c.rng, AUDIT_ROLE, 'ir-notebook', c.t, c.region, sessionKey('audit', sessionStart(c.t, 1))),
  { deniable: false, mode: 'assume' },
);

/** The workload personas. */
export const WORKLOADS: readonly Persona[] = [
  machine({
    key: CI_USER,
    account: PRODUCTION,
    regions: { 'us-east-1': 0.75, 'us-west-2': 0.25 },
    rhythm: 'ci',
    weight: 7,
    denyRate: 0.004,
    actions: [...CI_DEPLOY, ...s3Traffic(['web-assets-prod', `tf-state-${PRODUCTION}`], 1, 2)],
    caller: fixed(CI_ACTOR, CI_USER),
  }),
  machine({
    key: 'web-app',
    account: PRODUCTION,
    regions: { 'us-east-1': 1 },
    rhythm: 'steady',
    weight: 12,
    denyRate: 0.001,
    actions: [
      ...s3Traffic(['app-config-prod', 'web-assets-prod', 'invoice-archive-prod'], 4, 1),
      ...KMS_APP,
      ...SECRETS_APP,
      ...AGENT_ON_INSTANCE,
    ],
    caller: instances(role(PRODUCTION, 'WebAppInstanceRole'), 'us-east-1', AGENTS.javaApp, 'vpce-0a1b2c3d4e5f60718'),
  }),
  machine({
    key: 'payments-batch',
    account: PRODUCTION,
    regions: { 'us-west-2': 1 },
    rhythm: 'steady',
    weight: 6,
    denyRate: 0.001,
    actions: [...s3Traffic(['customer-payments-prod'], 1, 2), ...KMS_APP, ...SECRETS_APP, ...AGENT_ON_INSTANCE],
    caller: instances(role(PRODUCTION, 'PaymentsBatchRole'), 'us-west-2', AGENTS.botoBatch, 'vpce-05f4e3d2c1b0a9f87'),
  }),
  machine({
    key: 'invoice-processor',
    account: PRODUCTION,
    regions: { 'us-east-1': 1 },
    rhythm: 'steady',
    weight: 6,
    denyRate: 0.001,
    actions: [...s3Traffic(['invoice-archive-prod'], 2, 2), ...KMS_APP, ...SECRETS_APP],
    caller: lambdaFunction(role(PRODUCTION, 'invoice-processor-role'), 'invoice-processor'),
  }),
  machine({
    key: 'ir-notebook',
    account: SECURITY,
    regions: { 'us-east-1': 1 },
    rhythm: 'office',
    weight: 5,
    denyRate: 0.004,
    actions: [
      ...SECURITY_ANALYST,
      ...s3Traffic([`athena-results-${SECURITY}`], 2, 2),
      ...s3Traffic([`aws-cloudtrail-logs-${SECURITY}-org`], 3, 0),
    ],
    caller: (c) => ({ actor: notebookActor(c.t), session: 'SageMaker' }),
  }),
  machine({
    key: 'security-audit',
    account: PRODUCTION,
    regions: { 'us-east-1': 0.8, 'us-west-2': 0.2 },
    rhythm: 'office',
    zone: 'Europe/Dublin',
    weight: 2,
    denyRate: 0.006,
    actions: [...IAM_READS, ...EC2_READS, ...s3BucketReads(PRODUCTION), ASSUME_AUDIT],
    caller: auditCaller,
  }),
  machine({
    key: PORTAL,
    account: PRODUCTION,
    regions: { 'us-east-1': 1 },
    rhythm: 'office',
    weight: 2,
    denyRate: 0.004,
    actions: [...s3Traffic(['invoice-archive-prod'], 3, 0), FEDERATE],
    caller: portalCaller,
  }),
];
