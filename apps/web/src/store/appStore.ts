/**
 * The dashboard's one store. The cluster comes from the page's URL (`?cluster=name`), 'default'
 * otherwise. Components use it as a hook with a selector; the stream writes through `setState`.
 */

import { createAppStore } from './index.ts';

export function clusterFromLocation(search: string = window.location.search): string {
  const name = new URLSearchParams(search).get('cluster');
  return name?.trim() ? name.trim() : 'default';
}

export const useStore = createAppStore(clusterFromLocation());
