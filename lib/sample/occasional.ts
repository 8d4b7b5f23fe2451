/**
 * Benign events too rare to sample: the security account's root user signing in once (with
 * MFA, from the office) to update the account's security contact.
 */

import { BASE32, Rng } from './prng';
import { at, eventTime } from './clock';
import { api, consoleLogin } from './api';
import { SECURITY, root } from './identities';
import { Timeline, type ScriptedEvent } from './timeline';
import type { Actor } from './record';

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

/**
 * The scripted benign events.
 *
 * @example
 * occasionalEvents(1).length; // 3
 */
export function occasionalEvents(seed: number): ScriptedEvent[] {
  const rng = new Rng(seed, 'occasional');
  const tl = new Timeline(rng, SECURITY, at(4, 16, 10, rng.below(60)));
  const signIn: Actor = { identity: root(SECURITY), sourceIPAddress: '192.0.2.10', userAgent: BROWSER };
  const mfa = { device: `arn:aws:iam::${SECURITY}:mfa/root-account-mfa-device`, state: '0f1e2d3c4b5a6978' };
  tl.call(signIn, consoleLogin(mfa)).pause(40, 120);
  const session: Actor = {
    identity: {
      ...root(SECURITY),
      accessKeyId: `ASIA${rng.chars(BASE32, 16)}`,
      sessionContext: { attributes: { creationDate: eventTime(tl.time - 60_000), mfaAuthenticated: 'true' } },
    },
    sourceIPAddress: '192.0.2.10',
    userAgent: 'AWS Internal',
    console: true,
  };
  tl.call(
    session,
    api('account.amazonaws.com', 'GetAlternateContact', 'us-east-1', true, { alternateContactType: 'SECURITY' }),
  ).pause(30, 90);
  tl.call(
    session,
    api('account.amazonaws.com', 'PutAlternateContact', 'us-east-1', false, {
      alternateContactType: 'SECURITY',
      emailAddress: 'security@example.com',
      name: 'Security Team',
      phoneNumber: '+1-202-555-0100',
      title: 'SOC',
    }),
  );
  return tl.events;
}
