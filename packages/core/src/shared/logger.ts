import { type Logger, pino } from 'pino'

export type { Logger }

/** JSON lines in production; readable lines in development when attached to a terminal. */
export function createLogger(options: { level: string; pretty?: boolean; name?: string }): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production')
  return pino({
    level: options.level,
    ...(options.name ? { name: options.name } : {}),
    redact: {
      paths: [
        '*.password',
        '*.token',
        '*.refreshToken',
        '*.accessToken',
        '*.secretKey',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss.l' },
          },
        }
      : {}),
  })
}
