import { useMemo, useState } from 'react';
import { ruleOn } from '../../model/linkRules.ts';
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
  const [direction, setDirection] = useState<Direction>('forward');
  const { from: a, to: b } = link;
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
      <RuleForm targets={targets} current={current} />
      <h3>Held on this link</h3>
      <HeldList held={held} />
    </Card>
  );
}
