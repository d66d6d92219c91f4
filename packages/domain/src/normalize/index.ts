export * from './company.ts';
export * from './date.ts';
export * from './email.ts';
export * from './match-key.ts';
export * from './name.ts';
export * from './phone.ts';
