// `npm run audit:verify`: seal what is pending, recompute the whole audit hash chain, report the first
// broken link. Exit code 0 when intact, 2 when broken.
import { sealPending, verifyChain } from '../server/platform/audit/index.ts';
import { withPlatform } from './cli.ts';

const report = await withPlatform(async (p) => {
  while ((await sealPending(p.db)) > 0);
  return verifyChain(p.db);
});
if (report.ok) {
  console.log(`audit chain intact: ${report.sealed} records sealed, ${report.pending} pending`);
} else {
  const b = report.firstBroken!;
  console.error(`audit chain BROKEN at position ${b.pos} (audit record ${b.seq ?? 'missing'}): ${b.reason}; ${report.sealed} records verified before it`);
  process.exitCode = 2;
}
