import { useStore } from '../../store/appStore.ts';

/**
 * The event feed's live region: the newest sentences worth interrupting for (elections,
 * faults, failed requests, findings), read out politely. Routine events stay in the visible
 * feed, where they can be read without flooding a screen reader.
 */
export function Announcer() {
  const feed = useStore((s) => s.feed);
  const recent = feed.filter((f) => f.announce).slice(-3);
  return (
    <div className="sr-only" role="log" aria-live="polite" aria-relevant="additions">
      {recent.map((f) => (
        <p key={f.seq}>{f.text}</p>
      ))}
    </div>
  );
}
