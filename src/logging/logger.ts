import { pino, type Logger } from 'pino';

export type { Logger };

/** One logger per process; `component` says which piece wrote the line (api, worker, sandbox-TG...). */
export function createLogger(component: string, level = process.env.CORRIDOR_LOG_LEVEL || 'info'): Logger {
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Every line about a movement carries its MRN, so one grep follows a truck through every process. */
export function forMovement(logger: Logger, mrn: string): Logger {
  return logger.child({ mrn });
}
