// The part of unzipper (streaming zip entries) that the xlsx reader uses; the package ships no types.
declare module 'unzipper' {
  import type { Duplex } from 'node:stream';
  const unzipper: { Parse(options?: { forceStream?: boolean }): Duplex };
  export default unzipper;
}
