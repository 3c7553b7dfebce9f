import { Suspense, lazy, type ComponentType, type ReactNode } from 'react';
import { Navigate, Outlet, createBrowserRouter, useLocation } from 'react-router';
import { Spin } from 'antd';
import { SCREENS, type Screen } from './screens';
import { SessionProvider, holds, useSession } from './session';
import { Shell } from './Shell';
import type { ApiError } from '../api/client';

const Login = lazy(() => import('../pages/Login'));
// the status pages carry large illustrations: loaded only when shown
const Forbidden = lazy(() => import('../pages/Status').then((m) => ({ default: m.Forbidden })));
const NotFound = lazy(() => import('../pages/Status').then((m) => ({ default: m.NotFound })));
const StartupErrorPage = lazy(() => import('../pages/Status').then((m) => ({ default: m.StartupError })));
const StartupError = ({ error }: { error: ApiError }) => (
  <Suspense fallback={<FullPageSpin />}>
    <StartupErrorPage error={error} />
  </Suspense>
);
const ChangePassword = lazy(() => import('../pages/ChangePassword'));

/** Shown while a screen's code loads (the shell keeps its place around it). */
export function FullPageSpin() {
  return (
    <div className="full-page-center">
      <Spin size="large" />
    </div>
  );
}

function Root() {
  return (
    <SessionProvider>
      <Suspense fallback={<FullPageSpin />}>
        <Outlet />
      </Suspense>
    </SessionProvider>
  );
}

/** Inside the console only with a session, and only after a required password change. */
function SignedIn({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'error') return <StartupError error={state.error} />;
  if (state.status === 'anonymous') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?${state.expired ? 'reason=expired&' : ''}next=${next}`} replace />;
  }
  if (state.me.mustChangePassword && location.pathname !== '/password') return <Navigate to="/password" replace />;
  return <>{children}</>;
}

const pages = new Map<Screen, ComponentType>(SCREENS.map((s) => [s, lazy(s.load)]));

function Guarded({ screen }: { screen: Screen }) {
  const { me } = useSession();
  const Page = holds(me, screen.permission) ? pages.get(screen)! : Forbidden;
  return <Page />;
}

export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/login', element: <Login /> },
      {
        path: '/password',
        element: (
          <SignedIn>
            <ChangePassword />
          </SignedIn>
        ),
      },
      {
        element: (
          <SignedIn>
            <Shell />
          </SignedIn>
        ),
        children: [...SCREENS.map((s) => ({ path: s.path, element: <Guarded screen={s} /> })), { path: '*', element: <NotFound /> }],
      },
    ],
  },
]);
