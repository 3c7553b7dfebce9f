/** Messages between the main thread and the embedded database worker (pglite-worker.mjs). */
export interface WorkerRequest {
  id: number;
  op: 'query' | 'exec' | 'close' | 'dump';
  sql?: string;
  params?: unknown[];
}

export interface WorkerResponse {
  id: number;
  rows?: Record<string, unknown>[];
  affectedRows?: number;
  error?: { message: string; code?: string; detail?: string; constraint?: string; table?: string; column?: string };
  dump?: Uint8Array;
}

export interface WorkerEvent {
  event: 'ready' | 'notify' | 'fatal';
  channel?: string;
  payload?: string;
  message?: string;
}
