import { hash, verify } from '@node-rs/argon2';
import { ErrorCode } from '@tongban/contracts';
import { AppError } from '../../lib/errors.ts';

// Algorithm.Argon2id is a const enum, which isolated-module compilation cannot inline.
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/** At least 8 characters with letters and digits; at most 128 so hashing cannot be abused. */
export function assertStrongPassword(password: string): void {
  if (password.length < 8 || password.length > 128 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new AppError(ErrorCode.WEAK_PASSWORD);
  }
}

/** Verified against when the username is unknown, so timing does not reveal which names exist. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-0');
  return dummyHash;
}
