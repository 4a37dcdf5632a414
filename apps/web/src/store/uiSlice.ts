import type { SliceCreator } from './types.ts';
import { createUndoSlice, type UndoSlice } from './undoSlice.ts';

export interface Notice {
  id: number;
  tone: 'error' | 'info' | 'success';
  text: string;
}

export interface LinkRef {
  from: number;
  to: number;
}

export type PanelName = 'log' | 'progress' | 'spacetime' | 'feed';
export type SideTab = 'controls' | 'progress' | 'why' | 'feed';

/**
 * What the person is looking at and has chosen: selection, filters, display modes, and the
 * stack of their own actions that can be undone.
 */
export interface UiSlice extends UndoSlice {
  /** The Raft group every view shows. */
  group: number;
  selectedNode: number | null;
  selectedLink: LinkRef | null;
  selectedMsgId: string | null;
  /** Message types and nodes hidden from the diagrams. */
  hiddenTypes: string[];
  hiddenNodes: number[];
  largeType: boolean;
  /** The ring's captions are in their short form ("t3 · c42/42"): the legend says how to read it. */
  shortCaptions: boolean;
  helpOpen: boolean;
  sideTab: SideTab;
  panels: Record<PanelName, boolean>;
  notices: Notice[];
  /** The page is in a background tab: drawing stops, the stream keeps its place. */
  pageHidden: boolean;
  /** Partition being composed: node id to group number (0 = not yet placed). */
  partitionDraft: Record<number, number>;
  /** The log index the "why not committed?" question is about; null for the suggestion. */
  whyIndex: number | null;

  setGroup(group: number): void;
  selectNode(id: number | null): void;
  selectLink(link: LinkRef | null): void;
  selectMessage(msgId: string | null): void;
  toggleType(type: string): void;
  toggleNode(id: number): void;
  setLargeType(on: boolean): void;
  setShortCaptions(on: boolean): void;
  setHelpOpen(open: boolean): void;
  setSideTab(tab: SideTab): void;
  togglePanel(panel: PanelName): void;
  notify(tone: Notice['tone'], text: string): void;
  dismiss(id: number): void;
  setPageHidden(hidden: boolean): void;
  setPartitionDraft(draft: Record<number, number>): void;
  /** Asks "why is this entry not committed?" and shows the answer's tab. */
  askWhy(index: number): void;
  setWhyIndex(index: number | null): void;
}

let noticeSeq = 0;

/** Large type is a property of the room (a projector), so it survives a reload. */
const LARGE_KEY = 'raftlens.largeType';

function storedLargeType(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(LARGE_KEY) === '1';
  } catch {
    return false;
  }
}

function storeLargeType(on: boolean): void {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(LARGE_KEY, on ? '1' : '0');
  } catch {
    // Storage can be refused (private modes); the setting then lasts for this page only.
  }
}
const NOTICES_MAX = 4;

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get, store) => ({
  ...createUndoSlice(set, get, store),
  group: 1,
  selectedNode: null,
  selectedLink: null,
  selectedMsgId: null,
  hiddenTypes: [],
  hiddenNodes: [],
  largeType: storedLargeType(),
  shortCaptions: false,
  helpOpen: false,
  sideTab: 'controls',
  panels: { log: true, progress: true, spacetime: true, feed: true },
  notices: [],
  pageHidden: false,
  partitionDraft: {},
  whyIndex: null,

  setGroup: (group) => set({ group }),
  selectNode: (selectedNode) => set({ selectedNode, selectedLink: null }),
  selectLink: (selectedLink) => set({ selectedLink, selectedNode: null }),
  selectMessage: (selectedMsgId) => set({ selectedMsgId }),
  toggleType: (type) => set((s) => ({ hiddenTypes: toggled(s.hiddenTypes, type) })),
  toggleNode: (id) => set((s) => ({ hiddenNodes: toggled(s.hiddenNodes, id) })),
  setLargeType: (largeType) => {
    storeLargeType(largeType);
    set({ largeType });
  },
  setShortCaptions: (shortCaptions) => set({ shortCaptions }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  setSideTab: (sideTab) => set({ sideTab }),
  togglePanel: (panel) => set((s) => ({ panels: { ...s.panels, [panel]: !s.panels[panel] } })),
  notify: (tone, text) =>
    set((s) => ({ notices: [...s.notices, { id: ++noticeSeq, tone, text }].slice(-NOTICES_MAX) })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  setPageHidden: (pageHidden) => set({ pageHidden }),
  setPartitionDraft: (partitionDraft) => set({ partitionDraft }),
  askWhy: (whyIndex) => set({ whyIndex, sideTab: 'why' }),
  setWhyIndex: (whyIndex) => set({ whyIndex }),
});
