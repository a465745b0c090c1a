// A growable column of numbers in a Float64Array: breakpoints over a million members sort plain doubles, not objects.

export class NumberColumn {
  private values: Float64Array;
  private size = 0;

  constructor(initialCapacity = 1_024) {
    this.values = new Float64Array(Math.max(1, initialCapacity));
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const larger = new Float64Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.size] = value;
    this.size += 1;
  }

  /** The values so far, ascending, in place: the column is done once sorted. */
  sorted(): Float64Array {
    return this.values.subarray(0, this.size).sort();
  }
}
