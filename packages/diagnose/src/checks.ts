/**
 * The node checks of one group, computed once per diagnosis and shared: the leader analysis,
 * the election analysis and the per-voter explanations all ask "is something wrong with this
 * node itself?" before blaming the network or the leader.
 */

import type { Context } from './context.ts';
import type { Finding } from './finding.ts';
import { configurationProblem, persistedMessagesNotSent, readyStall } from './nodehealth.ts';

export interface NodeChecks {
  /** NoConfiguration or SelfNotInConfiguration. */
  conf?: Finding;
  /** ReadyNotAdvanced. */
  ready?: Finding;
  /** PersistedMessagesNotSent. */
  persisted?: Finding;
}

export class GroupChecks {
  private readonly byNode = new Map<number, NodeChecks>();

  constructor(
    ctx: Context,
    readonly group: number,
  ) {
    for (const m of ctx.members(group)) {
      const checks: NodeChecks = {};
      const conf = configurationProblem(ctx, m, group);
      const ready = readyStall(ctx, m, group);
      // A stopped Ready loop also stops every response; only a loop that runs can be blamed
      // for dropping the persisted ones.
      const persisted = ready ? undefined : persistedMessagesNotSent(ctx, m, group);
      if (conf) checks.conf = conf;
      if (ready) checks.ready = ready;
      if (persisted) checks.persisted = persisted;
      this.byNode.set(m.id, checks);
    }
  }

  of(id: number): NodeChecks {
    return this.byNode.get(id) ?? {};
  }

  /** The node that is mute for its peers because of its own loop, if any. */
  muted(id: number): Finding | undefined {
    const c = this.of(id);
    return c.ready ?? c.persisted;
  }

  all(): Finding[] {
    const out: Finding[] = [];
    for (const c of this.byNode.values()) {
      if (c.conf) out.push(c.conf);
      if (c.ready) out.push(c.ready);
      if (c.persisted) out.push(c.persisted);
    }
    return out;
  }
}
