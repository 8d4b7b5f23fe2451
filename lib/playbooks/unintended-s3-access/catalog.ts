/**
 * The unintended-S3-data-access playbook's queries in notebook order, each with a one-line
 * title, so a notebook can list them and a test can run every one on each engine and feed.
 */

import type { SqlFragment } from '../../sql';
import type { TimeWindowInput } from '../time-window';
import { distinctOperations, iamChanges, iamChangesByUser, macieFindings, s3DataEvents, userActivity } from './article';
import { activityPerHour, newPrincipals, objectsReadAndDeleted } from './review';

/** What every query is built from. */
export interface S3AccessContext {
  /** The lake's rollup region; default `'us-west-2'`. */
  readonly region?: string;
  /** The IAM user under investigation, e.g. `'Service_Backup'`. */
  readonly user: string;
  /** The investigation window (both ends included, as the article's BETWEEN). */
  readonly window: TimeWindowInput;
  /** The window for Security Hub findings: around the ransom bucket's creation. */
  readonly findingsWindow: TimeWindowInput;
  /** The account the findings are about. */
  readonly accountId: string;
}

/** One query of the playbook. */
export interface S3AccessQuery {
  /** Where the query comes from: the article's phase, or the review before containment. */
  readonly source: 'article, phase 2' | 'article, phase 3' | 'review';
  readonly title: string;
  /** The table the query reads. */
  readonly reads: 'cloud_trail_mgmt' | 's3_data' | 'sh_findings' | 'cloud_trail_mgmt + s3_data';
  readonly build: (context: S3AccessContext) => SqlFragment;
}

const region = (c: S3AccessContext) => (c.region === undefined ? {} : { region: c.region });

/**
 * Every query of the unintended-S3-data-access playbook, in notebook order.
 *
 * @example
 * const context = { user: 'Service_Backup', accountId: '111122223333',
 *   window: { start: '2024-03-01', end: '2024-05-31T23:59:00Z' },
 *   findingsWindow: { start: '2024-03-10', end: '2024-03-14T23:59:00Z' } };
 * for (const [name, q] of Object.entries(UNINTENDED_S3_ACCESS_QUERIES)) {
 *   console.log(name, q.title);
 *   await queryResults(q.build(context));
 * }
 */
export const UNINTENDED_S3_ACCESS_QUERIES = Object.freeze({
  distinctOperations: {
    source: 'article, phase 2',
    title: 'The distinct API calls the user made',
    reads: 'cloud_trail_mgmt',
    build: (c) => distinctOperations({ ...region(c), user: c.user }),
  },
  userActivity: {
    source: 'article, phase 2',
    title: "The user's management calls in detail",
    reads: 'cloud_trail_mgmt',
    build: (c) => userActivity({ ...region(c), user: c.user }),
  },
  iamChangesByUser: {
    source: 'article, phase 2',
    title: 'IAM Create*, Attach*, Delete* calls by the user in the window',
    reads: 'cloud_trail_mgmt',
    build: (c) => iamChangesByUser({ ...region(c), user: c.user, window: c.window }),
  },
  s3DataEvents: {
    source: 'article, phase 2',
    title: "The user's S3 data events",
    reads: 's3_data',
    build: (c) => s3DataEvents({ ...region(c), user: c.user }),
  },
  macieFindings: {
    source: 'article, phase 2',
    title: "Macie's findings for the account, from Security Hub, around the bucket's creation",
    reads: 'sh_findings',
    build: (c) => macieFindings({ ...region(c), accountId: c.accountId, window: c.findingsWindow }),
  },
  activityPerHour: {
    source: 'review',
    title: "The user's calls per hour and operation, for a chart",
    reads: 'cloud_trail_mgmt + s3_data',
    build: (c) => activityPerHour({ ...region(c), user: c.user, window: c.window }),
  },
  objectsReadAndDeleted: {
    source: 'review',
    title: 'The objects the user read and deleted',
    reads: 's3_data',
    build: (c) => objectsReadAndDeleted({ ...region(c), user: c.user, window: c.window }),
  },
  newPrincipals: {
    source: 'review',
    title: 'IAM users and roles created in the window, by whom, with their policies and keys',
    reads: 'cloud_trail_mgmt',
    build: (c) => newPrincipals({ ...region(c), window: c.window }),
  },
  iamChanges: {
    source: 'article, phase 3',
    title: "IAM Create*, Attach*, Delete* calls by anyone in the window (the article's IAM-wide variant)",
    reads: 'cloud_trail_mgmt',
    build: (c) => iamChanges({ ...region(c), window: c.window }),
  },
} satisfies Record<string, S3AccessQuery>);

/** The name of an unintended-S3-data-access query. */
export type UnintendedS3AccessQueryName = keyof typeof UNINTENDED_S3_ACCESS_QUERIES;
