/** The speed slider's log scale: slider position 0..100 maps to 0.01x..1x. */
export const SPEED_MIN = 0.01;
export const SPEED_MAX = 1;

export function positionToSpeed(position: number): number {
  const t = Math.min(100, Math.max(0, position)) / 100;
  const factor = SPEED_MIN * (SPEED_MAX / SPEED_MIN) ** t;
  // Round to two significant digits so the server and the label agree.
  return Number(factor.toPrecision(2));
}

export function speedToPosition(factor: number): number {
  const f = Math.min(SPEED_MAX, Math.max(SPEED_MIN, factor));
  return (100 * Math.log(f / SPEED_MIN)) / Math.log(SPEED_MAX / SPEED_MIN);
}
