/**
 * The diagnostics and the scenarios write "node 3" and "nodes 1, 2 and 4"; everything else on
 * the dashboard writes "n3". Sentences are rewritten at display time, so that a finding, the
 * ring and the narration name a node the same way.
 */

import { nodeName } from '../../model/palette.ts';

/** "node 3", "Node 3", "nodes 1, 2 and 4", "nodes 1 and 2", "nodes 2–4" (a list of numbers). */
const NODE_LIST = /\b[Nn]odes? (\d+(?:(?:, | and | or |, and |, or )\d+)*)\b/g;

export function uiNodeWords(text: string): string {
  return text.replace(NODE_LIST, (_whole, list: string) =>
    list.replace(/\d+/g, (id) => nodeName(Number(id))),
  );
}
