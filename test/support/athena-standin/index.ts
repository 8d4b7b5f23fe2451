/** A local stand-in for Amazon Athena (with S3 and STS) for testing the Athena engine without AWS. */
export { AthenaStandIn, type AthenaStandInOptions, type RecordedRequest } from './standin';
export { parseParameterLiteral } from './parameters';
export { formatDouble, formatReal } from './athena-format';
