/**
 * The header's replay controls: the LIVE / REPLAY badge, "Open trace…" (a file picker),
 * "Rewind" (the live cluster's recording, opened at the present) and "Copy link".
 */

import { useRef } from 'react';
import { useStore } from '../../store/appStore.ts';
import { momentLink, openClusterRecording, openFile } from './replay.ts';

export function ReplayBadge() {
  const replaying = useStore((s) => s.replay !== null);
  return (
    <span
      className={`mode-badge ${replaying ? 'replay' : 'live'}`}
      data-testid="mode-badge"
      title={replaying ? 'Showing a recording, not the cluster now' : 'Showing the cluster now'}
    >
      {replaying ? 'REPLAY' : 'LIVE'}
    </span>
  );
}

export function ReplayMenu() {
  const input = useRef<HTMLInputElement>(null);
  const replaying = useStore((s) => s.replay !== null);
  const loading = useStore((s) => s.replayLoading !== null);
  const cluster = useStore((s) => s.clusterName);
  const connected = useStore((s) => s.snapshot !== null);
  const notify = useStore((s) => s.notify);
  const canLink = useStore((s) => s.replay === null || momentLinkPossible(s.replay));

  const copy = async () => {
    const link = momentLink();
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      notify('success', 'Link to this moment copied.');
    } catch {
      // Clipboard access can be refused (an insecure origin); show the link to copy by hand.
      window.prompt('Copy this link:', link);
    }
  };

  return (
    <div className="replay-menu">
      <input
        ref={input}
        type="file"
        accept=".ndjson,.json,.jsonl,.log,.txt,application/x-ndjson"
        className="sr-only"
        tabIndex={-1}
        aria-label="Trace file"
        data-testid="trace-file"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void openFile(file);
        }}
      />
      <button
        type="button"
        disabled={loading}
        aria-keyshortcuts="O"
        title="Open a recorded trace (or drop one on the page)"
        onClick={() => input.current?.click()}
      >
        Open trace…
      </button>
      {!replaying && (
        <button
          type="button"
          disabled={!connected || loading}
          title="Open this cluster's recording at the present, to go back in time"
          onClick={() => void openClusterRecording(cluster)}
        >
          <RewindIcon /> Rewind
        </button>
      )}
      <button
        type="button"
        disabled={!canLink}
        title={
          canLink
            ? 'Copy a link to the moment shown'
            : 'A file opened from disk has no address; open it from a URL to share it'
        }
        onClick={() => void copy()}
      >
        Copy link
      </button>
    </div>
  );
}

function momentLinkPossible(r: NonNullable<ReturnType<typeof useStore.getState>['replay']>) {
  if (r.source.kind !== 'file') return true;
  return r.info.header.mode === 'simulated' && r.info.header.seed !== undefined;
}

/**
 * Two left-pointing triangles, drawn rather than written: the "⏪" character is an emoji that
 * many machines' fonts (a classroom's Linux box among them) draw as an empty box.
 */
function RewindIcon() {
  return (
    <svg className="btn-icon" width="1em" height="1em" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 3v10L1 8zM15 3v10L8 8z" fill="currentColor" />
    </svg>
  );
}
