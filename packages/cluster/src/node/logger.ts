/**
 * Logging: the runtime writes structured lines through an injected, pino-compatible logger,
 * bound to the node (and group) they concern. Nothing here writes to the console.
 */

import type { Logger as CoreLogger } from '@raftlens/raft';

type LogFn = {
  (obj: Record<string, unknown>, msg?: string): void;
  (msg: string): void;
};

/** The part of pino's logger the runtime uses; a pino logger fits as is. */
export interface RuntimeLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): RuntimeLogger;
  isLevelEnabled?(level: string): boolean;
}

const noop = (): void => {};

/** Writes nothing; the default when no logger is injected. */
export const silentLogger: RuntimeLogger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/** True when `level` lines would be written; lets hot paths skip building them. */
export function levelEnabled(logger: RuntimeLogger, level: 'debug' | 'info'): boolean {
  return logger.isLevelEnabled === undefined ? true : logger.isLevelEnabled(level);
}

/** The core's string logger, writing etcd's prose through a bound runtime logger. */
export function coreLogger(logger: RuntimeLogger): CoreLogger {
  const debugOn = levelEnabled(logger, 'debug');
  return {
    debug: (msg) => {
      if (debugOn) logger.debug(msg);
    },
    info: (msg) => logger.info(msg),
    warn: (msg) => logger.warn(msg),
    error: (msg) => logger.error(msg),
  };
}
