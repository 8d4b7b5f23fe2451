/**
 * Playbook query catalogs. Each query is a function of an options object that returns a
 * `sql` fragment, values bound, bounded by a time window; the same text runs on the local
 * engine and on Athena.
 */

// Building blocks for the notebook's own queries.
export {
  inWindow,
  timeWindow,
  toTimeWindow,
  windowBounds,
  type TimeInput,
  type TimeWindow,
  type TimeWindowInput,
  type WindowBounds,
} from './time-window';
export { ENTITY, SESSION_NAME, entityIn, entityMatches, iamUserOf, type IamUserRef } from './entity';
export { suspectFrom, type ResultRows, type SuspectOptions } from './suspect';
export { readTriageOptions, type CheckedTriageOptions, type TriageOptions } from './triage';
export type { EntityOptions, WindowOptions } from './query-options';

// The credential-compromise playbook.
export {
  AUTHORIZATION_FAILURE_CODES,
  CREDENTIAL_COMPROMISE_QUERIES,
  MFA_EVENT_NAMES,
  RFC1918_CIDRS,
  accessKeysUsed,
  actionsAttempted,
  activityByHour,
  authorizationFailures,
  consoleLogins,
  consoleSignInBy,
  entityActivity,
  entityTimeline,
  failuresOverTime,
  iamChanges,
  insideNetworks,
  instancesTouched,
  mfaChangeByOrFor,
  mfaChanges,
  offHoursActivity,
  servicesUsed,
  sourceIpsAndAgents,
  topFailingEntities,
  type AuthorizationFailuresOptions,
  type CredentialCompromiseQueryName,
  type EntityListingOptions,
  type FailuresOverTimeQueryOptions,
  type OffHoursOptions,
  type PlaybookContext,
  type PlaybookQuery,
  type SourceIpsOptions,
  type TopFailingEntitiesOptions,
} from './credential-compromise';

// The unintended-S3-data-access playbook, on Security Lake's OCSF tables.
export {
  ARTICLE_REGION,
  UNINTENDED_S3_ACCESS_QUERIES,
  activityPerHour,
  distinctOperations,
  iamChangesByUser,
  lakeTables,
  macieFindings,
  newPrincipals,
  objectsReadAndDeleted,
  s3DataEvents,
  userActivity,
  type LakeTables,
  type S3AccessContext,
  type S3AccessQuery,
  type UnintendedS3AccessQueryName,
} from './unintended-s3-access';
