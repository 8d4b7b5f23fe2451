/**
 * Which OCSF 1.1 class and activity a CloudTrail event is, as Security Lake's CloudTrail
 * tables hold them: Account Change (3001), Authentication (3002) or API Activity (6003).
 *
 * Sources: the OCSF project's CloudTrail dossiers (ocsf/examples,
 * `mappings/markdown/AWS/v1.1.0/CloudTrail/{API Activity,Account Change,Authentication}/`:
 * classes are chosen "based on evaluation of eventName and eventSource"; their selector is
 * an image, so the event lists below are this module's reading of it) and the OCSF 1.1
 * activity enumerations. Unconfirmed: which IAM and STS events AWS files under 3001/3002
 * (Security Lake does not publish its list), and the verb rule for API Activity.
 */

/** The classes the lake's CloudTrail tables hold. */
export interface OcsfClass {
  readonly uid: number;
  readonly name: string;
  readonly categoryUid: number;
  readonly categoryName: string;
  /** activity_id → activity_name, OCSF 1.1. */
  readonly activities: Readonly<Record<number, string>>;
}

export const ACCOUNT_CHANGE: OcsfClass = {
  uid: 3001,
  name: 'Account Change',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
  activities: {
    0: 'Unknown', 1: 'Create', 2: 'Enable', 3: 'Password Change', 4: 'Password Reset', 5: 'Disable', 6: 'Delete',
    7: 'Attach Policy', 8: 'Detach Policy', 9: 'Lock', 10: 'MFA Factor Enable', 11: 'MFA Factor Disable', 99: 'Other',
  },
};

export const AUTHENTICATION: OcsfClass = {
  uid: 3002,
  name: 'Authentication',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
  activities: {
    0: 'Unknown', 1: 'Logon', 2: 'Logoff', 3: 'Authentication Ticket', 4: 'Service Ticket Request', 5: 'Service Ticket Renew',
    99: 'Other',
  },
};

export const API_ACTIVITY: OcsfClass = {
  uid: 6003,
  name: 'API Activity',
  categoryUid: 6,
  categoryName: 'Application Activity',
  activities: { 0: 'Unknown', 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' },
};

export const OCSF_CLASSES: readonly OcsfClass[] = [ACCOUNT_CHANGE, AUTHENTICATION, API_ACTIVITY];

/** `class_uid * 100 + activity_id`, OCSF's type_uid. */
export function typeUid(ocsfClass: OcsfClass, activityId: number): number {
  return ocsfClass.uid * 100 + activityId;
}

const IAM = 'iam.amazonaws.com';
const STS = 'sts.amazonaws.com';
const SIGNIN = 'signin.amazonaws.com';

/**
 * Account Change: IAM changes to a user or role (the account), its password, MFA, policies
 * and credentials (unconfirmed list). Group and managed-policy objects are not accounts and
 * stay API Activity. Keyed by eventName, for eventSource iam.amazonaws.com only (other
 * services have a `CreateUser` of their own).
 */
const ACCOUNT_CHANGE_EVENTS: Readonly<Record<string, number>> = {
  CreateUser: 1, CreateRole: 1, CreateServiceLinkedRole: 1,
  CreateLoginProfile: 2,
  ChangePassword: 3,
  UpdateLoginProfile: 4,
  DeleteLoginProfile: 5,
  DeleteUser: 6, DeleteRole: 6, DeleteServiceLinkedRole: 6,
  AttachUserPolicy: 7, AttachRolePolicy: 7, PutUserPolicy: 7, PutRolePolicy: 7,
  PutUserPermissionsBoundary: 7, PutRolePermissionsBoundary: 7,
  DetachUserPolicy: 8, DetachRolePolicy: 8, DeleteUserPolicy: 8, DeleteRolePolicy: 8,
  DeleteUserPermissionsBoundary: 8, DeleteRolePermissionsBoundary: 8,
  EnableMFADevice: 10,
  DeactivateMFADevice: 11,
  // Credentials and other changes to a user or role: Account Change, activity Other.
  CreateAccessKey: 99, UpdateAccessKey: 99, DeleteAccessKey: 99, UpdateUser: 99, UpdateRole: 99,
  UpdateAssumeRolePolicy: 99, AddUserToGroup: 99, RemoveUserFromGroup: 99,
  UploadSSHPublicKey: 99, DeleteSSHPublicKey: 99, UploadSigningCertificate: 99, DeleteSigningCertificate: 99,
  CreateServiceSpecificCredential: 99, DeleteServiceSpecificCredential: 99, ResetServiceSpecificCredential: 99,
};

/**
 * Authentication: console sign-in (the dossier's example) and the STS calls that hand out
 * session credentials (unconfirmed: the brief's list; the Hunters 1.1 mapping in the same
 * repository takes ConsoleLogin and AssumeRoleWithSAML). Other sign-in events are
 * Authentication: Other, as the 1.5.0 dossier's CredentialChallenge sample.
 */
const AUTHENTICATION_EVENTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  [SIGNIN]: { ConsoleLogin: 1 },
  [STS]: { AssumeRole: 1, AssumeRoleWithSAML: 1, AssumeRoleWithWebIdentity: 1, AssumeRoot: 1, GetSessionToken: 1, GetFederationToken: 1 },
};

/** API Activity operations whose verb misleads (an S3 `PutObject` creates an object). Unconfirmed. */
const API_ACTIVITY_EVENTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  's3.amazonaws.com': { PutObject: 1, CompleteMultipartUpload: 1 },
};

/**
 * API Activity by the operation's leading verb (unconfirmed: OCSF's dossier says only that
 * activity_id comes from eventName; the 1.5.0 sample has DescribeTargetHealth as Read).
 * Checked in this order; a name matching none is Read when CloudTrail marks it readOnly,
 * else Other.
 */
export const API_ACTIVITY_VERBS: readonly { readonly activityId: number; readonly verbs: readonly string[] }[] = [
  { activityId: 2, verbs: ['Get', 'Describe', 'List', 'Head', 'Lookup', 'Search', 'Select', 'Scan', 'Query', 'BatchGet', 'Check', 'Preview', 'Validate', 'Verify', 'Estimate'] },
  { activityId: 1, verbs: ['Create', 'Run', 'Allocate', 'Import', 'Copy', 'Register', 'Add', 'Upload', 'Issue', 'Request', 'Launch'] },
  { activityId: 4, verbs: ['Delete', 'Remove', 'Terminate', 'Release', 'Deregister', 'Purge', 'Abort', 'Cancel', 'BatchDelete'] },
  {
    activityId: 3,
    verbs: ['Update', 'Put', 'Modify', 'Set', 'Attach', 'Detach', 'Associate', 'Disassociate', 'Enable', 'Disable', 'Start', 'Stop',
      'Reboot', 'Change', 'Replace', 'Reset', 'Tag', 'Untag', 'Restore', 'Authorize', 'Revoke', 'Apply', 'Rotate', 'Accept', 'Reject', 'Complete'],
  },
];

/** The type_uid of every event this module names, keyed `<eventSource>/<eventName>`. */
export function namedEventTypes(): ReadonlyMap<string, number> {
  const types = new Map<string, number>();
  for (const [name, activity] of Object.entries(ACCOUNT_CHANGE_EVENTS)) types.set(`${IAM}/${name}`, typeUid(ACCOUNT_CHANGE, activity));
  for (const [source, events] of Object.entries(AUTHENTICATION_EVENTS)) {
    for (const [name, activity] of Object.entries(events)) types.set(`${source}/${name}`, typeUid(AUTHENTICATION, activity));
  }
  for (const [source, events] of Object.entries(API_ACTIVITY_EVENTS)) {
    for (const [name, activity] of Object.entries(events)) types.set(`${source}/${name}`, typeUid(API_ACTIVITY, activity));
  }
  return types;
}

/** Event sources whose unnamed events are still Authentication (activity Other). */
export const AUTHENTICATION_SOURCES: readonly string[] = [SIGNIN];
