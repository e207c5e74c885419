/**
 * The daemon's log: JSON lines (pino) on stdout. What is logged is already
 * redacted data (AppError evidence is redacted at construction; events carry
 * no secrets); as a second line of defence, every key that names a secret
 * (secret, password, token, key material, authorization, cookie) is censored
 * wherever it appears.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug'>;

const SECRET_KEYS = ['secret', 'secretKey', 'secretAccessKey', 'accessKeySecret', 'apiToken', 'apiKey', 'password', 'token', 'authorization', 'cookie', 'keyPem', 'hmacKey', 'sessionToken'];

export function createLogger(o: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)], censor: '[redacted]' },
    },
    (o.destination ?? process.stdout) as NodeJS.WritableStream & { write: (s: string) => boolean },
  );
}
