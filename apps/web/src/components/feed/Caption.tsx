import { useStore } from '../../store/appStore.ts';

/** The last few sentences, large, under the cluster: the narration a class reads along. */
export function Caption() {
  const feed = useStore((s) => s.feed);
  const recent = feed.slice(-2);
  return (
    <div className="caption" aria-hidden="true">
      {recent.length === 0 && (
        <p>Elections, faults and client requests are narrated here as they happen.</p>
      )}
      {recent.map((f, i) => (
        <p key={f.seq} className={i === recent.length - 1 ? 'latest' : ''}>
          {f.text}
          {f.count ? ` ×${f.count}` : ''}
        </p>
      ))}
    </div>
  );
}
