/**
 * The credential-compromise playbook (AWS Security Blog, "How to improve your security
 * incident response processes with Jupyter notebooks"): from the spike of authorization
 * failures (2.1, 2.2) to one suspect's activity (2.3 onwards).
 */

export {
  AUTHORIZATION_FAILURE_CODES,
  authorizationFailures,
  failuresOverTime,
  topFailingEntities,
  type AuthorizationFailuresOptions,
  type FailuresOverTimeQueryOptions,
  type TopFailingEntitiesOptions,
} from './failures';
export { actionsAttempted, entityActivity, entityTimeline, servicesUsed, type EntityListingOptions } from './activity';
export { RFC1918_CIDRS, accessKeysUsed, insideNetworks, sourceIpsAndAgents, type SourceIpsOptions } from './origins';
export { activityByHour, offHoursActivity, type OffHoursOptions } from './hours';
export { MFA_EVENT_NAMES, consoleLogins, consoleSignInBy, iamChanges, mfaChangeByOrFor, mfaChanges } from './identity-changes';
export { instancesTouched } from './instances';
export { triage } from './triage';
export type { TriageOptions } from '../triage';
export {
  CREDENTIAL_COMPROMISE_QUERIES,
  type CredentialCompromiseQueryName,
  type PlaybookContext,
  type PlaybookQuery,
} from './catalog';
