/**
 * Records what an action does to the cluster so it can be undone. `recordUndo` wraps the API an
 * action runs with: each call with an inverse notes, before it goes out, the state it changes
 * (the partition, the link's rule, the speed) and, once it succeeds, the call that restores it.
 * One action (one button press, which may make several calls) becomes one undo entry.
 */

import type { ClusterSnapshot, LinkRule } from '@raftlens/trace';
import type { Api } from '../api/index.ts';
import { formatSpeed } from '../model/describe.ts';
import { ruleOn, ruleSummary } from '../model/linkRules.ts';
import { nodeName } from '../model/palette.ts';
import type { NewUndoEntry, UndoStep } from './undoSlice.ts';

interface Done {
  did: string;
  undo: string;
  step: UndoStep;
  coalesce?: string;
}

/** "n1 n2 | n3 n4 n5" */
export function partitionWords(groups: readonly number[][]): string {
  return groups.map((g) => g.map(nodeName).join(' ')).join(' | ');
}

const link = (from: number, to: number) => `${nodeName(from)}→${nodeName(to)}`;

export interface UndoRecording {
  /** The API to run the action with. */
  api: Api;
  /** What the successful calls so far add up to, or null when nothing can be undone. */
  entry(cluster: string): NewUndoEntry | null;
}

export function recordUndo(api: Api, snapshot: () => ClusterSnapshot | null): UndoRecording {
  const done: Done[] = [];
  const recorded: Api = {
    ...api,
    partition: async (groups) => {
      const before = snapshot()?.partitions ?? [];
      const result = await api.partition(groups);
      done.push({
        did: `partition ${partitionWords(groups)}`,
        ...(before.length > 0
          ? {
              undo: `partition back to ${partitionWords(before)}`,
              step: (a) => a.partition(before),
            }
          : { undo: 'heal the partition', step: (a) => a.heal() }),
      });
      return result;
    },
    heal: async () => {
      const before = snapshot()?.partitions ?? [];
      const result = await api.heal();
      if (before.length > 0) {
        done.push({
          did: 'heal the partition',
          undo: `partition ${partitionWords(before)} again`,
          step: (a) => a.partition(before),
        });
      }
      return result;
    },
    setLinkRule: async (from, to, rule) => {
      const before = ruleOn(snapshot()?.links ?? [], from, to);
      const result = await api.setLinkRule(from, to, rule);
      done.push({
        did: `${link(from, to)}: ${ruleSummary(rule)}`,
        ...restoreRule(from, to, before),
      });
      return result;
    },
    clearLinkRule: async (from, to) => {
      const before = ruleOn(snapshot()?.links ?? [], from, to);
      const result = await api.clearLinkRule(from, to);
      if (before)
        done.push({ did: `clear the rule on ${link(from, to)}`, ...restoreRule(from, to, before) });
      return result;
    },
    crash: async (id) => {
      const result = await api.crash(id);
      done.push({
        did: `crash ${nodeName(id)}`,
        undo: `restart ${nodeName(id)}`,
        step: (a) => a.restart(id),
      });
      return result;
    },
    pause: async () => {
      const wasPaused = snapshot()?.paused ?? false;
      const result = await api.pause();
      if (!wasPaused) done.push({ did: 'pause', undo: 'resume', step: (a) => a.resume() });
      return result;
    },
    resume: async () => {
      const wasPaused = snapshot()?.paused ?? true;
      const result = await api.resume();
      if (wasPaused) done.push({ did: 'resume', undo: 'pause', step: (a) => a.pause() });
      return result;
    },
    setSpeed: async (factor) => {
      const before = snapshot()?.speed;
      const result = await api.setSpeed(factor);
      if (before !== undefined && before !== factor) {
        done.push({
          did: `speed ${formatSpeed(factor)}`,
          undo: `speed back to ${formatSpeed(before)}`,
          step: (a) => a.setSpeed(before),
          coalesce: 'speed',
        });
      }
      return result;
    },
    addNode: async (learner) => {
      const result = await api.addNode(learner);
      const id = result.node;
      done.push({
        did: `add ${nodeName(id)} as a ${learner ? 'learner' : 'voter'}`,
        undo: `remove ${nodeName(id)}`,
        step: (a) => a.removeNode(id),
      });
      return result;
    },
  };

  return {
    api: recorded,
    entry: (cluster) => {
      if (done.length === 0) return null;
      // Undone newest first, so a later call's inverse runs before an earlier one's.
      const back = [...done].reverse();
      return {
        cluster,
        did: done.map((d) => d.did).join('; '),
        undo: back.map((d) => d.undo).join('; '),
        steps: back.map((d) => d.step),
        ...(done.length === 1 && done[0]?.coalesce ? { coalesce: done[0].coalesce } : {}),
      };
    },
  };
}

function restoreRule(from: number, to: number, before: LinkRule | undefined) {
  return before
    ? {
        undo: `${link(from, to)} back to ${ruleSummary(before)}`,
        step: (a: Api) => a.setLinkRule(from, to, before),
      }
    : { undo: `clear the rule on ${link(from, to)}`, step: (a: Api) => a.clearLinkRule(from, to) };
}
