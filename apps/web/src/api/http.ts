/**
 * The one request helper of the web client (vue-vben-admin style): every call goes through
 * `request()`, which speaks JSON to `/api/v1`, sends the session's CSRF token on writes, turns the
 * error envelope into an `ApiError` and shows its message unless the caller opts out.
 */
import type { ErrorCode, ErrorEnvelope } from '@tongban/contracts';
import { getLocale, i18n } from '@/locales';

export const API_BASE = '/api/v1';

/** Codes the client itself produces when there is no envelope to read. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

export type ApiErrorDetail = { path: string; message: string };

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status: number,
    readonly details?: ApiErrorDetail[],
    /** Both languages as the server sent them, so a view can re-render after a language switch. */
    readonly messages?: { 'zh-CN': string; 'en-US': string },
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The message in the current UI language. */
  localizedMessage(): string {
    return this.messages?.[getLocale()] ?? this.message;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Empty strings, null and undefined are left out of the query string. */
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Do not show ElMessage on failure; the caller presents the error itself. */
  silent?: boolean;
  /** Do not clear the session and go to /login on 401 (used by the startup `/auth/me` probe). */
  skipAuthRedirect?: boolean;
}

interface HttpHooks {
  /** The CSRF token of the current session, if the store has one. */
  getCsrfToken: () => string | null;
  /** Called on a 401 from anything but the login call: clear the session, go to /login. */
  onUnauthorized: () => void;
}

let hooks: HttpHooks = {
  getCsrfToken: () => null,
  onUnauthorized: () => undefined,
};

/** Wires the helper to the auth store and router without an import cycle (called in main.ts). */
export function configureHttp(next: HttpHooks): void {
  hooks = next;
}

export const CSRF_COOKIE = 'tb_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = API_BASE + (path.startsWith('/') ? path : `/${path}`);
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

async function toApiError(res: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await res.json();
  } catch {
    // Not JSON (a proxy error page, an empty body): fall through to a generic message.
  }
  if (isEnvelope(payload)) {
    const e = payload.error;
    const message = e.messages?.[getLocale()] ?? e.message;
    return new ApiError(e.code, message, res.status, e.details, e.messages, e.requestId);
  }
  return new ApiError('BAD_RESPONSE', i18n.global.t('errors.badResponse', { status: res.status }), res.status);
}

function notify(error: ApiError): void {
  ElMessage.error({ message: error.localizedMessage(), grouping: true, showClose: true });
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': getLocale(),
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = hooks.getCsrfToken() ?? readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    const error = new ApiError('NETWORK_ERROR', i18n.global.t('errors.network'), 0);
    if (!options.silent) notify(error);
    throw error;
  }

  if (!res.ok) {
    const error = await toApiError(res);
    const isLoginCall = path === '/auth/login';
    if (res.status === 401 && !isLoginCall && !options.skipAuthRedirect) {
      hooks.onUnauthorized();
    }
    if (!options.silent) notify(error);
    throw error;
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    const error = new ApiError('BAD_RESPONSE', i18n.global.t('errors.badResponse', { status: res.status }), res.status);
    if (!options.silent) notify(error);
    throw error;
  }
}

export interface UploadOptions {
  /** Extra headers (e.g. X-File-Name). */
  headers?: Record<string, string>;
  /** Empty strings, null and undefined are left out of the query string. */
  query?: Record<string, QueryValue>;
  /** The request's Content-Type; application/octet-stream when absent (the server sniffs the bytes). */
  contentType?: string;
  /** Called with the fraction sent so far, 0…1. */
  onProgress?: (fraction: number) => void;
  silent?: boolean;
}

/** An upload in flight: its result and a way to cancel it. */
export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

/** Content types the upload routes take as a raw body; anything else goes as application/octet-stream. */
const UPLOAD_CONTENT_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'application/zip']);

/** The Content-Type to upload a file with: its own when the server takes it, else octet-stream. */
export function uploadContentType(file: Blob): string {
  return UPLOAD_CONTENT_TYPES.has(file.type) ? file.type : 'application/octet-stream';
}

/**
 * POSTs a file as the raw request body (application/octet-stream unless told) with the same CSRF header,
 * error envelope and 401 handling as `request()`. It uses XMLHttpRequest because fetch cannot
 * report upload progress. An aborted upload rejects with an AbortError DOMException.
 */
export function upload<T>(path: string, file: Blob, options: UploadOptions = {}): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', buildUrl(path, options.query));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getLocale());
    xhr.setRequestHeader('Content-Type', options.contentType ?? 'application/octet-stream');
    const token = hooks.getCsrfToken() ?? readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    for (const [k, v] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) options.onProgress?.(e.loaded / e.total);
    };
    const fail = (error: ApiError) => {
      if (error.status === 401) hooks.onUnauthorized();
      if (!options.silent) notify(error);
      reject(error);
    };
    xhr.onerror = () => fail(new ApiError('NETWORK_ERROR', i18n.global.t('errors.network'), 0));
    xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
    xhr.onload = () => {
      let payload: unknown = null;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(payload as T);
        return;
      }
      if (isEnvelope(payload)) {
        const e = payload.error;
        fail(new ApiError(e.code, e.messages?.[getLocale()] ?? e.message, xhr.status, e.details, e.messages, e.requestId));
      } else {
        fail(new ApiError('BAD_RESPONSE', i18n.global.t('errors.badResponse', { status: xhr.status }), xhr.status));
      }
    };
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

export const http = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) => request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'DELETE' }),
};
