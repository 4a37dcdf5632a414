import type { Evidence, Finding } from '@raftlens/diagnose';
import { nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';
import { evidenceHighlight, evidenceKey } from './evidence.ts';
import { uiNodeWords } from './nodeWords.ts';

const SEVERITY_MARK: Record<Finding['severity'], string> = {
  critical: '⛔ critical',
  error: '✖ error',
  warning: '▲ warning',
  info: 'ℹ note',
};

/** One finding: what is wrong in a sentence, then the nodes, entries and evidence behind it. */
export function FindingCard({ f }: { f: Finding }) {
  const selectNode = useStore((s) => s.selectNode);
  const ring = useStore((s) => s.ring);
  const setHighlight = useStore((s) => s.setHighlight);
  const showing = useStore((s) => s.highlight?.label === uiNodeWords(f.summary));
  return (
    <li className={`finding sev-${f.severity}`} data-code={f.code}>
      <p className="finding-head">
        <span className="sev">{SEVERITY_MARK[f.severity]}</span>
        <strong>{uiNodeWords(f.summary)}</strong>
      </p>
      {f.detail && <p className="finding-detail">{uiNodeWords(f.detail)}</p>}
      <div className="finding-refs">
        {f.nodes.map((id) => (
          <button key={id} type="button" className="chip" onClick={() => selectNode(id)}>
            {nodeName(id)}
          </button>
        ))}
        {f.entries && f.entries.length > 0 && (
          <span className="muted">entries {entriesText(f.entries)}</span>
        )}
        <code className="muted">{f.code}</code>
        {(f.evidence.length > 0 || f.nodes.length > 0) && (
          <button
            type="button"
            className="hl-button"
            aria-pressed={showing}
            onClick={() => setHighlight(showing ? null : evidenceHighlight(f, ring))}
          >
            {showing ? 'Clear highlight' : 'Highlight evidence'}
          </button>
        )}
      </div>
      {f.evidence.length > 0 && (
        <details>
          <summary>Evidence ({f.evidence.length})</summary>
          <ul className="evidence">
            {f.evidence.map((e) => (
              <EvidenceItem key={evidenceKey(e)} e={e} />
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

function EvidenceItem({ e }: { e: Evidence }) {
  const ring = useStore((s) => s.ring);
  const selectMessage = useStore((s) => s.selectMessage);
  if (e.kind === 'field') {
    return (
      <li>
        {e.node ? `${nodeName(e.node)} ` : ''}
        <code>{e.path}</code> = <code>{JSON.stringify(e.value)}</code>
      </li>
    );
  }
  const i = ring.indexOfSeq(e.seq);
  const event = i >= 0 ? ring.at(i) : undefined;
  if (event?.kind === 'net') {
    return (
      <li>
        <button type="button" className="link-button" onClick={() => selectMessage(event.msgId)}>
          #{e.seq} {event.name} {event.msg.type} {nodeName(event.msg.from)} →{' '}
          {nodeName(event.msg.to)}
        </button>
      </li>
    );
  }
  return (
    <li>
      #{e.seq}{' '}
      {event ? `${event.kind} ${event.name} at ${nodeName(event.node)}` : '(no longer kept)'}
    </li>
  );
}

function entriesText(entries: readonly number[]): string {
  if (entries.length <= 6) return entries.join(', ');
  return `${entries.slice(0, 3).join(', ')} … ${entries.at(-1)} (${entries.length})`;
}
