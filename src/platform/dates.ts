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

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in `month` (1–12) of `year`. */
export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;

// The helpers below run for every charge period of every account of a bill run, so they parse
// and compute with integer arithmetic instead of regular expressions and Date objects (they were
// 12 % of a bill run's CPU). dates.test.ts checks them against Date over two centuries of days.
const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

export const parts = (s: DateStr): { y: number; m: number; d: number } => {
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    const m = digit(s, 5) * 10 + digit(s, 6);
    const d = digit(s, 8) * 10 + digit(s, 9);
    if (!Number.isNaN(y + m + d)) return { y, m, d };
  }
  throw new Error(`not a date: ${s}`);
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export const ymd = (y: number, m: number, d: number): DateStr =>
  `${y >= 1000 ? String(y) : String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;

// Days since 1970-01-01 from a civil date and back, for the proleptic Gregorian calendar
// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms": days_from_civil, civil_from_days).
const daysFromCivil = (y0: number, m: number, d: number): number => {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

const civilFromDays = (z0: number): DateStr => {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return ymd(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
};

const toDays = (s: DateStr): number => {
  const p = parts(s);
  return daysFromCivil(p.y, p.m, p.d);
};

export const addDays = (s: DateStr, n: number): DateStr => civilFromDays(toDays(s) + n);

/** Days from `a` to `b` (b − a); 0 when equal. */
export const daysBetween = (a: DateStr, b: DateStr): number => toDays(b) - toDays(a);

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

/** Due date from a payment term (C3.4.5: `Due Upon Receipt` = 0 days, `Net N` = N days). */
export const dueDateOf = (documentDate: DateStr, paymentTerm: string | null): DateStr => {
  const m = /^Net (\d+)$/.exec(paymentTerm ?? '');
  return addDays(documentDate, m === null ? 0 : Number(m[1]));
};
