/**
 * Business time comes from a Clock, never from `new Date()` scattered in services, so that tests can
 * move time forward (deadlines, sweeps, lockouts) without waiting.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: starts at a given instant and moves only when told. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = '2026-03-02T09:00:00+08:00') {
    this.t = new Date(start).getTime();
  }
  now() {
    return new Date(this.t);
  }
  set(at: Date | string) {
    this.t = new Date(at).getTime();
  }
  advance(ms: number) {
    this.t += ms;
  }
  advanceMinutes(n: number) {
    this.advance(n * 60_000);
  }
  advanceHours(n: number) {
    this.advance(n * 3_600_000);
  }
}
