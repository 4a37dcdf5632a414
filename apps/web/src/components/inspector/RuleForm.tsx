import type { LinkRule } from '@raftlens/trace';
import { useEffect, useState } from 'react';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { ruleSummary } from '../../model/linkRules.ts';
import { CustomRuleFields } from './CustomRuleFields.tsx';

interface Props {
  /** The directed links the rule applies to (one, or both directions). */
  targets: Array<[from: number, to: number]>;
  current: LinkRule | undefined;
}

const PRESETS: Array<[label: string, rule: LinkRule]> = [
  ['Hold all', { hold: true }],
  ['Hold MsgApp', { hold: true, types: ['MsgApp'] }],
  ['Drop all', { dropRate: 1 }],
  ['Drop half', { dropRate: 0.5 }],
  ['Delay 500 ms', { delayMs: 500, jitterMs: 100 }],
  ['Duplicate 50%', { duplicateRate: 0.5 }],
];

/** Quick presets and a custom form for the rules on one or both directions of a link. */
export function RuleForm({ targets, current }: Props) {
  const { run, busy } = useApiAction();
  const [rule, setRule] = useState<LinkRule>(current ?? {});
  const targetKey = targets.map((t) => t.join('>')).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the target changes
  useEffect(() => setRule(current ?? {}), [targetKey, current]);

  const apply = (r: LinkRule) =>
    run(async (api) => {
      for (const [from, to] of targets) await api.setLinkRule(from, to, r);
    });
  const clear = () =>
    run(async (api) => {
      for (const [from, to] of targets) await api.clearLinkRule(from, to);
    });
  const set = (patch: Partial<LinkRule>) => setRule((r) => ({ ...r, ...patch }));

  return (
    <div className="rule-form">
      <p className="rule-now">Now: {current ? ruleSummary(current) : 'no rule, messages flow'}</p>
      <fieldset className="presets">
        <legend className="sr-only">Rule presets</legend>
        {PRESETS.map(([label, r]) => (
          <button key={label} type="button" disabled={busy} onClick={() => apply(r)}>
            {label}
          </button>
        ))}
        <button type="button" disabled={busy || !current} onClick={clear}>
          Clear rule
        </button>
      </fieldset>
      <details>
        <summary>Custom rule</summary>
        <div className="rule-fields">
          <CustomRuleFields rule={rule} set={set} />
          <button type="button" className="primary" disabled={busy} onClick={() => apply(rule)}>
            Apply custom rule
          </button>
        </div>
      </details>
    </div>
  );
}
