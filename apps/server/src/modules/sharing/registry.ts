/**
 * Data sharing (数据共享, decision 0013): lookups in registries outside the approval flow — the
 * business licence of an enterprise by its USCC, a certificate by its number — that prefill
 * forms. A province connects its own registries by writing a `RegistryProvider` that passes
 * `registryContract` (registry.contract.ts); the reference provider answers from the platform's
 * own tables.
 */
import { isValidUscc, type BusinessLicenceRecord, type CertificateRecord } from '@tongban/contracts';
import { localDate } from '@tongban/engine';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';

export interface RegistryProvider {
  /** The enterprise registered under this USCC, or null when there is none (or the code is malformed). */
  businessLicence(uscc: string): Promise<BusinessLicenceRecord | null>;
  /** The certificate of this number, or null when there is none (or the number is malformed). */
  certificate(number: string): Promise<CertificateRecord | null>;
}

/**
 * The one error a provider may throw for input it refuses outright (instead of answering null).
 * Anything else thrown is a fault of the provider (a registry down, a bug): the contract suite
 * fails on it.
 */
export class RegistryInputError extends Error {
  override name = 'RegistryInputError';
}

const SOURCE = 'tongban';
/** 文号 are short; anything longer is not one (and is not sent to the database). */
const MAX_NUMBER_CHARS = 100;

/** Answers from the platform's own enterprise and certificate tables. */
export class ReferenceRegistryProvider implements RegistryProvider {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  async businessLicence(uscc: string): Promise<BusinessLicenceRecord | null> {
    if (typeof uscc !== 'string') return null;
    const code = uscc.trim().toUpperCase();
    if (!isValidUscc(code)) return null;
    const e = await this.db.selectFrom('enterprise').select(['uscc', 'name', 'region_code']).where('uscc', '=', code).executeTakeFirst();
    if (!e) return null;
    // The platform knows who registered, not the registry's legal representative or address.
    return { uscc: e.uscc, name: e.name, legalRepresentative: null, registeredAddress: null, regionCode: e.region_code, status: 'active', source: SOURCE };
  }

  async certificate(number: string): Promise<CertificateRecord | null> {
    if (typeof number !== 'string') return null;
    const n = number.trim();
    // Control characters (NUL above all: PostgreSQL refuses it in text) are never part of a number.
    if (n === '' || n.length > MAX_NUMBER_CHARS || /[\u0000-\u001f\u007f]/.test(n)) return null;
    // Decision letters are not certificates anyone can reuse: only kind 'certificate' is shared.
    const c = await this.db
      .selectFrom('certificate')
      .select(['number', 'title', 'holder_name', 'holder_uscc', 'issue_date', 'valid_until', 'status', 'department_name'])
      .where('number', '=', n)
      .where('kind', '=', 'certificate')
      .executeTakeFirst();
    if (!c) return null;
    const today = localDate(this.clock.now());
    const status = c.status === 'revoked' ? 'revoked' : c.valid_until !== null && c.valid_until < today ? 'expired' : 'valid';
    return {
      number: c.number,
      title: c.title,
      holderName: c.holder_name,
      holderUscc: c.holder_uscc,
      issueDate: c.issue_date,
      validUntil: c.valid_until,
      status,
      issuer: c.department_name,
      source: SOURCE,
    };
  }
}
