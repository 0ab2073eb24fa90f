import type { ApiError } from './http';

/**
 * Maps the field-level `details` of a VALIDATION_FAILED (or similar) error onto form fields, so
 * the message appears under the input it is about. Paths are JSON pointers such as `/username`
 * or `/body/username`; the last segment naming a known field wins.
 */
export function fieldErrorsFrom<F extends string>(error: ApiError, fields: readonly F[]): Partial<Record<F, string>> {
  const result: Partial<Record<F, string>> = {};
  for (const d of error.details ?? []) {
    const segments = d.path.split('/').filter(Boolean).reverse();
    const field = segments.find((s): s is F => (fields as readonly string[]).includes(s));
    if (field && !result[field]) result[field] = d.message;
  }
  return result;
}
