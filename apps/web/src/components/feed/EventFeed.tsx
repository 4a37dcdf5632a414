import { useLayoutEffect, useRef, useState } from 'react';
import type { FeedItem, FeedTone } from '../../model/describe.ts';
import { useStore } from '../../store/appStore.ts';

const TONES: Array<[FeedTone, string]> = [
  ['role', 'elections'],
  ['client', 'client'],
  ['commit', 'commits'],
  ['net', 'network'],
  ['control', 'actions'],
  ['finding', 'findings'],
];

/**
 * What happened, in sentences, newest last. The list is a log to read at leisure; the
 * announcements region (always mounted, in the app shell) reads out only what matters.
 */
export function EventFeed() {
  const feed = useStore((s) => s.feed);
  const group = useStore((s) => s.group);
  const [hidden, setHidden] = useState<FeedTone[]>([]);
  const list = useRef<HTMLOListElement>(null);
  const shown = feed.filter((f) => !hidden.includes(f.tone) && inGroup(f, group));

  useLayoutEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  });

  return (
    <section className="feed-panel" aria-labelledby="feed-h">
      <h2 id="feed-h">What happened</h2>
      <fieldset className="chips">
        <legend className="sr-only">Show kinds of events</legend>
        {TONES.map(([tone, label]) => (
          <button
            key={tone}
            type="button"
            className={`chip tone-${tone}`}
            aria-pressed={!hidden.includes(tone)}
            onClick={() =>
              setHidden((h) => (h.includes(tone) ? h.filter((t) => t !== tone) : [...h, tone]))
            }
          >
            {label}
          </button>
        ))}
      </fieldset>
      <ol className="feed" ref={list} role="log" aria-live="off" aria-label="Every event">
        {shown.map((f) => (
          <li key={f.seq} className={`tone-${f.tone}`}>
            <time dateTime={new Date(f.wallMs).toISOString()}>{clock(f.wallMs)}</time>
            {f.text}
            {f.count ? <span className="count"> ×{f.count}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Actions and findings concern the whole cluster; the rest, the group it happened in. */
function inGroup(f: FeedItem, group: number): boolean {
  return f.tone === 'control' || f.tone === 'finding' || f.group === undefined || f.group === group;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleTimeString('en-GB')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
