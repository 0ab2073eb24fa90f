export * from './types.ts';
export { FACT_LABELS, readFacts, type FactKey } from './facts.ts';
export { findDates, parseDateValue, resolveDateBound, OPEN_ENDED, type DateValue } from './dates.ts';
export { isValidResidentId, maskResidentId, normalizeForCompare, residentIdCheckChar, residentIdProblem, usccProblem, type ResidentIdProblem, type UsccProblem } from './identifiers.ts';
export { validatePrecheckRules, PLACEHOLDERS } from './validate.ts';
export { runPrecheck, PrecheckRuleError } from './run.ts';
