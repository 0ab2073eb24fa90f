/**
 * SM2 signatures (GM/T 0003, SM3 digest, default user id) over certificate PDFs and certificate
 * records, and the signature trailer that travels inside a certificate PDF.
 *
 * Trailer format (after the PDF's final `%%EOF` and its end-of-line):
 *
 *     \n%TONGBAN-SIGNATURE <base64url(canonical JSON of the payload)>\n
 *
 * payload = {v: 1, alg: 'SM2-SM3', keyId, number, verifyCode, signedBytes, signature}. The SM2
 * signature covers the first `signedBytes` bytes of the file (the PDF exactly as rendered, up to
 * the newline that opens the trailer) followed by the UTF-8 canonical JSON of the payload without
 * its `signature` member, so neither the document nor the number and code it claims can change.
 * PDF readers look for `%%EOF` and the xref from the end and ignore a `%` comment line after it.
 */
import { createHash } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import type { PublishedKeyView } from '@tongban/contracts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { isPublicKeyHex, keyIdOf } from './keys.ts';

/**
 * A department's public signing key as `GET /api/v1/certificates/keys` publishes it
 * (`{ keys: PublishedKey[] }`, the contract's PublishedKeyView): `createdAt` and `retiredAt` are
 * ISO timestamps; a retired key stopped signing, and what it signed before stays verifiable.
 */
export type PublishedKey = PublishedKeyView;

/** What a certificate PDF's signature claims besides the bytes. */
export interface SignatureMeta {
  keyId: string;
  number: string;
  verifyCode: string;
}

export interface SignedPdf {
  /** The bytes the signature covers: the PDF as rendered, without the trailer. */
  signedBytes: Buffer;
  meta: SignatureMeta;
  signature: string;
}

export type PdfVerificationStatus = 'authentic' | 'invalid' | 'unsigned' | 'unknown-key';

export interface PdfVerification {
  status: PdfVerificationStatus;
  number?: string;
  verifyCode?: string;
  keyId?: string;
}

const MARKER = Buffer.from('\n%TONGBAN-SIGNATURE ', 'latin1');
const ALGORITHM = 'SM2-SM3';
/** The longest trailer body accepted; a real one is ~450 characters. */
const MAX_TRAILER_CHARS = 8192;
const SIGNATURE_HEX = /^[0-9a-f]{128}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
/** Order n of the SM2 curve: r and s must lie in [1, n-1] (GM/T 0003.2 §7.1 B1–B2). */
const CURVE_ORDER = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const zCache = new Map<string, Buffer>();

/** Z_A = SM3(ENTL‖ID‖a‖b‖G‖P) for the default user id; cached per public key since it never changes. */
function zOf(publicKeyHex: string): Buffer {
  let z = zCache.get(publicKeyHex);
  if (!z) {
    if (zCache.size >= 256) zCache.clear();
    z = Buffer.from(sm2.getZ(publicKeyHex));
    zCache.set(publicKeyHex, z);
  }
  return z;
}

/**
 * e = SM3(Z_A ‖ M) over the message parts as raw bytes, with Node's SM3. The SM2 step that follows
 * runs with `hash: false` on e, so sm-crypto-v2 never sees (or re-encodes) the message itself.
 */
function digestOf(parts: readonly Uint8Array[], publicKeyHex: string): Uint8Array {
  const hash = createHash('sm3').update(zOf(publicKeyHex));
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

function signParts(parts: readonly Uint8Array[], privateKeyHex: string, publicKey = sm2.getPublicKeyFromPrivateKey(privateKeyHex)): string {
  return sm2.doSignature(digestOf(parts, publicKey), privateKeyHex, { hash: false, der: false });
}

function verifyParts(parts: readonly Uint8Array[], signatureHex: string, publicKeyHex: string): boolean {
  const signature = signatureHex.toLowerCase();
  const publicKey = publicKeyHex.toLowerCase();
  if (!SIGNATURE_HEX.test(signature) || !isPublicKeyHex(publicKey)) return false;
  const r = BigInt(`0x${signature.slice(0, 64)}`);
  const s = BigInt(`0x${signature.slice(64)}`);
  if (r < 1n || r >= CURVE_ORDER || s < 1n || s >= CURVE_ORDER) return false;
  try {
    return sm2.doVerifySignature(digestOf(parts, publicKey), signature, publicKey, { hash: false, der: false });
  } catch {
    return false;
  }
}

/** SM2 signature (r‖s, 128 hex chars) of `data` as bytes, with SM3 and the default user id. */
export function signSm2(data: Buffer, privateKeyHex: string): string {
  return signParts([data], privateKeyHex);
}

/** Checks a {@link signSm2} signature; false (never a throw) for malformed signatures or keys. */
export function verifySm2(data: Buffer, signatureHex: string, publicKeyHex: string): boolean {
  return verifyParts([data], signatureHex, publicKeyHex);
}

/** The trailer payload without its signature: what the signature covers after the PDF bytes. */
function unsignedPayload(signedLength: number, meta: SignatureMeta) {
  return { v: 1, alg: ALGORITHM, keyId: meta.keyId, number: meta.number, verifyCode: meta.verifyCode, signedBytes: signedLength };
}

function utf8Json(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Whether the buffer ends with `%%EOF` and at most one end-of-line, as every PDF writer leaves it. */
function endsWithEof(pdf: Buffer): boolean {
  const tail = pdf.subarray(Math.max(0, pdf.length - 8)).toString('latin1');
  return /%%EOF(?:\r\n|\r|\n)?$/.test(tail);
}

/**
 * Signs a rendered PDF and appends the signature trailer. The private key must belong to
 * `meta.keyId`, so a certificate can never name a key other than the one that signed it.
 */
export function attachSignature(pdf: Buffer, meta: SignatureMeta, privateKeyHex: string): Buffer {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-' || !endsWithEof(pdf)) {
    throw new Error('attachSignature: not a complete PDF (must start with %PDF- and end with %%EOF)');
  }
  const publicKey = sm2.getPublicKeyFromPrivateKey(privateKeyHex);
  if (!KEY_ID.test(meta.keyId) || keyIdOf(publicKey) !== meta.keyId) {
    throw new Error('attachSignature: the private key does not belong to the given key id');
  }
  if (!meta.number || !meta.verifyCode) throw new Error('attachSignature: number and verifyCode are required');
  const unsigned = unsignedPayload(pdf.length, meta);
  const signature = signParts([pdf, utf8Json(unsigned)], privateKeyHex, publicKey);
  const encoded = utf8Json({ ...unsigned, signature }).toString('base64url');
  return Buffer.concat([pdf, MARKER, Buffer.from(`${encoded}\n`, 'latin1')]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The signature trailer of a file, or null when there is none or it is malformed in any way
 * (wrong shape, wrong length, bytes after it). Never throws, whatever the input.
 */
export function readSignature(file: Buffer): SignedPdf | null {
  if (!Buffer.isBuffer(file) || file.length < MARKER.length + 2) return null;
  const at = file.lastIndexOf(MARKER);
  if (at < 0) return null;
  const body = file.subarray(at + MARKER.length);
  if (body.length > MAX_TRAILER_CHARS || body[body.length - 1] !== 0x0a) return null;
  const encoded = body.subarray(0, body.length - 1).toString('latin1');
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(payload)) return null;
  const { v, alg, keyId, number, verifyCode, signedBytes, signature } = payload;
  if (
    v !== 1 ||
    alg !== ALGORITHM ||
    typeof keyId !== 'string' || !KEY_ID.test(keyId) ||
    typeof number !== 'string' || number === '' ||
    typeof verifyCode !== 'string' || verifyCode === '' ||
    signedBytes !== at ||
    typeof signature !== 'string' || !SIGNATURE_HEX.test(signature)
  ) {
    return null;
  }
  return { signedBytes: file.subarray(0, at), meta: { keyId, number, verifyCode }, signature };
}

/**
 * Verifies a signed certificate PDF against the published keys. A key counts only when its id
 * really is the id of its public key. Retired keys still verify what they signed while active;
 * revocation is an online question (the verification page), not one the file can answer.
 */
export function verifyPdf(file: Buffer, keys: readonly PublishedKey[]): PdfVerification {
  const signed = readSignature(file);
  if (!signed) return { status: 'unsigned' };
  const { keyId, number, verifyCode } = signed.meta;
  const key = keys.find((k) => k.keyId === keyId && isPublicKeyHex(k.publicKey.toLowerCase()) && keyIdOf(k.publicKey) === keyId);
  if (!key) return { status: 'unknown-key', keyId, number, verifyCode };
  const message = [signed.signedBytes, utf8Json(unsignedPayload(signed.signedBytes.length, signed.meta))];
  const ok = verifyParts(message, signed.signature, key.publicKey);
  return { status: ok ? 'authentic' : 'invalid', keyId, number, verifyCode };
}

/**
 * Signature of a certificate record's public fields (canonical JSON, keys sorted), stored beside
 * the row so that an edit made directly in the database no longer verifies.
 */
export function signRecord(fields: Record<string, unknown>, privateKeyHex: string): string {
  return signSm2(Buffer.from(canonicalJson(fields), 'utf8'), privateKeyHex);
}

export function verifyRecord(fields: Record<string, unknown>, signatureHex: string, publicKeyHex: string): boolean {
  return verifySm2(Buffer.from(canonicalJson(fields), 'utf8'), signatureHex, publicKeyHex);
}

/**
 * Reads a published key list, as saved from `GET /api/v1/certificates/keys` (`{ keys: [...] }`) or
 * as a bare array. Throws an Error naming the first bad entry.
 */
export function parsePublishedKeys(value: unknown): PublishedKey[] {
  const list = isRecord(value) ? value.keys : value;
  if (!Array.isArray(list)) throw new Error('expected {"keys": [...]} or an array of keys');
  return list.map((entry: unknown, index): PublishedKey => {
    const bad = (what: string) => new Error(`key #${index + 1}: ${what}`);
    if (!isRecord(entry)) throw bad('not an object');
    const { keyId, departmentCode, departmentName, publicKey, algorithm, createdAt, retiredAt } = entry;
    if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) throw bad('keyId must be 16 hex characters');
    if (typeof publicKey !== 'string' || !isPublicKeyHex(publicKey.toLowerCase())) throw bad('publicKey is not an SM2 public key');
    if (algorithm !== 'SM2-with-SM3') throw bad('algorithm must be "SM2-with-SM3"');
    if (typeof departmentCode !== 'string' || typeof departmentName !== 'string') throw bad('departmentCode and departmentName are required');
    if (typeof createdAt !== 'string' || (retiredAt !== null && typeof retiredAt !== 'string')) throw bad('createdAt / retiredAt must be timestamps');
    return { keyId, departmentCode, departmentName, publicKey: publicKey.toLowerCase(), algorithm, createdAt, retiredAt };
  });
}
