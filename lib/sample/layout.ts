/**
 * CloudTrail's S3 delivery layout:
 * `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<16 alphanumerics>.json.gz`.
 * The sample names each file after the start of its 5-minute window, so a file's records all
 * fall on the date of its folder.
 */

/** The layout as a readable template, for the manifest. */
export const LOG_LAYOUT =
  'AWSLogs/<accountId>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<accountId>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<16 alphanumerics>.json.gz';

/** Matches a log file's path relative to the output folder (forward slashes). */
export const LOG_PATH_PATTERN =
  /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$/;

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The relative path of the log file for an account, region and window start.
 *
 * @example
 * logPath('111122223333', 'us-west-2', Date.UTC(2024, 2, 12, 9, 15), 'Mu0KsOhtH1ar15ZZ');
 * // 'AWSLogs/111122223333/CloudTrail/us-west-2/2024/03/12/111122223333_CloudTrail_us-west-2_20240312T0915Z_Mu0KsOhtH1ar15ZZ.json.gz'
 */
export function logPath(account: string, region: string, windowStart: number, suffix: string): string {
  const d = new Date(windowStart);
  const yyyy = String(d.getUTCFullYear());
  const mm = two(d.getUTCMonth() + 1);
  const dd = two(d.getUTCDate());
  const hhmm = two(d.getUTCHours()) + two(d.getUTCMinutes());
  return `AWSLogs/${account}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${account}_CloudTrail_${region}_${yyyy}${mm}${dd}T${hhmm}Z_${suffix}.json.gz`;
}

/** What a log file's path says about its contents. */
export interface LogPathInfo {
  readonly account: string;
  readonly region: string;
  /** Start of the file's window, epoch milliseconds. */
  readonly windowStart: number;
}

/**
 * Reads account, region and window start back from a log path; undefined when the path does
 * not follow the layout.
 *
 * @example
 * parseLogPath('AWSLogs/111122223333/CloudTrail/us-west-2/2024/03/12/111122223333_CloudTrail_us-west-2_20240312T0915Z_Mu0KsOhtH1ar15ZZ.json.gz');
 * // { account: '111122223333', region: 'us-west-2', windowStart: Date.UTC(2024, 2, 12, 9, 15) }
 */
export function parseLogPath(path: string): LogPathInfo | undefined {
  const m = LOG_PATH_PATTERN.exec(path);
  if (!m) return undefined;
  const [, account, region, yyyy, mm, dd, stamp, hhmm] = m;
  if (stamp !== `${yyyy}${mm}${dd}`) return undefined;
  const windowStart = Date.UTC(
    Number(yyyy),
    Number(mm) - 1,
    Number(dd),
    Number(hhmm.slice(0, 2)),
    Number(hhmm.slice(2)),
  );
  return { account, region, windowStart };
}
