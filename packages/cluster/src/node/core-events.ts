/**
 * Routes the core's trace events: the state events become trace events as they are; the core's
 * own extras (a dropped proposal, a replaced conf change, a node that cannot campaign) become
 * proposal fates, failed requests and warnings.
 */

import type { RaftTraceEvent } from '@raftlens/raft';
import type { ProposalFate } from '@raftlens/trace';
import { decodeCommand } from '../kv/command.ts';
import { decodeConfContext } from './conf-context.ts';
import type { RuntimeLogger } from './logger.ts';
import type { ProposalFields, RequestTracker } from './requests.ts';
import { type StateFields, stateEventFrom } from './state-events.ts';

export interface CoreEventContext {
  log: RuntimeLogger;
  emitState(fields: StateFields): void;
  emitProposal(fate: ProposalFate, fields: ProposalFields): void;
  requests: RequestTracker;
}

export class CoreEventRouter {
  private notPromotableLogged = false;

  constructor(private readonly ctx: CoreEventContext) {}

  route(e: RaftTraceEvent): void {
    const state = stateEventFrom(e);
    if (state !== null) {
      this.ctx.emitState(state);
      return;
    }
    switch (e.name) {
      case 'ProposalDropped':
        this.dropped(e);
        break;
      case 'ConfChangeReplaced':
        this.confChangeReplaced(e);
        break;
      case 'NotPromotable':
        // Said once: a node without a configuration is asked to campaign every timeout.
        if (!this.notPromotableLogged) {
          this.notPromotableLogged = true;
          this.ctx.log.warn({ reason: e.reason }, 'cannot campaign');
        }
        break;
      default:
        break;
    }
  }

  /**
   * A proposal died here. Our own requests report that themselves; one forwarded from another
   * node is traced here, because its proposer will only see a timeout.
   */
  private dropped(e: RaftTraceEvent): void {
    for (const entry of e.msg?.entries ?? []) {
      if (entry.type !== 'EntryNormal') continue;
      const cmd = decodeCommand(entry.data);
      if (cmd === null || typeof cmd === 'string' || this.ctx.requests.has(cmd.id)) continue;
      this.ctx.emitProposal('Dropped', {
        proposalId: cmd.id,
        op: 'put',
        key: cmd.key,
        reason: String(e.reason ?? 'ProposalDropped'),
      });
    }
  }

  /** etcd appends an empty entry in place of a conf change that fails its checks. */
  private confChangeReplaced(e: RaftTraceEvent): void {
    const ctx = e.confChange ? decodeConfContext(e.confChange.context) : null;
    const reason = String(e.reason ?? 'PendingConfChange');
    this.ctx.log.warn({ reason }, 'conf change replaced by an empty entry');
    if (ctx !== null) {
      this.ctx.requests.failById(
        ctx.id,
        'ConfChangeRejected',
        `conf change refused (${reason})`,
        reason,
      );
    }
  }
}
