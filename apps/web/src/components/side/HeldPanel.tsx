import { useStore } from '../../store/appStore.ts';
import { HeldList } from '../inspector/HeldList.tsx';

/** Every held message in the cluster, to release or drop one by one. */
export function HeldPanel() {
  const held = useStore((s) => s.snapshot?.held);
  return (
    <section className="panel" aria-labelledby="held-h">
      <h2 id="held-h">Held messages {held?.length ? `(${held.length})` : ''}</h2>
      <HeldList held={held ?? []} />
      <p className="muted">Click a link to hold, drop, delay or duplicate its messages.</p>
    </section>
  );
}
