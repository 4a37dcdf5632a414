import type { LinkRuleView } from '@raftlens/trace';
import { useMemo, useState } from 'react';
import { ruleOn, ruleSummary } from '../../model/linkRules.ts';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import type { LinkRef } from '../../store/uiSlice.ts';
import { Card } from './Card.tsx';
import { HeldList } from './HeldList.tsx';
import { RuleForm } from './RuleForm.tsx';

type Direction = 'forward' | 'backward' | 'both';

/** The rules on one link, in either direction or both, and the messages held on it. */
export function LinkCard({ link, side }: { link: LinkRef; side: 'left' | 'right' }) {
  const close = useStore((s) => s.selectLink);
  const links = useStore((s) => s.snapshot?.links);
  const allHeld = useStore((s) => s.snapshot?.held);
  const { from: a, to: b } = link;
  const [direction, setDirection] = useState<Direction>(() => initialDirection(links ?? [], a, b));
  const held = useMemo(
    () =>
      (allHeld ?? []).filter((h) => (h.from === a && h.to === b) || (h.from === b && h.to === a)),
    [allHeld, a, b],
  );
  const targets: Array<[number, number]> =
    direction === 'forward'
      ? [[a, b]]
      : direction === 'backward'
        ? [[b, a]]
        : [
            [a, b],
            [b, a],
          ];
  const first = targets[0] as [number, number];
  const current = ruleOn(links ?? [], first[0], first[1]);
  const options: Array<[Direction, string]> = [
    ['forward', `${nodeName(a)} → ${nodeName(b)}`],
    ['backward', `${nodeName(b)} → ${nodeName(a)}`],
    ['both', 'both ways'],
  ];

  return (
    <Card title={`Link ${nodeName(a)} – ${nodeName(b)}`} onClose={() => close(null)} side={side}>
      <fieldset className="segmented">
        <legend>Direction</legend>
        {options.map(([value, label]) => (
          <label key={value} className={direction === value ? 'on' : ''}>
            <input
              type="radio"
              name="direction"
              value={value}
              checked={direction === value}
              onChange={() => setDirection(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <p className="muted">
        {nodeName(a)} → {nodeName(b)}: {summary(links ?? [], a, b)}
        <br />
        {nodeName(b)} → {nodeName(a)}: {summary(links ?? [], b, a)}
      </p>
      <RuleForm targets={targets} current={current} />
      <h3>Held on this link</h3>
      <HeldList held={held} />
    </Card>
  );
}

/** Opens on the direction that has a rule, if one does. */
function initialDirection(links: readonly LinkRuleView[], a: number, b: number): Direction {
  const there = ruleOn(links, a, b);
  const back = ruleOn(links, b, a);
  if (there && back) return 'both';
  return back ? 'backward' : 'forward';
}

function summary(links: readonly LinkRuleView[], from: number, to: number): string {
  const rule = ruleOn(links, from, to);
  return rule ? ruleSummary(rule) : 'no rule';
}
