import { pino, type Logger } from 'pino';
import PinoPretty from 'pino-pretty';

export type { Logger };

export type LogFormat = 'auto' | 'pretty' | 'json';

/**
 * One logger per process; `component` says which piece wrote the line (api, worker, sandbox-TG...).
 * JSON lines, except on a terminal (or with CORRIDOR_LOG_FORMAT=pretty): one coloured line each.
 * `npm start` gives its children its own stdout, so they see the same terminal it does.
 */
export function createLogger(
  component: string,
  level = process.env.CORRIDOR_LOG_LEVEL || 'info',
  format = (process.env.CORRIDOR_LOG_FORMAT || 'auto') as LogFormat,
): Logger {
  const options = { level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!(format === 'pretty' || (format === 'auto' && process.stdout.isTTY))) return pino(options);
  // In this thread and synchronous: no worker thread per process, and no line lost on process.exit.
  return pino(
    options,
    PinoPretty({
      destination: 1,
      sync: true,
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,component',
      messageFormat: '[{component}] {msg}',
      singleLine: true,
    }),
  );
}

/** Every line about a movement carries its MRN, so one grep follows a truck through every process. */
export function forMovement(logger: Logger, mrn: string): Logger {
  return logger.child({ mrn });
}
