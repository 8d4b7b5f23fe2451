/**
 * The credential-compromise playbook's queries in notebook order, each with a one-line
 * title, so a notebook can list them and a test can run every one on each engine.
 */

import type { SqlFragment } from '../../sql';
import type { TimeWindowInput } from '../time-window';
import { actionsAttempted, entityActivity, entityTimeline, servicesUsed } from './activity';
import { authorizationFailures, failuresOverTime, topFailingEntities } from './failures';
import { activityByHour, offHoursActivity } from './hours';
import { instancesTouched } from './instances';
import { consoleLogins, iamChanges, mfaChanges } from './identity-changes';
import { accessKeysUsed, sourceIpsAndAgents } from './origins';

/** What every catalog query is built from: the window, the suspect, the table. */
export interface PlaybookContext {
  readonly window: TimeWindowInput;
  /** The suspect entity; queries that survey all entities ignore it. */
  readonly entity: string;
  readonly table?: string;
}

/** One query of a playbook. */
export interface PlaybookQuery {
  /** The article's number (2.1 …) where it has one. */
  readonly section?: string;
  readonly title: string;
  /** Whether the query is about the suspect (`entity`) rather than all entities. */
  readonly aboutEntity: boolean;
  /** The query with each option at its default. */
  readonly build: (context: PlaybookContext) => SqlFragment;
}

const common = ({ window, table }: PlaybookContext) => (table === undefined ? { window } : { window, table });
const suspect = (c: PlaybookContext) => ({ ...common(c), entity: c.entity });

/**
 * Every query of the credential-compromise playbook, in notebook order.
 *
 * @example
 * for (const [name, q] of Object.entries(CREDENTIAL_COMPROMISE_QUERIES)) {
 *   console.log(name, q.title);
 *   await queryResults(q.build({ window, entity: suspect }));
 * }
 */
export const CREDENTIAL_COMPROMISE_QUERIES = Object.freeze({
  authorizationFailures: {
    section: '2.1',
    title: 'Authorization failures by users, root and role sessions, newest first',
    aboutEntity: false,
    build: (c) => authorizationFailures(common(c)),
  },
  topFailingEntities: {
    section: '2.2',
    title: 'The five entities with the most authorization failures',
    aboutEntity: false,
    build: (c) => topFailingEntities(common(c)),
  },
  failuresOverTime: {
    title: "Authorization failures per hour for the suspect, for a chart",
    aboutEntity: true,
    build: (c) => failuresOverTime({ ...common(c), entities: [c.entity] }),
  },
  entityActivity: {
    section: '2.3',
    title: "Everything the suspect did, newest first",
    aboutEntity: true,
    build: (c) => entityActivity(suspect(c)),
  },
  servicesUsed: {
    section: '2.4',
    title: 'The services the suspect called, with failures',
    aboutEntity: true,
    build: (c) => servicesUsed(suspect(c)),
  },
  actionsAttempted: {
    section: '2.5',
    title: 'The actions the suspect attempted, with failures and error codes',
    aboutEntity: true,
    build: (c) => actionsAttempted(suspect(c)),
  },
  entityTimeline: {
    section: '2.6',
    title: "The suspect's calls in time order, for a timeline",
    aboutEntity: true,
    build: (c) => entityTimeline(suspect(c)),
  },
  accessKeysUsed: {
    title: 'The access keys the suspect used: long-term or temporary, from where',
    aboutEntity: true,
    build: (c) => accessKeysUsed(suspect(c)),
  },
  sourceIpsAndAgents: {
    title: "The suspect's source addresses (internal, external, AWS service) and clients",
    aboutEntity: true,
    build: (c) => sourceIpsAndAgents(suspect(c)),
  },
  activityByHour: {
    title: "The suspect's calls per hour of the day (UTC)",
    aboutEntity: true,
    build: (c) => activityByHour(suspect(c)),
  },
  offHoursActivity: {
    title: 'What the suspect did outside working hours and at weekends (UTC)',
    aboutEntity: true,
    build: (c) => offHoursActivity(suspect(c)),
  },
  iamChanges: {
    title: 'IAM changes the suspect made or attempted: users, policies, access keys',
    aboutEntity: true,
    build: (c) => iamChanges(suspect(c)),
  },
  consoleLogins: {
    title: "The suspect's console sign-ins, with outcome and MFA",
    aboutEntity: true,
    build: (c) => consoleLogins(suspect(c)),
  },
  mfaChanges: {
    title: 'MFA devices created, enabled, deactivated or deleted by or for the suspect',
    aboutEntity: true,
    build: (c) => mfaChanges(suspect(c)),
  },
  instancesTouched: {
    title: 'The EC2 instances the suspect launched, stopped, changed or tried to terminate',
    aboutEntity: true,
    build: (c) => instancesTouched(suspect(c)),
  },
} satisfies Record<string, PlaybookQuery>);

/** The name of a credential-compromise query. */
export type CredentialCompromiseQueryName = keyof typeof CREDENTIAL_COMPROMISE_QUERIES;
