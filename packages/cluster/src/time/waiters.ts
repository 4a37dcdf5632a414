import { ClusterError } from '../api.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

/**
 * Conditions waited on with a deadline. A condition is checked whenever `poke` is called (the
 * cluster pokes on every role change) and once per `pollMs` of model time, so a wait never
 * depends on an event it might miss.
 */
export class Waiters {
  private readonly checks = new Set<() => void>();
  private readonly aborts = new Set<(err: ClusterError) => void>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly pollMs: number,
  ) {}

  /** Resolves once `pred` holds; rejects with `Timeout` after `timeoutMs` of model time. */
  waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let poll: TimerHandle;
      const finish = () => {
        poll.cancel();
        deadline.cancel();
        this.checks.delete(check);
        this.aborts.delete(abort);
      };
      const abort = (err: ClusterError) => {
        finish();
        reject(err);
      };
      const check = () => {
        if (pred()) {
          finish();
          resolve();
        }
      };
      const rearm = () => {
        poll = this.scheduler.after(this.pollMs, () => {
          rearm();
          check();
        });
      };
      rearm();
      const deadline = this.scheduler.after(timeoutMs, () => {
        finish();
        reject(new ClusterError('Timeout', `${what}: no result within ${timeoutMs} ms`));
      });
      this.checks.add(check);
      this.aborts.add(abort);
    });
  }

  /** Re-checks every pending condition now. */
  poke(): void {
    for (const check of [...this.checks]) check();
  }

  /** Fails every pending wait with `err` (the cluster closed). */
  abortAll(err: ClusterError): void {
    for (const abort of [...this.aborts]) abort(err);
  }
}
