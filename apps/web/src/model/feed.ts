/**
 * The event feed's list. A sentence that repeats within the last few (every heartbeat dropped
 * by a partition, say) is folded into one line with a count, so the feed stays readable and
 * the important lines are not pushed away.
 */

import type { FeedItem } from './describe.ts';

const LOOKBACK = 8;

export function appendFeed(
  feed: readonly FeedItem[],
  items: readonly FeedItem[],
  capacity: number,
): FeedItem[] {
  const out = [...feed];
  for (const item of items) {
    const from = Math.max(0, out.length - LOOKBACK);
    const i = out.findIndex((f, k) => k >= from && f.text === item.text);
    if (i >= 0) {
      const previous = out[i] as FeedItem;
      out.splice(i, 1);
      out.push({ ...item, count: (previous.count ?? 1) + 1 });
    } else {
      out.push(item);
    }
  }
  return out.length > capacity ? out.slice(-capacity) : out;
}
