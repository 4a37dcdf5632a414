import { useStore } from '../../store/appStore.ts';
import { ReplayBadge, ReplayMenu } from '../replay/ReplayMenu.tsx';
import { ClusterSizeControl } from './ClusterSizeControl.tsx';
import { GroupSelect } from './GroupSelect.tsx';
import { PlaybackControls } from './PlaybackControls.tsx';
import { UndoControl } from './UndoControl.tsx';

const STATUS_WORDS = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting…' };

/**
 * The top bar: what is shown, whether it is live, playback, and on the right the page's own
 * actions. Those that a class needs less often (traces, large type, help) are compact buttons
 * named for screen readers, with their words and key in a tooltip, so the bar fits one row on a
 * 1280 px projector.
 */
export function Header() {
  const cluster = useStore((s) => s.replay?.info.header.cluster ?? s.clusterName);
  const connection = useStore((s) => s.connection);
  const paused = useStore((s) => s.snapshot?.paused ?? false);
  const mode = useStore((s) => s.snapshot?.mode);
  const largeType = useStore((s) => s.largeType);
  const setLargeType = useStore((s) => s.setLargeType);
  const setHelpOpen = useStore((s) => s.setHelpOpen);
  const replaying = useStore((s) => s.replay !== null);
  const setPickerOpen = useStore((s) => s.setPickerOpen);
  const status = connection === 'open' && paused ? 'paused' : STATUS_WORDS[connection];
  // Connected and running, the LIVE badge beside it already says so: the words are kept for a
  // screen reader, and shown when there is something else to say (paused, reconnecting).
  const quiet = connection === 'open' && !paused;
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Raftlens</h1>
        <span className="cluster-name" title={cluster}>
          {cluster}
          {mode === 'simulated' ? ' · simulated' : ''}
        </span>
        <ClusterSizeControl />
        <GroupSelect />
        <ReplayBadge />
        {!replaying && (
          <span
            className={`status status-${connection}${paused ? ' paused' : ''}${quiet ? ' sr-only' : ''}`}
            role="status"
          >
            {status}
          </span>
        )}
      </div>
      {!replaying && <PlaybackControls />}
      <UndoControl />
      <div className="header-actions">
        <button
          type="button"
          aria-keyshortcuts="C"
          title="Guided scenarios, narrated step by step (C)"
          onClick={() => setPickerOpen(true)}
        >
          Scenarios
        </button>
        <ReplayMenu />
        <div className="tool-group">
          <button
            type="button"
            className="tool"
            aria-pressed={largeType}
            aria-keyshortcuts="L"
            aria-label="Large type"
            data-tip={largeType ? 'Normal type (L)' : 'Large type, for a projector (L)'}
            onClick={() => setLargeType(!largeType)}
          >
            <LargeTypeIcon />
          </button>
          <button
            type="button"
            className="tool"
            aria-keyshortcuts="Shift+?"
            aria-label="Keyboard shortcuts and help"
            data-tip="Keyboard shortcuts and help (?)"
            onClick={() => setHelpOpen(true)}
          >
            <span className="tool-glyph" aria-hidden="true">
              ?
            </span>
          </button>
        </div>
      </div>
    </header>
  );
}

/** A small A and a large one: type size. Letters, not an icon font, so every machine has it. */
function LargeTypeIcon() {
  return (
    <span className="tool-glyph aa-icon" aria-hidden="true">
      <span className="aa-small">A</span>A
    </span>
  );
}
