import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { Scheduler, type ScheduledTask } from './scheduler.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock: '2031-03-01T00:00:00Z' });
}, 120_000);
afterAll(async () => s?.close());

describe('scheduler', () => {
  it('runs a new task at once unless it has a first delay; a restart does not push the first run back', async () => {
    const runs: string[] = [];
    const start = (...tasks: Omit<ScheduledTask, 'run'>[]) => {
      const scheduler = new Scheduler(s.platform.db, s.clock, pino({ level: 'silent' }));
      for (const t of tasks) scheduler.add({ ...t, run: async () => runs.push(t.name) });
      return scheduler;
    };
    const delayed = { name: 'test.delayed', everySeconds: 3600, firstRunAfterSeconds: 600 };
    const first = start({ name: 'test.at_once', everySeconds: 3600 }, delayed);
    expect(await first.runDue()).toEqual(['test.at_once']);
    s.clock.advance(300_000);
    // a second process (or a restart) registers the same task: its first run stays 600 s after the first registration
    const second = start(delayed);
    expect(await second.runDue()).toEqual([]);
    s.clock.advance(299_000);
    expect(await second.runDue()).toEqual([]);
    s.clock.advance(1_000);
    expect(await second.runDue()).toEqual(['test.delayed']);
    // then every interval
    s.clock.advance(3_599_000);
    expect(await second.runDue()).toEqual([]);
    s.clock.advance(1_000);
    expect(await second.runDue()).toEqual(['test.delayed']);
    expect(runs).toEqual(['test.at_once', 'test.delayed', 'test.delayed']);
  });
});
