/**
 * Calendar dates as `yyyy-MM-dd` strings (CONTRACT C0.4), computed in UTC so no time zone or DST
 * shifts a day. Billing periods, terms and due dates all use these helpers.
 */

/** A calendar date `yyyy-MM-dd`. */
export type DateStr = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in `yyyy-MM-dd` (rejects 2026-02-30). */
export const isDate = (s: string): boolean => {
  const m = DATE_RE.exec(s);
  if (m === null) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
};

export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

export const parts = (s: DateStr): { y: number; m: number; d: number } => {
  const m = DATE_RE.exec(s);
  if (m === null) throw new Error(`not a date: ${s}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
};

export const ymd = (y: number, m: number, d: number): DateStr =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

const toUtc = (s: DateStr): number => {
  const p = parts(s);
  return Date.UTC(p.y, p.m - 1, p.d);
};
const fromUtc = (t: number): DateStr => new Date(t).toISOString().slice(0, 10);

export const addDays = (s: DateStr, n: number): DateStr => fromUtc(toUtc(s) + n * 86_400_000);

/** Days from `a` to `b` (b − a); 0 when equal. */
export const daysBetween = (a: DateStr, b: DateStr): number =>
  Math.round((toUtc(b) - toUtc(a)) / 86_400_000);

/**
 * The date `months` after the month of `s`, on `day` clamped to that month's length
 * (the 29–31 clamp of C3.4.3: day 31 in February is the 28th or 29th).
 */
export const monthDay = (s: DateStr, months: number, day: number): DateStr => {
  const p = parts(s);
  const index = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return ymd(y, m, Math.min(day, daysInMonth(y, m)));
};

/** `s` plus whole months keeping its day (clamped): term ends. */
export const addMonths = (s: DateStr, months: number): DateStr => monthDay(s, months, parts(s).d);

/** The UTC date of an instant. */
export const dateOf = (at: Date): DateStr => at.toISOString().slice(0, 10);

export const minDate = (a: DateStr, b: DateStr): DateStr => (a <= b ? a : b);
export const maxDate = (a: DateStr, b: DateStr): DateStr => (a >= b ? a : b);
