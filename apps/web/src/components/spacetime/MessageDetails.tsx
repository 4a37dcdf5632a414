import type { NetEvent } from '@raftlens/trace';
import { messageStyle, nodeName } from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';

/** Every field of the selected message, and its life on the network. */
export function MessageDetails() {
  const msgId = useStore((s) => s.selectedMsgId);
  // The message's life grows with the trace; with none selected there is nothing to follow.
  useStore((s) => (s.selectedMsgId ? s.traceVersion : 0));
  const ring = useStore((s) => s.ring);
  const life = msgId ? ring.messageEvents(msgId) : [];
  const first = life[0];
  if (!msgId || !first) {
    return (
      <aside className="msg-details empty" aria-label="Message details">
        <p className="muted">Click an arrow (or focus the diagram and use ↑ ↓) to see a message.</p>
      </aside>
    );
  }
  const m = first.msg;
  const fields: Array<[string, string]> = [
    ['from → to', `${nodeName(m.from)} → ${nodeName(m.to)}`],
    ['term', String(m.term)],
    ['logTerm', String(m.logTerm)],
    ['index', String(m.index)],
    ['commit', String(m.commit)],
    ['vote', m.vote ? nodeName(m.vote) : '0'],
    ['reject', m.reject ? `yes (hint ${m.rejectHint})` : 'no'],
    ['entries', String(m.entryCount ?? m.entries.length)],
    ['snapshot', m.snapshot ? `index ${m.snapshot.index}, term ${m.snapshot.term}` : '–'],
    ['bytes', String(m.bytes)],
    ['group', String(first.group)],
    ['id', msgId],
  ];
  return (
    <aside className="msg-details" aria-label="Message details" aria-live="polite">
      <h3 style={{ color: messageStyle(m.type).colour }}>{m.type}</h3>
      <dl className="facts">
        {fields.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {m.entries.length > 0 && (
        <ol className="entries" aria-label="entries">
          {m.entries.slice(0, 12).map(([term, index, type, bytes]) => (
            <li key={index}>
              {index}: term {term} {type} ({bytes} B)
            </li>
          ))}
          {(m.entryCount ?? m.entries.length) > Math.min(12, m.entries.length) && (
            <li>… {(m.entryCount ?? m.entries.length) - Math.min(12, m.entries.length)} more</li>
          )}
        </ol>
      )}
      <h4>Life</h4>
      <ol className="life">
        {life.map((e) => (
          <li key={e.seq}>{lifeLine(e, first.wallMs)}</li>
        ))}
      </ol>
    </aside>
  );
}

function lifeLine(e: NetEvent, t0: number): string {
  const dt = e.wallMs - t0;
  const when = dt === 0 ? new Date(e.wallMs).toLocaleTimeString() : `+${dt} ms`;
  const extra = e.reason ? ` (${e.reason})` : e.delayMs ? ` ${e.delayMs} ms` : '';
  return `${e.name}${extra} · ${when}`;
}
