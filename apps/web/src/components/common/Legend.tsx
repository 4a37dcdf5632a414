import {
  COMMON_MESSAGE_TYPES,
  CRASHED_STYLE,
  messageStyle,
  ROLE_STYLES,
} from '../../model/palette.ts';
import { useStore } from '../../store/appStore.ts';

const LEGEND_TYPES = COMMON_MESSAGE_TYPES.filter(
  (t) => !['MsgProp', 'MsgTransferLeader'].includes(t),
);

/** What each colour and shape means, in the order one meets them. */
export function Legend() {
  const roles = [...Object.values(ROLE_STYLES), CRASHED_STYLE];
  const shortCaptions = useStore((s) => s.shortCaptions);
  return (
    <div className="legend">
      <h3 className="sr-only">Legend</h3>
      <ul className="legend-roles">
        {roles.map((r) => (
          <li key={r.label}>
            <span className="disc" style={{ background: r.fill }} />
            {r.label}
          </li>
        ))}
        <li>
          <span className="arc-sample" /> election timer
        </li>
        {shortCaptions && (
          <li>
            <b>t</b>&nbsp;term · <b>c</b>&nbsp;commit/applied
          </li>
        )}
      </ul>
      <ul className="legend-messages">
        {LEGEND_TYPES.map((t) => {
          const s = messageStyle(t);
          return (
            <li key={t}>
              <span
                className="dot"
                style={{ borderColor: s.colour, background: s.hollow ? '#fff' : s.colour }}
              />
              {t.replace(/^Msg/, '')}
            </li>
          );
        })}
        <li>
          <span className="x-sample">✕</span> dropped
        </li>
        <li>
          <span className="held-sample">❚❚</span> held
        </li>
        <li>
          <span className="queued-sample">1</span> waiting for a step (paused)
        </li>
      </ul>
    </div>
  );
}
