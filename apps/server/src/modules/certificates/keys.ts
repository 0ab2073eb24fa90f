/**
 * Signing keys of the departments (电子印章密钥): SM2 key pairs, their published key ids, and the
 * sealing of private keys at rest with SM4 under the deployment's master key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { sm3Hex } from '../../lib/sm3.ts';

/** An SM2 key pair as hex: the private scalar (64 chars) and the uncompressed public point ('04…', 130 chars). */
export interface SigningKeyPair {
  publicKey: string;
  privateKey: string;
}

const PRIVATE_KEY = /^[0-9a-f]{64}$/;
const PUBLIC_KEY = /^04[0-9a-f]{128}$/;
/** 32 bytes: the first 16 are the SM4 key, the last 16 the HMAC-SM3 key (one key, one purpose). */
const MASTER_KEY_BYTES = 32;
const SEAL_PREFIX = 'sm4-cbc';

/** A fresh SM2 key pair from the platform's CSPRNG (sm-crypto-v2 draws from crypto.getRandomValues). */
export function generateSigningKey(): SigningKeyPair {
  const { publicKey, privateKey } = sm2.generateKeyPairHex();
  return { publicKey: publicKey.toLowerCase(), privateKey: privateKey.toLowerCase() };
}

/** True for an uncompressed SM2 public key in hex that lies on the curve. */
export function isPublicKeyHex(publicKey: string): boolean {
  if (!PUBLIC_KEY.test(publicKey)) return false;
  try {
    return sm2.verifyPublicKey(publicKey);
  } catch {
    return false;
  }
}

/** True for a 32-byte private scalar in lower-case hex. */
export function isPrivateKeyHex(privateKey: string): boolean {
  return PRIVATE_KEY.test(privateKey);
}

/**
 * The key id printed in signatures and published with the key: the first 16 hex chars of SM3 over
 * the public key's hex string (as UTF-8 text, so anyone can recompute it with any SM3 tool).
 */
export function keyIdOf(publicKey: string): string {
  return sm3Hex(publicKey.toLowerCase()).slice(0, 16);
}

/**
 * The master key from its configured form (`CERT_MASTER_KEY`): exactly 64 hex characters (32
 * bytes: an SM4 key for encryption and a separate key for the HMAC-SM3 integrity check).
 */
export function parseMasterKey(value: string): Buffer {
  const trimmed = value.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new Error(`The certificate master key must be 64 hex characters (32 bytes), got ${trimmed.length} characters`);
  }
  return Buffer.from(trimmed, 'hex');
}

const encryptionKey = (masterKey: Buffer) => masterKey.subarray(0, 16);
const macKey = (masterKey: Buffer) => masterKey.subarray(16, 32);

function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== MASTER_KEY_BYTES) {
    throw new Error(`The certificate master key must be ${MASTER_KEY_BYTES} bytes, got ${masterKey.length}`);
  }
}

function macOf(masterKey: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  return createHmac('sm3', macKey(masterKey)).update(iv).update(ciphertext).digest();
}

/**
 * Seals a private key for storage: `sm4-cbc:<ivHex>:<ciphertextHex>:<macHex>`, SM4-CBC with a random
 * IV under the first half of the master key, then HMAC-SM3 (second half) over iv‖ciphertext (encrypt-then-MAC) so a wrong master key or a changed value
 * is refused before decryption instead of yielding a wrong key.
 */
export function sealPrivateKey(privateKeyHex: string, masterKey: Buffer): string {
  assertMasterKey(masterKey);
  if (!isPrivateKeyHex(privateKeyHex)) throw new Error('sealPrivateKey: the private key must be 64 lower-case hex characters');
  const iv = randomBytes(16);
  const cipher = createCipheriv('sm4-cbc', encryptionKey(masterKey), iv);
  const ciphertext = Buffer.concat([cipher.update(privateKeyHex, 'utf8'), cipher.final()]);
  const mac = macOf(masterKey, iv, ciphertext);
  return [SEAL_PREFIX, iv.toString('hex'), ciphertext.toString('hex'), mac.toString('hex')].join(':');
}

/** Opens a value made by {@link sealPrivateKey}; throws when the master key is wrong or the value was changed. */
export function openPrivateKey(sealed: string, masterKey: Buffer): string {
  assertMasterKey(masterKey);
  const parts = sealed.split(':');
  const [prefix, ivHex, ctHex, macHex] = parts;
  if (
    parts.length !== 4 ||
    prefix !== SEAL_PREFIX ||
    !ivHex || !/^[0-9a-f]{32}$/.test(ivHex) ||
    !ctHex || !/^(?:[0-9a-f]{32})+$/.test(ctHex) ||
    !macHex || !/^[0-9a-f]{64}$/.test(macHex)
  ) {
    throw new Error('openPrivateKey: not a sealed key (expected sm4-cbc:<iv>:<ciphertext>:<mac>)');
  }
  const iv = Buffer.from(ivHex, 'hex');
  const ciphertext = Buffer.from(ctHex, 'hex');
  if (!timingSafeEqual(macOf(masterKey, iv, ciphertext), Buffer.from(macHex, 'hex'))) {
    throw new Error('openPrivateKey: integrity check failed (wrong master key or a changed sealed value)');
  }
  const decipher = createDecipheriv('sm4-cbc', encryptionKey(masterKey), iv);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  if (!isPrivateKeyHex(plain)) throw new Error('openPrivateKey: the sealed value does not hold a private key');
  return plain;
}
