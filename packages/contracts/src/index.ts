export * from './errors.ts';
export * from './roles.ts';
export * from './api.ts';
export * from './uscc.ts';
export * from './catalog.ts';
export * from './applications.ts';
export * from './materials.ts';
export * from './certificates.ts';
