import type { LinkRule } from '@raftlens/trace';
import { useEffect, useState } from 'react';
import { useApiAction } from '../../hooks/useApiAction.ts';
import { ruleSummary } from '../../model/linkRules.ts';

const RULE_TYPES = ['MsgApp', 'MsgAppResp', 'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgVote'];

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
  const pct = (x: number | undefined) => Math.round((x ?? 0) * 100);

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
          <label>
            <input
              type="checkbox"
              checked={rule.hold ?? false}
              onChange={(e) => set({ hold: e.target.checked })}
            />
            hold every message
          </label>
          <label>
            drop %
            <input
              type="number"
              min={0}
              max={100}
              value={pct(rule.dropRate)}
              onChange={(e) => set({ dropRate: Number(e.target.value) / 100 })}
            />
          </label>
          <label>
            delay ms
            <input
              type="number"
              min={0}
              value={rule.delayMs ?? 0}
              onChange={(e) => set({ delayMs: Number(e.target.value) })}
            />
          </label>
          <label>
            jitter ms
            <input
              type="number"
              min={0}
              value={rule.jitterMs ?? 0}
              onChange={(e) => set({ jitterMs: Number(e.target.value) })}
            />
          </label>
          <label>
            duplicate %
            <input
              type="number"
              min={0}
              max={100}
              value={pct(rule.duplicateRate)}
              onChange={(e) => set({ duplicateRate: Number(e.target.value) / 100 })}
            />
          </label>
          <label>
            reorder %
            <input
              type="number"
              min={0}
              max={100}
              value={pct(rule.reorderRate)}
              onChange={(e) => set({ reorderRate: Number(e.target.value) / 100 })}
            />
          </label>
          <fieldset className="boxed">
            <legend>only these types (none = all)</legend>
            {RULE_TYPES.map((t) => (
              <label key={t}>
                <input
                  type="checkbox"
                  checked={rule.types?.includes(t) ?? false}
                  onChange={(e) => {
                    const types = new Set(rule.types ?? []);
                    if (e.target.checked) types.add(t);
                    else types.delete(t);
                    set({ types: types.size ? [...types] : undefined });
                  }}
                />
                {t}
              </label>
            ))}
          </fieldset>
          <button type="button" className="primary" disabled={busy} onClick={() => apply(rule)}>
            Apply custom rule
          </button>
        </div>
      </details>
    </div>
  );
}
