import { ErrorCode } from '@tongban/contracts';

export interface Messages {
  zh: string;
  en: string;
}

/** Default message and HTTP status of every error code. */
export const ERROR_DEFAULTS: Record<ErrorCode, { status: number; zh: string; en: string }> = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不符合要求', en: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such API route' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please log in' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: { status: 423, zh: '账号因多次登录失败已被临时锁定，请稍后再试', en: 'The account is locked after repeated failed logins; try again later' },
  ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'The account is disabled' },
  FORBIDDEN: { status: 403, zh: '当前角色无权执行此操作', en: 'Your role may not do this' },
  OUT_OF_SCOPE: { status: 403, zh: '无权访问本单位、本部门或本地区以外的数据', en: 'This data is outside your enterprise, department or region' },
  API_KEY_SCOPE_MISSING: { status: 403, zh: 'API 密钥未授予此权限范围', en: 'The API key lacks the scope this route needs' },
  CSRF_TOKEN_INVALID: { status: 403, zh: '跨站请求校验失败，请刷新页面后重试', en: 'Cross-site request check failed; reload the page and retry' },
  CONFLICT: { status: 409, zh: '数据已被他人修改，请刷新后重试', en: 'The data was changed by someone else; reload and retry' },
  ALREADY_EXISTS: { status: 409, zh: '记录已存在', en: 'It already exists' },
  IN_USE: { status: 409, zh: '该记录仍被引用，不能删除', en: 'It is still referenced and cannot be deleted' },
  INVALID_REGION_CODE: { status: 400, zh: '行政区划代码无效', en: 'Invalid administrative region code' },
  INVALID_ROLE_BINDING: { status: 400, zh: '角色与所属企业、部门或地区不匹配', en: 'The role does not match its enterprise, department or region' },
  WEAK_PASSWORD: { status: 400, zh: '密码至少 8 位，且须同时包含字母和数字', en: 'The password needs at least 8 characters with letters and digits' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁', en: 'Too many requests' },
  PUBLISH_CHECK_FAILED: { status: 422, zh: '发布校验未通过，请按提示修改后再发布', en: 'The version fails the publish checks; fix the listed problems first' },
  VERSION_FROZEN: { status: 409, zh: '已发布或已废止的版本不能修改，请新建草稿', en: 'A published or retired version is frozen; start a new draft' },
  NOT_PUBLISHED: { status: 404, zh: '尚无已发布版本', en: 'There is no published version' },
  IMPORT_FAILED: { status: 400, zh: '导入文件有错误，未做任何修改', en: 'The import file has errors; nothing was changed' },
  INVALID_STATE: { status: 409, zh: '当前状态下不能进行此操作', en: 'This is not possible in the current state' },
  SUBMIT_CHECK_FAILED: { status: 422, zh: '申报材料或表单不完整，请按提示补齐后再提交', en: 'The application is incomplete; complete the listed items first' },
  FILE_TYPE_REFUSED: { status: 415, zh: '文件类型不符合该材料的要求', en: 'The file type is not accepted for this material' },
  PRECHECK_FAILED: { status: 422, zh: '智能预审发现错误，请按提示修改表单或更换材料后再提交', en: 'The pre-check found errors; correct the form or replace the materials listed first' },
  ALREADY_REVOKED: { status: 409, zh: '该证照已被吊销', en: 'The certificate is already revoked' },
  INTERNAL_ERROR: { status: 500, zh: '服务器内部错误，请稍后重试', en: 'Internal server error; please retry later' },
};

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The one error type services throw; the error plugin renders it as the envelope. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly messages: Messages;
  readonly details?: ErrorDetail[];

  constructor(code: ErrorCode, messages?: Partial<Messages>, details?: ErrorDetail[]) {
    const d = ERROR_DEFAULTS[code];
    super(messages?.en ?? d.en);
    this.name = 'AppError';
    this.code = code;
    this.status = d.status;
    this.messages = { zh: messages?.zh ?? d.zh, en: messages?.en ?? d.en };
    this.details = details;
  }
}

export const notFound = (what: Messages) =>
  new AppError(ErrorCode.NOT_FOUND, { zh: `${what.zh}不存在`, en: `${what.en} not found` });
