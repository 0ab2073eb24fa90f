import { describe, expect, it } from 'vitest';
import { isValidUscc, usccCheckChar } from '../src/uscc.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    // Codes printed on real business licences.
    for (const code of ['91350100M000100Y43', '91110000802100433B', '91440300708461136T']) expect(isValidUscc(code), code).toBe(true);
  });

  it('refuses a wrong check character, forbidden letters and wrong lengths', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100I43')).toBe(false); // I is not in the alphabet
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
    expect(isValidUscc('91350100m000100y43')).toBe(false); // callers upper-case first
    expect(isValidUscc('9135010AM000100Y43')).toBe(false); // the region part is digits
  });

  it('computes the check character that makes a code valid', () => {
    const c = usccCheckChar('91320508MA1PDEM00');
    expect(c).toMatch(/^[0-9A-HJ-NPQRTUWXY]$/);
    expect(isValidUscc(`91320508MA1PDEM00${c}`)).toBe(true);
    expect(usccCheckChar('short')).toBeNull();
  });
});
