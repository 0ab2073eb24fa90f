/**
 * The behaviour every `RegistryProvider` must show, as a vitest suite: the reference provider
 * runs it (test/sharing.test.ts), and a province adapter runs it against its own registry (or a
 * recording of it) with fixtures from there:
 *
 *     registryContract('jiangsu', () => new JiangsuRegistry(...), { licence: { uscc: '9132…' }, … });
 *
 * Records must validate against the contract schemas, unknown keys answer null, malformed input
 * answers null or throws RegistryInputError (never anything else), and certificate states
 * (valid / revoked / expired) come through as such.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Check, Errors } from 'typebox/value';
import type { TSchema } from 'typebox';
import { BusinessLicenceRecord, CertificateRecord } from '@tongban/contracts';
import { RegistryInputError, type RegistryProvider } from './registry.ts';

export interface RegistryFixtures {
  /** A registered enterprise; `name` is checked when given. */
  licence: { uscc: string; name?: string };
  /** A well-formed USCC (check character right) that the registry does not hold. */
  unknownUscc: string;
  /** Numbers of certificates in each state. */
  certificates: { valid: string; revoked: string; expired: string };
  /** A plausible number the registry does not hold. */
  unknownNumber: string;
}

type Maybe<T> = T | Promise<T>;

/** Inputs no registry holds: empty, blank, too long, wrong alphabet, injection attempts, control characters. */
const MALFORMED = ['', '   ', 'x', 'x'.repeat(5000), "' OR '1'='1", '%', '_', '../../etc/passwd', '\u0000', '91320508MA1PDEM00\u0000', '🙂', 'null', 'undefined', '<script>alert(1)</script>'];

function expectSchema(schema: TSchema, value: unknown): void {
  if (!Check(schema, value)) {
    const problems = [...Errors(schema, value)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    expect.fail(`record does not match the contract schema: ${problems.join('; ')}`);
  }
}

/** Resolves to the value, or to the error if it is a RegistryInputError; any other throw fails the test. */
async function nullOrInputError<T>(call: () => Promise<T>, what: string): Promise<T | RegistryInputError> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RegistryInputError) return err;
    throw new Error(`${what} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} instead of answering null or RegistryInputError`, { cause: err });
  }
}

export function registryContract(name: string, makeProvider: () => Maybe<RegistryProvider>, fixtures: RegistryFixtures | (() => Maybe<RegistryFixtures>)): void {
  describe(`registry provider contract: ${name}`, () => {
    let provider: RegistryProvider;
    let f: RegistryFixtures;
    beforeAll(async () => {
      provider = await makeProvider();
      f = typeof fixtures === 'function' ? await fixtures() : fixtures;
    });

    describe('business licence', () => {
      it('answers a registered USCC with a record of the contract shape for that USCC', async () => {
        const record = await provider.businessLicence(f.licence.uscc);
        expect(record).not.toBeNull();
        expectSchema(BusinessLicenceRecord, record);
        expect(record!.uscc).toBe(f.licence.uscc);
        expect(record!.source).not.toBe('');
        if (f.licence.name) expect(record!.name).toBe(f.licence.name);
      });

      it('answers null for a well-formed USCC it does not hold', async () => {
        expect(await provider.businessLicence(f.unknownUscc)).toBeNull();
      });

      it('answers null or RegistryInputError for malformed input, never another error', async () => {
        const bad = [...MALFORMED, `${f.licence.uscc.slice(0, 17)}${f.licence.uscc[17] === '0' ? '1' : '0'}` /* wrong check character */];
        for (const input of bad) {
          const r = await nullOrInputError(() => provider.businessLicence(input), `businessLicence(${JSON.stringify(input.slice(0, 40))})`);
          if (!(r instanceof RegistryInputError)) expect(r, `businessLicence(${JSON.stringify(input.slice(0, 40))})`).toBeNull();
        }
      });
    });

    describe('certificate', () => {
      for (const state of ['valid', 'revoked', 'expired'] as const) {
        it(`answers a ${state} certificate as ${state}, in the contract shape`, async () => {
          const number = f.certificates[state];
          const record = await provider.certificate(number);
          expect(record).not.toBeNull();
          expectSchema(CertificateRecord, record);
          expect(record!.number).toBe(number);
          expect(record!.status).toBe(state);
          if (state === 'expired') expect(record!.validUntil).not.toBeNull();
        });
      }

      it('answers null for a number it does not hold', async () => {
        expect(await provider.certificate(f.unknownNumber)).toBeNull();
      });

      it('answers null or RegistryInputError for malformed input, never another error', async () => {
        for (const input of MALFORMED) {
          const r = await nullOrInputError(() => provider.certificate(input), `certificate(${JSON.stringify(input.slice(0, 40))})`);
          if (!(r instanceof RegistryInputError)) expect(r, `certificate(${JSON.stringify(input.slice(0, 40))})`).toBeNull();
        }
      });

      it('answers concurrent look-ups each with its own record', async () => {
        const numbers = [f.certificates.valid, f.certificates.revoked, f.certificates.expired, f.unknownNumber];
        const records = await Promise.all(numbers.map((n) => provider.certificate(n)));
        expect(records.map((r) => r?.number ?? null)).toEqual([f.certificates.valid, f.certificates.revoked, f.certificates.expired, null]);
      });
    });
  });
}
