export * from './columns.ts';
export * from './time-zone.ts';
