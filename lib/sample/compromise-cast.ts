/**
 * Who is who in story 1: the CI user whose key leaks and where it is normally used, the
 * attacker's address and clients, and the EC2 instance whose role credentials are stolen.
 */

import { PRODUCTION, accessKeyId, assumedRoleArn, iamUser, role } from './identities';
import { STOLEN_INSTANCE } from './inventory';
import type { Actor } from './record';

/** The CI/CD IAM user whose key leaks. */
export const CI_USER = 'ci-deployer';
/** Its ARN. */
export const CI_ARN = `arn:aws:iam::${PRODUCTION}:user/${CI_USER}`;
/**
 * The CI user as it normally calls: its long-term access key, from the Jenkins host, with
 * Terraform on the Jenkins agent.
 */
export const CI_ACTOR: Actor = Object.freeze({
  identity: iamUser(PRODUCTION, CI_USER, accessKeyId('AKIA', PRODUCTION, CI_USER)),
  sourceIPAddress: '10.20.5.14',
  userAgent:
    'APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.31.0 ' +
    '(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.49.13 (go1.21.5; linux; amd64)',
});

/** Where the leaked key is used from. */
export const ATTACKER_IP = '203.0.113.77';
/** The attacker's CLI (a Kali Linux build) and enumeration script. */
export const ATTACKER_AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off',
  'Boto3/1.34.62 md/Botocore#1.34.62 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 ' +
    'md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.62',
] as const;

/** The role whose instance credentials are stolen. */
export const STOLEN_ROLE = 'WebAppInstanceRole';
/** The stolen session's ARN (the same ARN the instance itself uses). */
export const STOLEN_ARN = assumedRoleArn(role(PRODUCTION, STOLEN_ROLE), STOLEN_INSTANCE);
/** Where the stolen instance credentials are used from. */
export const STOLEN_IP = '198.51.100.23';
/** The client used with them. */
export const STOLEN_AGENT = 'aws-cli/1.29.62 Python/3.10.12 Linux/5.15.0-1053-azure botocore/1.31.62';
