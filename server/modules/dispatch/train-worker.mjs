// Runs one classifier training in a worker thread, so the server's event loop stays free while the
// CPU works for seconds. The TypeScript pipeline is loaded through tsx, as the server itself is.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const { runTraining } = await import('./classifier/pipeline.ts');
  parentPort.postMessage({ ok: true, result: runTraining(workerData) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: String(e?.stack ?? e) });
}
