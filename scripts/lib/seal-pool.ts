import { Worker } from 'node:worker_threads';
import type { SealMany, Sealed } from '../../server/platform/pii/crypto.ts';

/**
 * Encryption and blind indexes of a million ID numbers and phones on worker threads, so that the
 * generator's main thread keeps producing rows and feeding COPY meanwhile. Requests go round-robin.
 */
export class SealPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, (s: Sealed[]) => void>();
  private next = 0;
  private turn = 0;

  constructor(secret: string, previous: string[], size: number) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(new URL('./seal-worker.mjs', import.meta.url), { workerData: { secret, previous } });
      w.on('message', (m: { id: number; sealed: Sealed[] }) => {
        this.waiting.get(m.id)!(m.sealed);
        this.waiting.delete(m.id);
      });
      w.on('error', (e) => {
        throw e;
      });
      return w;
    });
  }

  seal: SealMany = (purpose, values) =>
    new Promise((resolve) => {
      const id = this.next++;
      this.waiting.set(id, resolve);
      this.workers[this.turn++ % this.workers.length].postMessage({ id, purpose, values });
    });

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
