/**
 * The core's logger: injected, never global.
 *
 * The core writes etcd raft's own log prose through it (`1 became leader at term 1`), so that a
 * reader who knows etcd's logs recognises every line, and so that the conformance scripts, which
 * print those lines, can be compared. Levels follow etcd's use: `debug` per message, `info` per
 * role or term change, `warn` for anomalies, `error` for what a person must look at. Filtering
 * by level is the logger's business; the core calls every method unconditionally.
 */
export interface Logger {
  /** Per-message detail. */
  debug(msg: string): void;
  /** Role and term changes, elections, configuration changes. */
  info(msg: string): void;
  /** Anomalies: a node that cannot campaign, a leader stepping down. */
  warn(msg: string): void;
  /** What a person must look at. */
  error(msg: string): void;
}

/** A logger that drops everything: the default when none is configured. */
export const discardLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** The log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/** A log line as `recordingLogger` keeps it. */
export interface LogLine {
  /** The level the line was logged at. */
  level: Exclude<LogLevel, 'none'>;
  /** The line itself, in etcd's wording. */
  msg: string;
}

/**
 * A logger that appends every line at or above `level` to `lines`; for tests and for runtimes
 * that forward lines elsewhere.
 */
export function recordingLogger(lines: LogLine[], level: LogLevel = 'debug'): Logger {
  const min = LEVEL_RANK[level];
  const push = (l: Exclude<LogLevel, 'none'>) => (msg: string) => {
    if (LEVEL_RANK[l] >= min) lines.push({ level: l, msg });
  };
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** Formats a node id as etcd's logs do (`%x`: lower-case hexadecimal). */
export const fmtId = (id: number): string => (id >= 0 ? id.toString(16) : String(id));
