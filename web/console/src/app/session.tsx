import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, api, configureApi, request } from '../api/client';
import type { LoginResult, Me } from '../api/types';
import { currentLanguage, i18next } from '../i18n';

type State =
  | { status: 'loading' }
  /** expired: a session existed and ended (the sign-in page says so) */
  | { status: 'anonymous'; expired?: boolean }
  | { status: 'signedIn'; me: Me }
  | { status: 'error'; error: ApiError };

interface Session {
  state: State;
  me: Me | null;
  signIn(username: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  reload(): Promise<Me | null>;
}

const SessionCtx = createContext<Session | null>(null);

/** Where to go back to after signing in (only paths inside the console). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/**
 * Who is signed in, from GET /api/auth/me. The session itself is the HttpOnly cookie the server sets
 * at sign-in: the console never sees or stores the token. Any call answering 401 ends the session
 * here and returns to the sign-in page with a "session expired" notice; 403 PASSWORD_CHANGE_REQUIRED
 * leads to the password page.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const navigate = useNavigate();

  const reload = useCallback(async () => {
    try {
      const me = await request<Me>('GET', '/api/auth/me', { expectUnauthorized: true });
      setState({ status: 'signedIn', me });
      return me;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e));
      if (err.status === 401) {
        // a cookie that outlived its session: the sign-in page says so
        setState({ status: 'anonymous', expired: err.code === 'SESSION_EXPIRED' });
        return null;
      }
      setState({ status: 'error', error: err });
      return null;
    }
  }, [navigate]);

  useEffect(() => {
    configureApi({
      language: currentLanguage,
      networkMessage: () => i18next.t('common.networkError'),
      // the guard around the console's pages (router.tsx) then leads to the sign-in page
      onSessionEnded: () => setState({ status: 'anonymous', expired: true }),
      onPasswordChangeRequired: () => navigate('/password', { replace: true }),
    });
    void reload();
  }, [navigate, reload]);

  const value = useMemo<Session>(
    () => ({
      state,
      me: state.status === 'signedIn' ? state.me : null,
      reload,
      async signIn(username, password) {
        await request<LoginResult>('POST', '/api/auth/login', { body: { username, password }, expectUnauthorized: true });
        const me = await reload();
        if (!me) throw new ApiError(0, 'NETWORK', i18next.t('common.networkError'));
        return me;
      },
      async signOut() {
        try {
          await api.post('/api/auth/logout');
        } finally {
          setState({ status: 'anonymous' });
          navigate('/login', { replace: true });
        }
      },
    }),
    [state, reload, navigate],
  );
  return <SessionCtx.Provider value={value}>{children}</SessionCtx.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (screens inside the shell only render once there is one). */
export function useMe(): Me {
  const me = useSession().me;
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

/** A permission, or any one of several. */
export type Permission = string | readonly string[];

export function holds(me: Me | null, need: Permission | undefined): boolean {
  if (!need) return true;
  if (!me) return false;
  const list = typeof need === 'string' ? [need] : need;
  return list.some((p) => me.permissions.includes(p));
}

/** Whether the signed-in user holds the permission (or any of the list). The server checks again. */
export function usePermission(need: Permission | undefined): boolean {
  return holds(useSession().me, need);
}
