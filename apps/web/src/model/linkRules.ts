/** Link rules in words, for badges on the links and for the rule editor. */

import type { LinkRule, LinkRuleView } from '@raftlens/trace';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A short summary such as "hold", "drop 50%", "delay 200±50 ms · MsgApp". */
export function ruleSummary(rule: LinkRule): string {
  const parts: string[] = [];
  if (rule.hold) parts.push('hold');
  if (rule.dropRate) parts.push(rule.dropRate >= 1 ? 'drop all' : `drop ${pct(rule.dropRate)}`);
  if (rule.delayMs || rule.jitterMs) {
    parts.push(`delay ${rule.delayMs ?? 0}${rule.jitterMs ? `±${rule.jitterMs}` : ''} ms`);
  }
  if (rule.duplicateRate) parts.push(`dup ${pct(rule.duplicateRate)}`);
  if (rule.reorderRate) parts.push(`reorder ${pct(rule.reorderRate)}`);
  if (parts.length === 0) parts.push('no effect');
  if (rule.types?.length) parts.push(rule.types.map((t) => t.replace(/^Msg/, '')).join('/'));
  return parts.join(' · ');
}

export function ruleOn(
  links: readonly LinkRuleView[],
  from: number,
  to: number,
): LinkRule | undefined {
  return links.find((l) => l.from === from && l.to === to)?.rule;
}

/** Whether two nodes are in different partition groups (both must be listed). */
export function partitioned(partitions: readonly number[][], a: number, b: number): boolean {
  const ga = partitions.findIndex((g) => g.includes(a));
  const gb = partitions.findIndex((g) => g.includes(b));
  return ga >= 0 && gb >= 0 && ga !== gb;
}
