import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; every line of a request carries its `requestId`. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'api' },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.token'],
      remove: true,
    },
  });
}
