// Worker thread of the generator's sealing pool (scripts/lib/seal-pool.ts): encrypts and blind-indexes
// values with the same keys as the server.
import { parentPort, workerData } from 'node:worker_threads';
import { PiiCrypto } from '../../server/platform/pii/crypto.ts';

const pii = new PiiCrypto(workerData.secret as string, workerData.previous as string[]);
parentPort!.on('message', (m: { id: number; purpose: string; values: string[] }) => {
  parentPort!.postMessage({ id: m.id, sealed: m.values.map((v) => ({ enc: pii.encrypt(v), hash: pii.blindIndex(m.purpose, v) })) });
});
