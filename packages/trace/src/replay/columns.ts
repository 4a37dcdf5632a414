/**
 * Growable typed columns: one number per event, without the 8-byte slot and the boxing a plain
 * array of doubles may cost. Capacity doubles, so appends are amortised O(1).
 */

abstract class Column<A extends Float64Array | Int32Array | Uint8Array> {
  protected data: A;
  length = 0;

  constructor(capacity: number) {
    this.data = this.allocate(Math.max(16, capacity));
  }

  protected abstract allocate(n: number): A;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.allocate(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** The value at `i`; `i` must be below `length`. */
  at(i: number): number {
    return this.data[i] as number;
  }

  /** The first index whose value is greater than `v` (values must not decrease). */
  upperBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.data[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index whose value is at least `v` (values must not decrease). */
  lowerBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.data[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Bytes held, capacity included. */
  bytes(): number {
    return this.data.byteLength;
  }
}

export class Float64Column extends Column<Float64Array> {
  protected allocate(n: number): Float64Array {
    return new Float64Array(n);
  }
}

export class Int32Column extends Column<Int32Array> {
  protected allocate(n: number): Int32Array {
    return new Int32Array(n);
  }
}

export class Uint8Column extends Column<Uint8Array> {
  protected allocate(n: number): Uint8Array {
    return new Uint8Array(n);
  }
}
