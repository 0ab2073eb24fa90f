/**
 * The stable error codes of the public API. Clients switch on `error.code`; the messages are for
 * people. Codes are never renamed once released; add new ones instead.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  FORBIDDEN: 'FORBIDDEN',
  OUT_OF_SCOPE: 'OUT_OF_SCOPE',
  API_KEY_SCOPE_MISSING: 'API_KEY_SCOPE_MISSING',
  CSRF_TOKEN_INVALID: 'CSRF_TOKEN_INVALID',
  CONFLICT: 'CONFLICT',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  IN_USE: 'IN_USE',
  INVALID_REGION_CODE: 'INVALID_REGION_CODE',
  INVALID_ROLE_BINDING: 'INVALID_ROLE_BINDING',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  RATE_LIMITED: 'RATE_LIMITED',
  PUBLISH_CHECK_FAILED: 'PUBLISH_CHECK_FAILED',
  VERSION_FROZEN: 'VERSION_FROZEN',
  NOT_PUBLISHED: 'NOT_PUBLISHED',
  IMPORT_FAILED: 'IMPORT_FAILED',
  INVALID_STATE: 'INVALID_STATE',
  SUBMIT_CHECK_FAILED: 'SUBMIT_CHECK_FAILED',
  FILE_TYPE_REFUSED: 'FILE_TYPE_REFUSED',
  /** Submission refused: the pre-check (智能预审) found errors; details list them. */
  PRECHECK_FAILED: 'PRECHECK_FAILED',
  /** A certificate that is already revoked cannot be revoked again. */
  ALREADY_REVOKED: 'ALREADY_REVOKED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one error envelope every non-2xx response carries. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    /** In the language chosen by Accept-Language (zh-CN by default). */
    message: string;
    /** Both languages, so a client can switch without another request. */
    messages: { 'zh-CN': string; 'en-US': string };
    requestId: string;
    /** Field-level problems for VALIDATION_FAILED: JSON pointer path and a message. */
    details?: Array<{ path: string; message: string }>;
  };
}
