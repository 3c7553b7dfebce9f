import { useCallback, useEffect, useState } from 'react';

/** Loads once (and again on reload()); error is the failure (an ApiError when the server explained it). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<Error | null>(null);
  const reload = useCallback(() => {
    setError(null);
    load().then(setData, (e: Error) => setError(e));
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(reload, [reload]);
  return { data, error, reload, setData };
}
