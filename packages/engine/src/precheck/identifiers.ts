/**
 * Identifier checks and text normalisation shared by the rules and the fact readers. The USCC
 * algorithm itself lives in @tongban/contracts (shared with the registration form).
 */
import { isValidDate } from '../calendar.ts';
import { usccCheckChar } from '@tongban/contracts';

/**
 * The comparable form of a value: NFKC folds full-width digits, letters and punctuation
 * (９１３２, ：, （）) into half-width, then white space is dropped and letters upper-cased.
 */
export function normalizeForCompare(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

export type UsccProblem = { reason: 'length' } | { reason: 'characters' } | { reason: 'check-char'; expected: string; actual: string };

/** Why a (normalised) USCC is not valid, or null when it is. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return { reason: 'length' };
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return { reason: 'characters' };
  const expected = usccCheckChar(code.slice(0, 17));
  if (expected === null) return { reason: 'characters' };
  return expected === code[17] ? null : { reason: 'check-char', expected, actual: code[17]! };
}

// ---------------------------------------------------------------------------------------------
// Resident ID number (公民身份号码), GB 11643-1999

/** Province-level prefixes (incl. 81/82/83 of the residence permits for Hong Kong, Macao, Taiwan). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits, or null if they are not 17 digits. */
export function residentIdCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export type ResidentIdProblem =
  | { reason: 'length' }
  | { reason: 'characters' }
  | { reason: 'region' }
  | { reason: 'birth-date'; birthDate: string }
  | { reason: 'check-char'; expected: string; actual: string };

/**
 * Why an 18-character resident ID number is not valid, or null when it is: the region code starts
 * with a known province (the full code is not looked up: codes of abolished districts stay valid
 * on old cards), the birth date is a real day from 1850 on (the standard's own example was born
 * in 1880) and not after `today` when given, and the check character matches. Upper-case X only;
 * normalise first.
 */
export function residentIdProblem(id: string, today?: string): ResidentIdProblem | null {
  if (id.length !== 18) return { reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(id)) return { reason: 'characters' };
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return { reason: 'region' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidDate(birthDate) || birthDate < '1850-01-01' || (today !== undefined && birthDate > today)) return { reason: 'birth-date', birthDate };
  const expected = residentIdCheckChar(id.slice(0, 17))!;
  return expected === id[17] ? null : { reason: 'check-char', expected, actual: id[17]! };
}

export function isValidResidentId(id: string, today?: string): boolean {
  return residentIdProblem(id, today) === null;
}

/** 320503199001011234 → 320503********1234: enough to recognise one's own number in a report. */
export function maskResidentId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : id;
}
