/** Naming IAM identities: an ARN or a bare name, checked before any call is made. */

import { OptionError } from '../errors';

/** An IAM user or role, by name (the API's `UserName` / `RoleName`, no path). */
export interface IamIdentity {
  readonly kind: 'user' | 'role';
  readonly name: string;
  /** The account in the ARN, when an ARN was given. */
  readonly account?: string;
}

// IAM's own pattern for user and role names.
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;

/**
 * Read `arn:aws:iam::<account>:user/<path>/<name>` (or `role/…`), an assumed-role session ARN
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>` (its role), or a bare name.
 *
 * @example
 * parseIdentity('arn:aws:iam::111122223333:user/ci-deployer', 'user'); // { kind: 'user', name: 'ci-deployer', account: '111122223333' }
 */
export function parseIdentity(value: string, kind: 'user' | 'role', option = kind): IamIdentity {
  const arn = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(user|role|assumed-role)\/(.+)$/.exec(value);
  if (arn) {
    const [, , account, type, rest] = arn as unknown as [string, string, string, string, string];
    const wanted = type === 'assumed-role' ? 'role' : type;
    if (wanted !== kind) throw new OptionError(option, value, `${option}: '${value}' is a ${wanted} ARN, not a ${kind}`);
    const name = type === 'assumed-role' ? (rest.split('/')[0] ?? '') : (rest.split('/').at(-1) ?? '');
    if (!IAM_NAME.test(name)) throw new OptionError(option, value, `${option}: '${name}' in '${value}' is not a valid IAM ${kind} name`);
    return { kind, name, account };
  }
  if (value.startsWith('arn:')) throw new OptionError(option, value, `${option}: '${value}' is not an IAM ${kind} ARN`);
  if (!IAM_NAME.test(value)) throw new OptionError(option, value, `${option}: '${value}' is not a valid IAM ${kind} name (1-128 of letters, digits and +=,.@_-)`);
  return { kind, name: value };
}

/** The session name in an assumed-role ARN, or undefined. */
export function sessionNameOf(value: string): string | undefined {
  const match = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/]+\/(.+)$/.exec(value);
  return match?.[1];
}
