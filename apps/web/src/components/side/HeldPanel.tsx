import { useStore } from '../../store/appStore.ts';
import { HeldList } from '../inspector/HeldList.tsx';
import { PendingList } from './PendingList.tsx';

/** Every held message in the cluster, to release or drop one by one; and, while paused, the queue. */
export function HeldPanel() {
  const held = useStore((s) => s.snapshot?.held);
  const paused = useStore((s) => s.snapshot?.paused ?? false);
  return (
    <>
      {paused && <PendingList />}
      <section className="panel" aria-labelledby="held-h">
        <h2 id="held-h">Held messages {held?.length ? `(${held.length})` : ''}</h2>
        <HeldList held={held ?? []} />
        <p className="muted">Click a link to hold, drop, delay or duplicate its messages.</p>
      </section>
    </>
  );
}
