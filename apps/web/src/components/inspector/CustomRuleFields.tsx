import type { LinkRule } from '@raftlens/trace';

const RULE_TYPES = ['MsgApp', 'MsgAppResp', 'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgVote'];

type Rate = 'dropRate' | 'duplicateRate' | 'reorderRate';
type Millis = 'delayMs' | 'jitterMs';

const RATES: Array<[Rate, string]> = [
  ['dropRate', 'drop %'],
  ['duplicateRate', 'duplicate %'],
  ['reorderRate', 'reorder %'],
];
const DELAYS: Array<[Millis, string]> = [
  ['delayMs', 'delay ms'],
  ['jitterMs', 'jitter ms'],
];

/** Every field of a link rule, for what the presets do not cover. */
export function CustomRuleFields(props: { rule: LinkRule; set(patch: Partial<LinkRule>): void }) {
  const { rule, set } = props;
  const toggleType = (t: string, on: boolean) => {
    const types = new Set(rule.types ?? []);
    if (on) types.add(t);
    else types.delete(t);
    set({ types: types.size ? [...types] : undefined });
  };
  return (
    <>
      <label>
        <input
          type="checkbox"
          checked={rule.hold ?? false}
          onChange={(e) => set({ hold: e.target.checked })}
        />
        hold every message
      </label>
      {RATES.map(([key, label]) => (
        <label key={key}>
          {label}
          <input
            type="number"
            min={0}
            max={100}
            value={Math.round((rule[key] ?? 0) * 100)}
            onChange={(e) => set({ [key]: Number(e.target.value) / 100 })}
          />
        </label>
      ))}
      {DELAYS.map(([key, label]) => (
        <label key={key}>
          {label}
          <input
            type="number"
            min={0}
            value={rule[key] ?? 0}
            onChange={(e) => set({ [key]: Number(e.target.value) })}
          />
        </label>
      ))}
      <fieldset className="boxed">
        <legend>only these types (none = all)</legend>
        {RULE_TYPES.map((t) => (
          <label key={t}>
            <input
              type="checkbox"
              checked={rule.types?.includes(t) ?? false}
              onChange={(e) => toggleType(t, e.target.checked)}
            />
            {t}
          </label>
        ))}
      </fieldset>
    </>
  );
}
