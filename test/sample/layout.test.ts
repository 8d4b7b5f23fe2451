import { describe, expect, it } from 'vitest';
import { logPath, parseLogPath } from '../../lib/sample/layout';
import { eventTime, iamDate, localTime, WINDOW_COUNT } from '../../lib/sample/clock';

describe('log paths', () => {
  it('round-trip account, region and window start', () => {
    const start = Date.UTC(2024, 2, 12, 9, 15);
    const path = logPath('111122223333', 'us-west-2', start, 'Mu0KsOhtH1ar15ZZ');
    expect(path).toBe(
      'AWSLogs/111122223333/CloudTrail/us-west-2/2024/03/12/111122223333_CloudTrail_us-west-2_20240312T0915Z_Mu0KsOhtH1ar15ZZ.json.gz',
    );
    expect(parseLogPath(path)).toEqual({ account: '111122223333', region: 'us-west-2', windowStart: start });
  });

  it('rejects paths that break the layout', () => {
    const good =
      'AWSLogs/111122223333/CloudTrail/us-west-2/2024/03/12/111122223333_CloudTrail_us-west-2_20240312T0915Z_Mu0KsOhtH1ar15ZZ.json.gz';
    expect(parseLogPath(good.replace('_us-west-2_', '_us-east-1_'))).toBeUndefined();
    expect(parseLogPath(good.replace('/12/', '/13/'))).toBeUndefined();
    expect(parseLogPath(good.replace('15ZZ.json', '15Z.json'))).toBeUndefined();
    expect(parseLogPath(good.replace('AWSLogs/111122223333', 'AWSLogs/444455556666'))).toBeUndefined();
  });
});

describe('clock', () => {
  it('formats CloudTrail and IAM times', () => {
    expect(eventTime(Date.UTC(2024, 2, 12, 10, 4, 31))).toBe('2024-03-12T10:04:31Z');
    expect(eventTime(Date.UTC(2024, 2, 31, 23, 59, 59))).toBe('2024-03-31T23:59:59Z');
    expect(eventTime(Date.UTC(2024, 3, 1))).toBe('2024-04-01T00:00:00Z');
    expect(eventTime(Date.UTC(2024, 1, 29, 22, 1, 2))).toBe('2024-02-29T22:01:02Z');
    expect(iamDate(Date.UTC(2024, 2, 12, 21, 5, 9))).toBe('Mar 12, 2024, 9:05:09 PM');
    expect(iamDate(Date.UTC(2024, 2, 12, 0, 5, 9))).toBe('Mar 12, 2024, 12:05:09 AM');
    expect(WINDOW_COUNT).toBe(31 * 24 * 12);
  });

  it('knows New York switches to daylight time on 10 March 2024', () => {
    expect(localTime('America/New_York', Date.UTC(2024, 2, 8, 14)).hour).toBe(9);
    expect(localTime('America/New_York', Date.UTC(2024, 2, 19, 6, 30)).hour).toBe(2);
    expect(localTime('America/New_York', Date.UTC(2024, 2, 19, 6, 30)).weekday).toBe(2);
    expect(localTime('Europe/Dublin', Date.UTC(2024, 2, 31, 12)).hour).toBe(13);
  });
});
