/**
 * Money: decimal strings in code and database, never floats (STYLE.md "Naming", DESIGN.md "Data").
 * All arithmetic and rounding of amounts goes through this module (big.js underneath).
 */
import Big from 'big.js';

/** A decimal amount as text, e.g. `"16.45"`. */
export type Money = string;

// Currencies whose minor unit is not 2 digits (ISO 4217); every other currency uses 2.
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Digits after the decimal point for a currency (ISO 4217 minor unit; 2 when unknown). */
export const precisionOf = (currency: string): number =>
  ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;

/** True when `s` is a plain decimal number (optional sign, digits, optional fraction). */
export const isDecimal = (s: string): boolean => /^-?\d{1,15}(\.\d{1,9})?$/.test(s);

/** Normalises a wire number or string to a decimal string without float artefacts. */
export const toMoney = (v: number | string): Money => new Big(v).toString();

export const add = (a: Money, b: Money): Money => new Big(a).plus(b).toString();
export const sub = (a: Money, b: Money): Money => new Big(a).minus(b).toString();
export const mul = (a: Money, b: Money): Money => new Big(a).times(b).toString();
export const sum = (xs: readonly Money[]): Money =>
  xs.reduce((acc, x) => acc.plus(x), new Big(0)).toString();
export const cmp = (a: Money, b: Money): number => new Big(a).cmp(b);
export const isNegative = (a: Money): boolean => new Big(a).lt(0);
export const isZero = (a: Money): boolean => new Big(a).eq(0);

/** Rounds half-up to the currency's precision (CONTRACT C0.4), as a fixed-point string. */
export const round = (a: Money, currency: string): Money =>
  new Big(a).round(precisionOf(currency), Big.roundHalfUp).toFixed(precisionOf(currency));

/**
 * `amount × numerator ÷ denominator`, rounded half-up to the currency (proration, C3.4.3).
 * The division is exact to 20 places before the single rounding, so 30×17/31 = 16.45.
 */
export const prorate = (
  amount: Money,
  numerator: number,
  denominator: number,
  currency: string,
): Money => {
  Big.DP = 20;
  return round(new Big(amount).times(numerator).div(denominator).toString(), currency);
};

/** The JSON number sent on the wire for an amount (C0.4: rounded half-up per currency). */
export const toWire = (a: Money, currency: string): number => Number(round(a, currency));

/** A JSON number for a non-currency decimal (quantities, unit prices as entered). */
export const toWireNumber = (a: Money): number => Number(a);
