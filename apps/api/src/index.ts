export { type AppDeps, createApp } from './app.ts';
export type { AppRouter } from './routers/index.ts';
export type { ErrorData, WireIssue } from './trpc/errors.ts';
export type { Json } from './trpc/json.ts';
