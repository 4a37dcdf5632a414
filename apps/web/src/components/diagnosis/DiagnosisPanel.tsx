import { type Finding, whyNotCommitted } from '@raftlens/diagnose';
import { useId, useMemo, useState } from 'react';
import { recentEvents } from '../../hooks/useDiagnosis.ts';
import { useStore } from '../../store/appStore.ts';
import { leaderOf, nodeGroups } from '../../store/selectors.ts';
import { FindingCard } from './FindingCard.tsx';

/**
 * What the diagnostics say about the cluster now, and the question an engineer with a stuck
 * service asks: why is this entry not committed?
 */
export function DiagnosisPanel({
  findings,
  failure,
}: {
  findings: Finding[];
  failure: string | null;
}) {
  const snapshot = useStore((s) => s.snapshot);
  const group = useStore((s) => s.group);
  const whyIndex = useStore((s) => s.whyIndex);
  const setWhyIndex = useStore((s) => s.setWhyIndex);
  const [answer, setAnswer] = useState<Finding[] | null>(null);
  const inputId = useId();
  const leader = useMemo(() => leaderOf(nodeGroups(snapshot, group)), [snapshot, group]);
  const suggested = leader?.group ? leader.group.commit + 1 : 1;
  const index = whyIndex ?? suggested;

  const explain = () => {
    const s = useStore.getState();
    if (!s.snapshot) return;
    setAnswer(
      whyNotCommitted({ snapshot: s.snapshot, events: recentEvents(s.ring) }, index, { group }),
    );
  };

  return (
    <div className="diagnosis">
      <section aria-labelledby="why-h" className="panel">
        <h2 id="why-h">Why is this entry not committed?</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            explain();
          }}
        >
          <label htmlFor={inputId}>index</label>
          <input
            id={inputId}
            type="number"
            min={1}
            value={index}
            onChange={(e) => setWhyIndex(Number(e.target.value))}
          />
          <button type="submit" className="primary">
            Explain
          </button>
        </form>
        {answer && (
          <ol className="findings" aria-live="polite">
            {answer.map((f) => (
              <FindingCard key={findingKey(f)} f={f} />
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="findings-h" className="panel">
        <h2 id="findings-h">Findings now</h2>
        {failure && <p className="warning">The diagnostics failed: {failure}</p>}
        {findings.length === 0 && !failure && <p className="muted">Nothing looks wrong.</p>}
        <ol className="findings">
          {findings.map((f) => (
            <FindingCard key={findingKey(f)} f={f} />
          ))}
        </ol>
      </section>
    </div>
  );
}

/** Findings are merged by code, group and nodes, so those identify one. */
function findingKey(f: Finding): string {
  return `${f.code}|${f.group ?? 0}|${f.nodes.join(',')}`;
}
