import { useEffect } from 'react';
import { ClusterView } from './components/cluster/ClusterView.tsx';
import { StageSummary } from './components/cluster/StageSummary.tsx';
import { HelpOverlay } from './components/common/HelpOverlay.tsx';
import { Legend } from './components/common/Legend.tsx';
import { Notices } from './components/common/Notices.tsx';
import { SafetyAlarm } from './components/common/SafetyAlarm.tsx';
import { Header } from './components/controls/Header.tsx';
import { HighlightBar } from './components/diagnosis/HighlightBar.tsx';
import { Announcer } from './components/feed/Announcer.tsx';
import { Caption } from './components/feed/Caption.tsx';
import { Inspector } from './components/inspector/Inspector.tsx';
import { LogView } from './components/log/LogView.tsx';
import { DropZone } from './components/replay/DropZone.tsx';
import { ReplayBar } from './components/replay/ReplayBar.tsx';
import { openFromAddress } from './components/replay/replay.ts';
import { useReplayBoot, useReplayShortcuts } from './components/replay/useReplayShortcuts.ts';
import { ScenarioPanel } from './components/scenario/ScenarioPanel.tsx';
import { ScenarioPicker } from './components/scenario/ScenarioPicker.tsx';
import { useScenarioShortcuts } from './components/scenario/useScenarioShortcuts.ts';
import { useScenarioSync } from './components/scenario/useScenarioSync.ts';
import { SidePanel } from './components/side/SidePanel.tsx';
import { SpaceTime } from './components/spacetime/SpaceTime.tsx';
import { useShortcuts } from './hooks/useShortcuts.ts';
import { useStore } from './store/appStore.ts';
import { connectStream } from './stream/connect.ts';

export function App() {
  const largeType = useStore((s) => s.largeType);
  useEffect(() => connectStream(useStore), []);
  useShortcuts();
  useReplayShortcuts();
  useReplayBoot(openFromAddress);
  useScenarioShortcuts();
  useScenarioSync();
  useEffect(() => {
    document.documentElement.classList.toggle('large', largeType);
  }, [largeType]);

  return (
    <div className="app">
      <Header />
      <ReplayBar />
      <SafetyAlarm />
      <ScenarioPanel />
      <HighlightBar />
      <Notices />
      <Announcer />
      <main className="layout">
        {/* The side panel is sticky within this row only, never over the diagram below. */}
        <div className="top-row">
          <div className="main-col">
            <section className="stage" aria-label="Cluster">
              <StageSummary />
              <Caption />
              <ClusterView />
              <Inspector />
              <Legend />
            </section>
            <section className="log-section" aria-labelledby="log-h">
              <h2 id="log-h">Logs</h2>
              <LogView />
            </section>
          </div>
          <SidePanel />
        </div>
        <section className="time-section" aria-labelledby="time-h">
          <h2 id="time-h">Messages over time</h2>
          <SpaceTime />
        </section>
      </main>
      <HelpOverlay />
      <DropZone />
      <ScenarioPicker />
      <SvgDefs />
    </div>
  );
}

/** Patterns shared by every SVG on the page. */
function SvgDefs() {
  return (
    <svg width="0" height="0" style={{ position: 'absolute' }} aria-hidden="true">
      <defs>
        <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse">
          <rect width="6" height="6" fill="#e5e7eb" />
          <path d="M0,6 L6,0" stroke="#9ca3af" strokeWidth="1.2" />
        </pattern>
      </defs>
    </svg>
  );
}
