import { describe, expect, it } from 'vitest';
import { inWindow, timeWindow, toTimeWindow, windowBounds } from '../../lib/playbooks/time-window';
import { optionError } from '../support/capture';

describe('timeWindow', () => {
  it('accepts dates, date-only and date-time UTC text', () => {
    const day = timeWindow('2024-03-19', '2024-03-20');
    expect(day.start.toISOString()).toBe('2024-03-19T00:00:00.000Z');
    expect(day.end.toISOString()).toBe('2024-03-20T00:00:00.000Z');
    const mixed = timeWindow('2024-03-19T05:52:07Z', new Date(Date.UTC(2024, 2, 19, 9)));
    expect(mixed.start.getTime()).toBe(Date.UTC(2024, 2, 19, 5, 52, 7));
    expect(timeWindow('2024-03-19T05:52:07.250Z', '2024-03-19T06:00:00Z').start.getUTCMilliseconds()).toBe(250);
    expect(Object.isFrozen(day)).toBe(true);
  });

  it('copies a Date, so changing it afterwards changes nothing', () => {
    const start = new Date(Date.UTC(2024, 2, 1));
    const w = timeWindow(start, '2024-03-02');
    start.setUTCFullYear(2000);
    expect(w.start.getUTCFullYear()).toBe(2024);
  });

  it('names start or end for a value that is not a UTC date', () => {
    for (const bad of ['2024-3-19', '19/03/2024', '2024-03-19 05:00:00', '2024-03-19T05:00:00', '2024-03-19T05:00:00+02:00', '2024-02-30', '2024-03-19T24:00:00Z', '', 'yesterday']) {
      expect(optionError(() => timeWindow(bad, '2024-04-01')).option).toBe('start');
      expect(optionError(() => timeWindow('2024-01-01', bad)).option).toBe('end');
    }
    expect(optionError(() => timeWindow(new Date(Number.NaN), '2024-04-01')).option).toBe('start');
    expect(optionError(() => timeWindow(1710806400000 as unknown as string, '2024-04-01')).option).toBe('start');
    expect(optionError(() => timeWindow('2024-03-01', undefined as unknown as string)).option).toBe('end');
  });

  it('requires end after start', () => {
    const same = optionError(() => timeWindow('2024-03-19', '2024-03-19T00:00:00Z'));
    expect(same.option).toBe('end');
    expect(optionError(() => timeWindow('2024-03-20', '2024-03-19')).option).toBe('end');
  });
});

describe('toTimeWindow', () => {
  it('checks a window given as an option', () => {
    expect(toTimeWindow({ start: '2024-03-19', end: '2024-03-20' }).end.toISOString()).toBe('2024-03-20T00:00:00.000Z');
    expect(optionError(() => toTimeWindow('2024-03-19')).option).toBe('window');
    expect(optionError(() => toTimeWindow(null)).option).toBe('window');
    expect(optionError(() => toTimeWindow({ start: '2024-03-19', stop: '2024-03-20' })).option).toBe('stop');
    expect(optionError(() => toTimeWindow({ start: '2024-03-19' })).option).toBe('end');
  });
});

describe('windowBounds and inWindow', () => {
  it('gives the partition days and the eventtime bounds, end exclusive', () => {
    expect(windowBounds(timeWindow('2024-03-19', '2024-03-20'))).toEqual({
      firstDay: '2024/03/19',
      // Events of the 19th's last minutes are delivered into the 20th's folder.
      lastDay: '2024/03/20',
      startTime: '2024-03-19T00:00:00Z',
      endTime: '2024-03-20T00:00:00Z',
    });
    expect(windowBounds({ start: '2024-02-28T22:00:00Z', end: '2024-03-01T00:00:01Z' })).toMatchObject({
      firstDay: '2024/02/28',
      lastDay: '2024/03/01',
    });
  });

  it('rounds a start with milliseconds down and an end up, to CloudTrail whole seconds', () => {
    const b = windowBounds({ start: '2024-03-19T05:00:00.900Z', end: '2024-03-19T23:59:59.001Z' });
    expect(b.startTime).toBe('2024-03-19T05:00:00Z');
    expect(b.endTime).toBe('2024-03-20T00:00:00Z');
    expect(b.lastDay).toBe('2024/03/20');
    expect(windowBounds({ start: '2024-03-19T05:00:00Z', end: '2024-03-19T22:59:59Z' }).lastDay).toBe('2024/03/19');
  });

  it('binds every bound as a parameter, in parentheses', () => {
    const { text, params } = inWindow(timeWindow('2024-03-19T05:00:00Z', '2024-03-19T09:00:00Z')).compile();
    expect(text).toBe('(date_partition BETWEEN ? AND ? AND eventtime >= ? AND eventtime < ?)');
    expect(params).toEqual(['2024/03/19', '2024/03/19', '2024-03-19T05:00:00Z', '2024-03-19T09:00:00Z']);
  });
});
