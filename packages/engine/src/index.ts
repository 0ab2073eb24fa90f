export * from './conditions.ts';
export * from './calendar.ts';
export * from './clock.ts';
export * from './workflow/types.ts';
export * from './workflow/procedure.ts';
export * from './workflow/decide.ts';
export * from './precheck/index.ts';
