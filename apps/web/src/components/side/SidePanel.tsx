import { useDiagnosis } from '../../hooks/useDiagnosis.ts';
import { useStore } from '../../store/appStore.ts';
import type { SideTab } from '../../store/uiSlice.ts';
import { DiagnosisPanel } from '../diagnosis/DiagnosisPanel.tsx';
import { EventFeed } from '../feed/EventFeed.tsx';
import { ProgressPanel } from '../progress/ProgressPanel.tsx';
import { ClientPanel } from './ClientPanel.tsx';
import { HeldPanel } from './HeldPanel.tsx';
import { JointChangePanel } from './JointChangePanel.tsx';
import { MembershipPanel } from './MembershipPanel.tsx';
import { PartitionPanel } from './PartitionPanel.tsx';

const TABS: Array<[SideTab, string]> = [
  ['controls', 'Controls'],
  ['progress', 'Progress'],
  ['why', 'Diagnosis'],
  ['feed', 'Events'],
];

/** The side of the screen: controls, the leader's progress, and the event feed, as tabs. */
export function SidePanel() {
  const tab = useStore((s) => s.sideTab);
  const setTab = useStore((s) => s.setSideTab);
  const heldCount = useStore((s) => s.snapshot?.held.length ?? 0);
  const { findings, failure } = useDiagnosis();
  const serious = findings.filter((f) => f.severity !== 'info').length;
  return (
    <aside className="side">
      <div className="tabs" role="tablist" aria-label="Side panel">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`tabpanel-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
            {id === 'controls' && heldCount > 0 && (
              <span className="badge" title={`${heldCount} messages held`}>
                {heldCount} held
              </span>
            )}
            {id === 'why' && serious > 0 && (
              <span className="badge warn" title={`${serious} findings`}>
                {serious}
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`tabpanel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        className="tab-body"
      >
        {tab === 'controls' && (
          <>
            <ClientPanel />
            <HeldPanel />
            <PartitionPanel />
            <MembershipPanel />
            <JointChangePanel />
          </>
        )}
        {tab === 'progress' && <ProgressPanel />}
        {tab === 'why' && <DiagnosisPanel findings={findings} failure={failure} />}
        {tab === 'feed' && <EventFeed />}
      </div>
    </aside>
  );
}
