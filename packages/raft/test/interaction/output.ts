/**
 * The output buffer of one interaction script, doubling as the logger every node writes its
 * prose to, so that log lines and structural lines interleave in the order they happened,
 * as in etcd raft's scripts.
 */

/** Levels as the scripts name them; NONE silences everything, the harness's own output too. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'NONE'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const DEBUG = 0;
const INFO = 1;
const WARN = 2;
const ERROR = 3;
const NONE = 5;

/** The shape of the core's logger: one already-formatted message per call. */
export interface LineLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export class InteractionOutput {
  private text = '';
  /** Index into LOG_LEVELS: messages below it are not printed. */
  level = DEBUG;

  /** The logger handed to every node of the environment. */
  readonly logger: LineLogger = {
    debug: (msg) => this.log(DEBUG, msg),
    info: (msg) => this.log(INFO, msg),
    warn: (msg) => this.log(WARN, msg),
    error: (msg) => this.log(ERROR, msg),
  };

  quiet(): boolean {
    return this.level === NONE;
  }

  write(s: string): void {
    if (!this.quiet()) this.text += s;
  }

  /** Writes one log line, `INFO 1 became leader at term 1`, when the level lets it through. */
  log(level: number, msg: string): void {
    if (this.level > level) return;
    this.write(`${LOG_LEVELS[level]} ${msg}`);
    if (!msg.endsWith('\n')) this.write('\n');
  }

  /** Sets the level by name, case-insensitively; returns an error text for unknown names. */
  setLevel(name: string): string | null {
    const i = LOG_LEVELS.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    if (i < 0) return `log levels must be either of [${LOG_LEVELS.join(' ')}]`;
    this.level = i;
    return null;
  }

  /** Runs `f` and indents by two spaces every line it wrote (a trailing newline is added). */
  withIndent<T>(f: () => T): T {
    const outer = this.text;
    this.text = '';
    try {
      return f();
    } finally {
      const inner = this.text;
      this.text = outer;
      const lines = inner.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines) this.text += `  ${line}\n`;
    }
  }

  isEmpty(): boolean {
    return this.text === '';
  }

  toString(): string {
    return this.text;
  }

  reset(): void {
    this.text = '';
  }
}
