import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION, inSession } from '../../../src/core/ml/features.ts';
import { utcHourOf, utcWeekdayOf, ZoneClock } from '../../../src/core/ml/zoneTime.ts';

const root = join(import.meta.dirname, '../../..');
const script = join(import.meta.dirname, 'support/dumpFeatures.ts');

function dumpUnder(tz: string): { localOffsetMinutes: number; out: unknown } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, TZ: tz }, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('ML time features', () => {
  it('are computed from UTC epoch ms: hour and weekday in UTC', () => {
    const t = Date.UTC(2023, 2, 12, 6, 30); // Sunday 06:30 UTC
    expect(utcHourOf(t)).toBe(6);
    expect(utcWeekdayOf(t)).toBe(0);
    expect(utcWeekdayOf(Date.UTC(1969, 11, 31, 23))).toBe(3); // before the epoch too
    expect(utcHourOf(Date.UTC(1969, 11, 31, 23))).toBe(23);
  });

  it('read the configured IANA zone through Intl, across a daylight-saving change', () => {
    const ny = new ZoneClock('America/New_York');
    expect(ny.offsetMinutes(Date.UTC(2023, 2, 10, 14))).toBe(-300); // EST
    expect(ny.offsetMinutes(Date.UTC(2023, 2, 13, 14))).toBe(-240); // EDT after 12 March
    expect(ny.at(Date.UTC(2023, 2, 13, 13, 30))).toEqual({ hour: 9, weekday: 1 });
    expect(new ZoneClock('Asia/Kolkata').offsetMinutes(Date.UTC(2023, 0, 1))).toBe(330);
    expect(new ZoneClock('Australia/Lord_Howe').offsetMinutes(Date.UTC(2023, 0, 1))).toBe(660);
    // 09:00 New York is in the session both before and after the change; 08:30 is not; Saturday never.
    expect(inSession(ny, DEFAULT_SESSION, Date.UTC(2023, 2, 10, 14))).toBe(true);
    expect(inSession(ny, DEFAULT_SESSION, Date.UTC(2023, 2, 13, 13))).toBe(true);
    expect(inSession(ny, DEFAULT_SESSION, Date.UTC(2023, 2, 10, 13, 30))).toBe(false);
    expect(inSession(ny, DEFAULT_SESSION, Date.UTC(2023, 2, 11, 15))).toBe(false);
  });

  it('are identical whatever the machine zone (child processes under TZ=Asia/Tokyo and TZ=America/New_York)', () => {
    const tokyo = dumpUnder('Asia/Tokyo');
    const newYork = dumpUnder('America/New_York');
    // The children really ran in different zones ...
    expect(tokyo.localOffsetMinutes).toBe(-540);
    expect(newYork.localOffsetMinutes).toBe(300);
    // ... and computed the same features, in every configured zone.
    expect(JSON.stringify(tokyo.out)).toBe(JSON.stringify(newYork.out));
    const rows = (tokyo.out as { rows: (number | null)[]; ready: boolean[] }[])[0]!;
    expect(rows.ready.filter(Boolean).length).toBeGreaterThan(50);
  }, 120_000);
});
