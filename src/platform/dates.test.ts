import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  isDate,
  monthDay,
  parts,
  ymd,
} from './dates.ts';

// Reference implementations through Date (what these helpers computed before they were made
// arithmetic), compared over every day from 1899-12-25 into 2102.
const refAdd = (s: string, n: number): string =>
  new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const refBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

test('addDays and daysBetween agree with Date on every day of two centuries', () => {
  const start = '1899-12-25';
  let day = start;
  for (let i = 0; i < 73_800; i++) {
    const next = addDays(day, 1);
    assert.equal(next, refAdd(day, 1));
    if (i % 97 === 0) {
      assert.equal(addDays(day, -400), refAdd(day, -400));
      assert.equal(addDays(day, 31), refAdd(day, 31));
      assert.equal(daysBetween(start, day), refBetween(start, day));
      assert.equal(daysBetween(day, start), i === 0 ? 0 : -i);
    }
    day = next;
  }
  assert.equal(day, refAdd(start, 73_800));
});

test('daysInMonth knows leap years (1900 no, 2000 yes, 2024 yes, 2026 no)', () => {
  assert.deepEqual(
    [1900, 2000, 2024, 2026].map((y) => daysInMonth(y, 2)),
    [28, 29, 29, 28],
  );
  for (let y = 1990; y < 2040; y++)
    for (let m = 1; m <= 12; m++)
      assert.equal(daysInMonth(y, m), new Date(Date.UTC(y, m, 0)).getUTCDate(), `${y}-${m}`);
});

test('parts reads yyyy-MM-dd and throws on anything else', () => {
  assert.deepEqual(parts('2026-03-15'), { y: 2026, m: 3, d: 15 });
  for (const bad of ['2026-3-15', '2026/03/15', '2026-03-1x', '', '20260315', '2026-03-15T00'])
    assert.throws(() => parts(bad), /not a date/);
  assert.equal(ymd(987, 1, 2), '0987-01-02');
});

test('monthDay clamps to month ends and addMonths keeps the day (C3.4.3)', () => {
  assert.equal(monthDay('2026-01-31', 1, 31), '2026-02-28');
  assert.equal(monthDay('2024-01-31', 1, 31), '2024-02-29');
  assert.equal(monthDay('2026-01-15', -1, 31), '2025-12-31');
  assert.equal(monthDay('2026-11-01', 14, 30), '2028-01-30');
  assert.equal(addMonths('2026-03-31', 1), '2026-04-30');
  assert.ok(isDate('2024-02-29'));
  assert.ok(!isDate('2026-02-29'));
});
