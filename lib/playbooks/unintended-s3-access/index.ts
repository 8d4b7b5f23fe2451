/**
 * The unintended-S3-data-access playbook (AWS Security Blog, "Accelerate incident response
 * with Amazon Security Lake – Part 2") on Security Lake's OCSF tables: what the IAM user
 * called, what it did to IAM and in S3, what Macie reported, then containment.
 */

export { ARTICLE_REGION, lakeRegion, lakeTables, type LakeTables } from './tables';
export { lakeDatabase, lakeTable, type OcsfTableKind } from '../../sources/ocsf/schema';
export type { FindingsOptions, LakeOptions, UserOptions, UserWindowOptions, WindowedOptions } from './options';
export { distinctOperations, iamChanges, iamChangesByUser, macieFindings, s3DataEvents, userActivity } from './article';
export { triage, userFrom, type S3TriageOptions, type UserFromOptions } from './triage';
export { OBJECT_OPERATIONS, PRINCIPAL_CREATIONS, PRINCIPAL_GRANTS, activityPerHour, newPrincipals, objectsReadAndDeleted } from './review';
export {
  UNINTENDED_S3_ACCESS_QUERIES,
  type S3AccessContext,
  type S3AccessQuery,
  type UnintendedS3AccessQueryName,
} from './catalog';
