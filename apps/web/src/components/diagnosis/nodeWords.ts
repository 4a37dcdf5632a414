/**
 * The diagnostics and the scenarios write "node 3" and "nodes 1, 2 and 4"; everything else on
 * the dashboard writes "n3". Sentences are rewritten at display time, so that a finding, the
 * ring and the narration name a node the same way.
 */

import { nodeName } from '../../model/palette.ts';

/** "node 3", "Node 3", "nodes 1, 2 and 4", "nodes 1 and 2", "nodes 2–4" (a list of numbers). */
const NODE_LIST = /\b[Nn]odes? (\d+(?:(?:, | and | or |, and |, or )\d+)*)\b/g;

/** "voters (1, 5)", "voters 1, 2 and 3": lists of voters are lists of nodes too. */
const VOTER_LIST = /\b(voters:? \(?)(\d+(?:(?:, | and |, and )\d+)*)(?=\)|\b)/g;

const names = (list: string) => list.replace(/\d+/g, (id) => nodeName(Number(id)));

/** "messages from 1 to 3", "the transport from 1 to 3", "follows leader 2". */
const LINK = /\b(messages? from |transport from )(\d+)( to )(\d+)\b/g;
const FOLLOWS = /\b(follows leader )(\d+)\b/g;

export function uiNodeWords(text: string): string {
  return text
    .replace(NODE_LIST, (_whole, list: string) => names(list))
    .replace(VOTER_LIST, (_whole, lead: string, list: string) => `${lead}${names(list)}`)
    .replace(
      LINK,
      (_w, a: string, from: string, b: string, to: string) => `${a}${names(from)}${b}${names(to)}`,
    )
    .replace(FOLLOWS, (_w, a: string, id: string) => `${a}${names(id)}`);
}
