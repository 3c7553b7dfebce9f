import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/harness.ts';
import { idCheckChar } from '../../../platform/pii/index.ts';

// The ID number is a resident's natural key across the city. Since the district keys (0990), the
// unique index on its blind index holds within a district only; registration locks the number's row in
// resident_id_claim (0993), so two registrations in two districts at once cannot both succeed.
let s: TestServer;
let admin: string;

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-07-01T10:00:00+08:00' });
  admin = await s.login('admin');
});
afterAll(() => s.close());

describe('an ID number across districts', () => {
  it('registered in two districts at the same moment: one is 201, the other 409, one person stored', async () => {
    const communities = await s.platform.db
      .selectFrom('region as c').innerJoin('region as st', 'st.id', 'c.parent_id')
      .select(['c.id', 'st.parent_id as district']).where('c.level', '=', 'community').execute();
    const first = communities[0];
    const other = communities.find((c) => c.district !== first.district);
    expect(other, 'the demo city has two districts').toBeDefined();
    const first17 = '37010219660606006';
    const idNumber = first17 + idCheckChar(first17);
    const register = (communityId: string, name: string) =>
      s.request({ method: 'POST', url: '/api/residents', token: admin, payload: { name, idNumber, communityId } });
    const answers = await Promise.all([register(first.id, '双区甲'), register(other!.id, '双区乙')]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const stored = await s.platform.db.selectFrom('resident').select('district_id').where('name', 'in', ['双区甲', '双区乙']).execute();
    expect(stored).toHaveLength(1);
  });
});
