import { useEffect } from 'react';
import { useStore } from '../../store/appStore.ts';

const LIFETIME_MS = { error: 9000, info: 6000, success: 4000 };

/** Short messages from the server or the stream; errors are announced at once. */
export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  useEffect(() => {
    const timers = notices.map((n) => setTimeout(() => dismiss(n.id), LIFETIME_MS[n.tone]));
    return () => timers.forEach(clearTimeout);
  }, [notices, dismiss]);
  return (
    <div className="notices">
      <div role="alert">
        {notices
          .filter((n) => n.tone === 'error')
          .map((n) => (
            <Notice key={n.id} id={n.id} tone={n.tone} text={n.text} />
          ))}
      </div>
      <div role="status">
        {notices
          .filter((n) => n.tone !== 'error')
          .map((n) => (
            <Notice key={n.id} id={n.id} tone={n.tone} text={n.text} />
          ))}
      </div>
    </div>
  );
}

function Notice(props: { id: number; tone: string; text: string }) {
  const dismiss = useStore((s) => s.dismiss);
  return (
    <p className={`notice ${props.tone}`}>
      <span>{props.text}</span>
      <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(props.id)}>
        ✕
      </button>
    </p>
  );
}
