import { api, ApiError, call, NetworkError } from './api';

/**
 * Reports made without a network wait here (IndexedDB, so photos survive a closed page) and are sent
 * when the network comes back. Each carries the Idempotency-Key it was given when the resident tapped
 * "submit", so however often sending is tried — a lost answer, two tabs, a reload — the server makes one
 * case. Uploaded photo ids are kept with the entry, so photos are not uploaded again on a retry.
 */
export interface Report {
  description: string;
  category?: string;
  buildingId?: string;
  location?: { lat: number; lng: number; address?: string };
  anonymous?: boolean;
}
export interface OutboxEntry { key: string; createdAt: string; report: Report; photos: Blob[]; photoIds?: string[] }
export interface Created { id: string; caseNo: string }

const DB = 'linli-resident';
function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('outbox', { keyPath: 'key' });
      r.result.createObjectStore('draft');
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function tx<T>(store: 'outbox' | 'draft', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => { db.close(); resolve(req.result); };
    t.onerror = () => { db.close(); reject(t.error); };
  });
}

export const outbox = {
  list: () => tx<OutboxEntry[]>('outbox', 'readonly', (s) => s.getAll() as IDBRequest<OutboxEntry[]>),
  put: (e: OutboxEntry) => tx('outbox', 'readwrite', (s) => s.put(e)),
  remove: (key: string) => tx('outbox', 'readwrite', (s) => s.delete(key)),
};

/** The report being written, kept on every change so a closed page or a dead battery loses nothing. */
export const draft = {
  load: () => tx<{ report: Partial<Report> & { placeLabel?: string }; photos: Blob[] } | undefined>('draft', 'readonly', (s) => s.get('current')),
  save: (d: { report: Partial<Report> & { placeLabel?: string }; photos: Blob[] }) => tx('draft', 'readwrite', (s) => s.put(d, 'current')),
  clear: () => tx('draft', 'readwrite', (s) => s.delete('current')),
};

/** Sends one report: photos first (once), then the case with the entry's Idempotency-Key. */
export async function send(entry: OutboxEntry): Promise<Created> {
  if (entry.photos.length && !entry.photoIds) {
    const form = new FormData();
    entry.photos.forEach((p, i) => form.append('file', p, `photo-${i + 1}.jpg`));
    const saved = await call<{ id: string }[]>('POST', '/api/files', { form });
    entry.photoIds = saved.map((f) => f.id);
    await outbox.put(entry);
  }
  return api.post<Created>('/api/cases', { ...entry.report, channel: 'resident_app', ...(entry.photoIds?.length ? { attachmentIds: entry.photoIds } : {}) }, entry.key);
}

type Listener = (entry: OutboxEntry, result: Created | Error) => void;
const listeners = new Set<Listener>();

/** Hears every report the outbox finished with: created (with its case number), or refused. */
export function onOutboxResult(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The report the report page is sending right now; the app's background notices leave it to that page. */
export const foregroundKey: { current: string | null } = { current: null };

let queue: Promise<void> = Promise.resolve();

/**
 * Tries every waiting report; a network failure leaves it for the next try, a definite answer from the
 * server (created, or refused as invalid) ends its wait. Runs one after another in a page, and one page
 * at a time where the browser has Web Locks; the Idempotency-Key covers everything else.
 */
export function flushOutbox(): Promise<void> {
  const run = async () => {
    for (const entry of await outbox.list()) {
      let result: Created | Error;
      try {
        result = await send(entry);
      } catch (e) {
        // no network, signed out, or the server busy: the report waits (nothing was created)
        if (e instanceof NetworkError || (e instanceof ApiError && [401, 429, 503].includes(e.status))) return;
        result = e as Error;
      }
      await outbox.remove(entry.key);
      for (const l of listeners) l(entry, result);
    }
  };
  queue = queue.then(async () => { await (navigator.locks ? navigator.locks.request('linli-outbox', run) : run()); }).catch(() => undefined);
  return queue;
}
