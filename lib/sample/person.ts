/**
 * How a person appears in CloudTrail: through IAM Identity Center (an `AssumeRoleWithSAML`,
 * then a role session named by their email) or as an IAM user, signing in to the console or
 * calling with a CLI, from their office's egress address (192.0.2.0/24). The VPN is full-tunnel, so
 * calls from home leave through the office too: each person has one address all month, which is
 * what lets a "new address for this principal" rule stay quiet on the background.
 */

import { hash32 } from './prng';
import { Memo } from './memo';
import type { Zone } from './clock';
import { act, type Action } from './action';
import { api, consoleLogin, sessionKey, sessionStart } from './api';
import type { Actor, Call, UserIdentity } from './record';
import type { Persona, ActorCtx, Caller } from './persona';
import {
  accessKeyId,
  assumedRole,
  iamUser,
  iamUserConsole,
  samlUser,
  ssoRole,
  ssoSamlProviderArn,
  assumedRoleArn,
  type Region,
} from './identities';
import { iamDate } from './clock';

/** Browsers staff use. */
const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:123.0) Gecko/20100101 Firefox/123.0',
];
/** Command-line clients staff use. */
export const CLIS = {
  mac: 'aws-cli/2.15.24 Python/3.11.8 Darwin/23.3.0 exe/x86_64 prompt/off',
  linux: 'aws-cli/2.15.19 Python/3.11.6 Linux/6.5.0-21-generic exe/x86_64.ubuntu.22 prompt/off',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 ' +
    '(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/macos lang/go#1.21.8 ' +
    'md/GOOS#darwin md/GOARCH#arm64',
  jupyter:
    'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 md/arch#x86_64 ' +
    'lang/python#3.10.13 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51',
} as const;
const SSO_AGENT =
  'aws-internal/3 aws-sdk-java/1.12.669 Linux/5.10.213-179.855.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 ' +
  'java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard';

/** How a person reaches an account. */
export type Access = { readonly sso: 'AdministratorAccess' | 'ReadOnly' } | { readonly iamUser: string };

/** Everything that makes one person's traffic. */
export interface PersonSpec {
  readonly key: string;
  readonly email: string;
  readonly account: string;
  readonly access: Access;
  readonly zone: Zone;
  readonly regions: Partial<Record<Region, number>>;
  readonly weight: number;
  /** Share of calls made in the console rather than a CLI. */
  readonly console: number;
  readonly cli: string;
  readonly actions: readonly Action[];
}

/** The office egress address of each site. */
const OFFICE_EGRESS: Readonly<Record<Zone, string>> = {
  'America/New_York': '192.0.2.11',
  'Europe/Dublin': '192.0.2.12',
};

/**
 * A person's address: their office's egress (the VPN is full-tunnel).
 *
 * @example
 * personIp('America/New_York'); // '192.0.2.11'
 */
export function personIp(zone: Zone): string {
  return OFFICE_EGRESS[zone];
}

function signInActions(spec: PersonSpec): Action[] {
  const sso = 'sso' in spec.access ? spec.access.sso : undefined;
  const mfa = sso ? undefined : { device: `arn:aws:iam::${spec.account}:mfa/${spec.key}`, state: 'a8b1c2d3e4f5a6b7' };
  const login = act(1, 'signin.amazonaws.com', () => consoleLogin(mfa), { deniable: false, mode: 'signin' });
  if (!sso) return [login];
  const r = ssoRole(spec.account, sso);
  const saml = act(
    1,
    'sts.amazonaws.com',
    (c): Call => {
      const start = sessionStart(c.t, 4);
      return api(
        'sts.amazonaws.com',
        'AssumeRoleWithSAML',
        'us-east-1',
        false,
        {
          sAMLAssertionID: `_${c.rng.hex(32)}`,
          roleSessionName: spec.email,
          roleArn: r.arn,
          principalArn: ssoSamlProviderArn(spec.account),
          durationSeconds: 43200,
        },
        {
          credentials: {
            accessKeyId: sessionKey(spec.key + spec.account, start),
            sessionToken: c.rng.alnum(96),
            expiration: iamDate(c.t + 43_200_000),
          },
          assumedRoleUser: { assumedRoleId: `${r.principalId}:${spec.email}`, arn: assumedRoleArn(r, spec.email) },
          subject: spec.email,
          subjectType: 'persistent',
          issuer: `https://portal.sso.us-east-1.amazonaws.com/saml/assertion/${c.rng.alnum(24)}`,
          audience: 'https://signin.aws.amazon.com/saml',
          nameQualifier: c.rng.alnum(28) + '=',
        },
        {
          resources: [
            { ARN: r.arn, accountId: spec.account, type: 'AWS::IAM::Role' },
            { ARN: ssoSamlProviderArn(spec.account), accountId: spec.account, type: 'AWS::IAM::SAMLProvider' },
          ],
        },
      );
    },
    { deniable: false, mode: 'saml' },
  );
  return [login, saml];
}

/**
 * Makes a person persona: their API calls, console sign-ins and (for SSO users) the
 * `AssumeRoleWithSAML` that starts each session.
 *
 * @example
 * person({ key: 'carol', email: 'carol@example.com', account: PRODUCTION, access: { sso: 'ReadOnly' }, … });
 */
export function person(spec: PersonSpec): Persona {
  const browser = BROWSERS[hash32(spec.key) % BROWSERS.length];
  const identities = new Memo<UserIdentity>(64);
  const caller = (c: ActorCtx): Caller => {
    const { rng, t, mode } = c;
    const ip = personIp(spec.zone);
    const slot = sessionStart(t, 4);
    const consoleCall = mode === undefined && rng.chance(spec.console);
    const identity = identities.get(`${mode}|${slot}|${consoleCall}`, () => {
      // A session starts a little before its slot; the slot names its temporary key.
      const created = slot - (hash32(spec.key, slot) % 900) * 1000;
      const key = sessionKey(spec.key + spec.account, slot);
      if ('sso' in spec.access) {
        if (mode === 'saml') return samlUser(spec.account, spec.email);
        return assumedRole(ssoRole(spec.account, spec.access.sso), spec.email, mode === 'signin' ? '' : key, created);
      }
      const user = spec.access.iamUser;
      if (mode === 'signin') return iamUserConsole(spec.account, user);
      if (consoleCall) return iamUserConsole(spec.account, user, created, key);
      return iamUser(spec.account, user, accessKeyId('AKIA', spec.account, user));
    });
    let actor: Actor;
    if (mode === 'saml') actor = { identity, sourceIPAddress: ip, userAgent: SSO_AGENT };
    else if (mode === 'signin') actor = { identity, sourceIPAddress: ip, userAgent: browser };
    else if (consoleCall)
      actor = { identity, sourceIPAddress: ip, userAgent: rng.chance(0.3) ? 'AWS Internal' : browser, console: true };
    else actor = { identity, sourceIPAddress: ip, userAgent: spec.cli };
    return { actor, session: spec.email };
  };
  return {
    key: spec.key,
    account: spec.account,
    regions: spec.regions,
    rhythm: 'office',
    zone: spec.zone,
    weight: spec.weight,
    denyRate: 0.006,
    actions: [...spec.actions, ...signInActions(spec)],
    caller,
  };
}
