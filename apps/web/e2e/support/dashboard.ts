/**
 * Reading the dashboard the way a person does: by the nodes' accessible names and the data the
 * ring carries, always waiting for a condition rather than for time.
 */

import type { Page } from 'playwright-core';

export const WAIT_MS = 20_000;

export interface NodeState {
  id: number;
  role: string;
  status: string;
  term: number;
  commit: number;
  last: number;
}

/** Every node as the ring shows it now. */
export function nodes(page: Page): Promise<NodeState[]> {
  return page.locator('.cluster-view .node').evaluateAll((els) =>
    els.map((el) => {
      const d = (el as SVGElement).dataset;
      return {
        id: Number(d.node),
        role: d.role ?? '',
        status: d.status ?? '',
        term: Number(d.term ?? 0),
        commit: Number(d.commit ?? 0),
        last: Number(d.last ?? 0),
      };
    }),
  );
}

/** Waits until `test` holds for the ring's nodes, and returns them at that moment. */
export async function waitForNodes(
  page: Page,
  what: string,
  test: (ns: NodeState[]) => boolean,
  timeoutMs = WAIT_MS,
): Promise<NodeState[]> {
  const deadline = Date.now() + timeoutMs;
  let last: NodeState[] = [];
  while (Date.now() < deadline) {
    last = await nodes(page);
    if (last.length > 0 && test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; nodes were ${JSON.stringify(last)}`);
}

/** The running leader with the highest term, once there is one. */
export async function waitForLeader(page: Page, minTerm = 0): Promise<NodeState> {
  const ns = await waitForNodes(page, `a leader at term > ${minTerm}`, (list) =>
    list.some((n) => n.role === 'StateLeader' && n.status === 'running' && n.term > minTerm),
  );
  const leaders = ns.filter((n) => n.role === 'StateLeader' && n.status === 'running');
  return leaders.reduce((a, b) => (b.term > a.term ? b : a));
}

/** Opens the card of a link through the keyboard, as a keyboard user would. */
export async function openLink(page: Page, a: number, b: number): Promise<void> {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const link = page.getByRole('button', { name: new RegExp(`^link n${lo} – n${hi}`) });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('region', { name: `Link n${lo} – n${hi}` }).waitFor();
}

/** Opens a node's card by clicking it. */
export async function openNode(page: Page, id: number): Promise<void> {
  await page.locator(`.cluster-view .node[data-node="${id}"]`).click();
  await page.getByRole('region', { name: new RegExp(`^n${id} · `) }).waitFor();
}
