import { COMMON_MESSAGE_TYPES, messageStyle, nodeName } from '../../model/palette.ts';
import type { Spacing } from '../../model/spacetime.ts';
import { useStore } from '../../store/appStore.ts';

/** Spacing, live following, zoom, and the type and node filters (shared with the ring). */
export function SpaceTimeToolbar(props: { spacing: Spacing; setSpacing(s: Spacing): void }) {
  const follow = useStore((s) => s.follow);
  const setFollow = useStore((s) => s.setFollow);
  const zoom = useStore((s) => s.zoom);
  const hiddenTypes = useStore((s) => s.hiddenTypes);
  const toggleType = useStore((s) => s.toggleType);
  const hiddenNodes = useStore((s) => s.hiddenNodes);
  const toggleNode = useStore((s) => s.toggleNode);
  const nodes = useStore((s) => s.snapshot?.nodes);
  return (
    <div className="st-toolbar">
      <fieldset className="segmented">
        <legend className="sr-only">Vertical spacing</legend>
        {(['order', 'time'] as const).map((sp) => (
          <button
            key={sp}
            type="button"
            aria-pressed={props.spacing === sp}
            onClick={() => props.setSpacing(sp)}
          >
            by {sp}
          </button>
        ))}
      </fieldset>
      {props.spacing === 'time' && (
        <fieldset className="segmented">
          <legend className="sr-only">Zoom</legend>
          <button type="button" aria-label="Zoom in" onClick={() => zoom(0.5)}>
            +
          </button>
          <button type="button" aria-label="Zoom out" onClick={() => zoom(2)}>
            −
          </button>
        </fieldset>
      )}
      <button type="button" aria-pressed={follow} onClick={() => setFollow(!follow)}>
        {follow ? 'Following live' : 'Jump to now'}
      </button>
      <fieldset className="chips">
        <legend className="sr-only">Show message types</legend>
        {COMMON_MESSAGE_TYPES.map((t) => {
          const style = messageStyle(t);
          const shown = !hiddenTypes.includes(t);
          return (
            <button
              key={t}
              type="button"
              className="chip"
              aria-pressed={shown}
              onClick={() => toggleType(t)}
            >
              <span
                className={`swatch${style.hollow ? ' hollow' : ''}`}
                style={{
                  borderColor: style.colour,
                  background: style.hollow ? '#fff' : style.colour,
                }}
              />
              {t.replace(/^Msg/, '')}
            </button>
          );
        })}
      </fieldset>
      <fieldset className="chips">
        <legend className="sr-only">Show nodes</legend>
        {(nodes ?? []).map((n) => (
          <button
            key={n.id}
            type="button"
            className="chip"
            aria-pressed={!hiddenNodes.includes(n.id)}
            onClick={() => toggleNode(n.id)}
          >
            {nodeName(n.id)}
          </button>
        ))}
      </fieldset>
    </div>
  );
}
