import { useStore } from '../../store/appStore.ts';
import { ReplayBadge, ReplayMenu } from '../replay/ReplayMenu.tsx';
import { ClusterSizeControl } from './ClusterSizeControl.tsx';
import { GroupSelect } from './GroupSelect.tsx';
import { PlaybackControls } from './PlaybackControls.tsx';
import { UndoControl } from './UndoControl.tsx';

const STATUS_WORDS = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting…' };

/** The top bar: what is shown, whether it is live, playback, and display toggles. */
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
        <span className="cluster-name">
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
      <ReplayMenu />
      <UndoControl />
      <div className="toggles">
        <button type="button" aria-keyshortcuts="C" onClick={() => setPickerOpen(true)}>
          Scenarios
        </button>
        <button
          type="button"
          aria-pressed={largeType}
          aria-keyshortcuts="L"
          onClick={() => setLargeType(!largeType)}
        >
          Large type
        </button>
        <button
          type="button"
          aria-keyshortcuts="Shift+?"
          aria-label="Keyboard shortcuts and help"
          onClick={() => setHelpOpen(true)}
        >
          ?
        </button>
      </div>
    </header>
  );
}
