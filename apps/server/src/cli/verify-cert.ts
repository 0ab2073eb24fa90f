/**
 * `npm run verify-cert -- <file.pdf> (--keys keys.json | --server http://host:port)`: checks the
 * SM2 signature of a certificate PDF offline against the published public keys.
 *
 * Exit code 0 only when the file is authentic; 1 when it is invalid, unsigned, signed by an
 * unknown key or not a PDF; 2 when the check could not be made (usage, missing file, unreadable
 * key list, server unreachable). Messages, never stack traces.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePublishedKeys, verifyPdf, type PdfVerification, type PublishedKey } from '../modules/certificates/signature.ts';

const USAGE = [
  '用法 / usage: npm run verify-cert -- <证照.pdf> (--keys <公钥列表.json> | --server <http://主机:端口>)',
  '  --keys    GET /api/v1/certificates/keys 的响应另存的文件 / a saved GET /api/v1/certificates/keys response',
  '  --server  从平台读取公布的公钥 / fetch the published keys from the platform',
].join('\n');

class UsageError extends Error {}

/** npm -w runs scripts in the workspace folder; paths the user typed are relative to where npm was run. */
function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

function readUserFile(p: string, what: string): Buffer {
  try {
    return readFileSync(userPath(p));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? '不存在 / not found' : code === 'EISDIR' ? '是目录 / is a directory' : `无法读取 / cannot be read (${code ?? 'error'})`;
    throw new UsageError(`${what} ${userPath(p)}: ${reason}`);
  }
}

function keysFromJson(text: string, source: string): PublishedKey[] {
  try {
    return parsePublishedKeys(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`公钥列表无效 / invalid key list (${source}): ${(error as Error).message}`);
  }
}

async function fetchKeys(server: string): Promise<PublishedKey[]> {
  let url: URL;
  try {
    // Relative, so a platform served under a path prefix (https://host/tongban/) works too.
    url = new URL('api/v1/certificates/keys', server.endsWith('/') ? server : `${server}/`);
  } catch {
    throw new UsageError(`--server 不是有效地址 / --server is not a URL: ${server}`);
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new UsageError(`无法连接 / cannot reach ${url.href}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new UsageError(`读取公钥失败 / fetching keys failed: ${url.href} answered HTTP ${response.status}`);
  return keysFromJson(await response.text(), url.href);
}

function report(result: PdfVerification, keys: readonly PublishedKey[]): [string, string] {
  const doc = `文号 ${result.number ?? '-'}，验证码 ${result.verifyCode ?? '-'}`;
  const docEn = `number ${result.number ?? '-'}, verification code ${result.verifyCode ?? '-'}`;
  switch (result.status) {
    case 'authentic': {
      const key = keys.find((k) => k.keyId === result.keyId);
      const by = key ? `${key.departmentName}（密钥 ${key.keyId}${key.retiredAt ? '，已停用' : ''}）` : (result.keyId ?? '');
      const byEn = key ? `${key.departmentName} (key ${key.keyId}${key.retiredAt ? ', retired' : ''})` : (result.keyId ?? '');
      return [
        `真实有效：签名验证通过，${doc}，签发：${by}。是否已吊销请在线核验。`,
        `AUTHENTIC: signature valid, ${docEn}, signed by ${byEn}. Check online whether it was revoked.`,
      ];
    }
    case 'invalid':
      return [`签名无效：文件在签名后被修改或签名不符（${doc}）。`, `INVALID: the file was changed after signing or the signature does not match (${docEn}).`];
    case 'unsigned':
      return ['未签名：文件中没有通办电子签名。', 'UNSIGNED: the file carries no Tongban signature.'];
    case 'unknown-key':
      return [
        `未知密钥：签名密钥 ${result.keyId ?? '-'} 不在公布的公钥列表中（${doc}）。`,
        `UNKNOWN KEY: signing key ${result.keyId ?? '-'} is not among the published keys (${docEn}).`,
      ];
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { keys: { type: 'string' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  // Help exits 2 too: 0 must mean "authentic" and nothing else, even for a file named --help.
  if (values.help) throw new UsageError('帮助 / help');
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('需要且只需要一个 PDF 文件 / exactly one PDF file is required');
  if ((values.keys === undefined) === (values.server === undefined)) throw new UsageError('请给出 --keys 或 --server 之一 / give one of --keys or --server');

  const pdf = readUserFile(file, 'PDF 文件 / PDF file');
  const keys = values.keys !== undefined ? keysFromJson(readUserFile(values.keys, '公钥列表 / key list').toString('utf8'), values.keys) : await fetchKeys(values.server ?? '');
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
    console.log('不是 PDF 文件：文件不以 %PDF- 开头。');
    console.log('NOT A PDF: the file does not start with %PDF-.');
    return 1;
  }
  const result = verifyPdf(pdf, keys);
  for (const line of report(result, keys)) console.log(line);
  return result.status === 'authentic' ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    console.error(USAGE);
  } else {
    console.error(`意外错误 / unexpected error: ${(error as Error).message}`);
  }
  process.exitCode = 2;
}
