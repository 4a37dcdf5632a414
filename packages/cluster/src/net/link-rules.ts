/**
 * Link rules and partitions: validation and lookup. A rule governs one directed link (from, to);
 * a partition splits the nodes into groups that cannot reach each other.
 */

import { MESSAGE_TYPES } from '@raftlens/raft';
import type { LinkRule } from '@raftlens/trace';
import { ClusterError } from '../api.ts';

const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

function checkRate(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v < 0 || v > 1) {
    throw new ClusterError('InvalidLinkRule', `${name} must be within [0, 1], got ${v}`, {
      field: name,
    });
  }
}

function checkMs(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v < 0 || v > 3_600_000) {
    throw new ClusterError('InvalidLinkRule', `${name} must be within [0, 3600000] ms, got ${v}`, {
      field: name,
    });
  }
}

/** Throws `InvalidLinkRule` unless every field is in range; returns a normalised copy. */
export function validateLinkRule(rule: LinkRule): LinkRule {
  if (typeof rule !== 'object' || rule === null) {
    throw new ClusterError('InvalidLinkRule', 'a link rule must be an object');
  }
  checkRate('dropRate', rule.dropRate);
  checkRate('duplicateRate', rule.duplicateRate);
  checkRate('reorderRate', rule.reorderRate);
  checkMs('delayMs', rule.delayMs);
  checkMs('jitterMs', rule.jitterMs);
  if (rule.hold !== undefined && typeof rule.hold !== 'boolean') {
    throw new ClusterError('InvalidLinkRule', 'hold must be a boolean', { field: 'hold' });
  }
  if (rule.types !== undefined) {
    if (!Array.isArray(rule.types) || rule.types.length === 0) {
      throw new ClusterError('InvalidLinkRule', 'types must be a non-empty list of message types', {
        field: 'types',
      });
    }
    for (const t of rule.types) {
      if (!KNOWN_TYPES.has(t)) {
        throw new ClusterError('InvalidLinkRule', `unknown message type ${t}`, { field: 'types' });
      }
    }
  }
  const copy: LinkRule = {};
  if (rule.hold) copy.hold = true;
  if (rule.dropRate) copy.dropRate = rule.dropRate;
  if (rule.delayMs) copy.delayMs = rule.delayMs;
  if (rule.jitterMs) copy.jitterMs = rule.jitterMs;
  if (rule.duplicateRate) copy.duplicateRate = rule.duplicateRate;
  if (rule.reorderRate) copy.reorderRate = rule.reorderRate;
  if (rule.types) copy.types = [...rule.types];
  return copy;
}

/** True when the rule applies to a message of this type. */
export function ruleMatches(rule: LinkRule, type: string): boolean {
  return rule.types === undefined || rule.types.includes(type);
}

/**
 * Validates partition groups against the known nodes: every id known, none twice. Nodes left
 * out form one more group together, so `[[1]]` cuts node 1 off from everyone else.
 */
export function normalizePartition(groups: number[][], known: readonly number[]): number[][] {
  if (!Array.isArray(groups) || groups.some((g) => !Array.isArray(g))) {
    throw new ClusterError('InvalidPartition', 'a partition is a list of lists of node ids');
  }
  const knownSet = new Set(known);
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const g of groups) {
    const group: number[] = [];
    for (const id of g) {
      if (!knownSet.has(id)) {
        throw new ClusterError('InvalidPartition', `node ${id} is not in the cluster`, {
          node: id,
        });
      }
      if (seen.has(id)) {
        throw new ClusterError('InvalidPartition', `node ${id} is in two groups`, { node: id });
      }
      seen.add(id);
      group.push(id);
    }
    if (group.length > 0) out.push(group.sort((a, b) => a - b));
  }
  const rest = known.filter((id) => !seen.has(id)).sort((a, b) => a - b);
  if (rest.length > 0) out.push(rest);
  return out;
}
