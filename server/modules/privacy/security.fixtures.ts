import type { Fixture, FixtureEnv, Fixtures } from '../../../test/security/fixtures.ts';
import { ownPlace } from '../registry/security.fixtures.ts';

const resident: Fixture = { create: async (f) => ({ id: (await ownPlace(f)).residentId }) };

/** A resident of the community who moved out: nothing blocks deleting the record. */
async function movedOut(f: FixtureEnv) {
  const { residentId } = await ownPlace(f);
  await f.as('community', { method: 'POST', url: `/api/residents/${residentId}/move`, payload: { householdId: null, outcome: 'moved_out' } });
  return { id: residentId };
}

/** An unmasked-export request of the community administrator, for the street administrator to decide. */
async function pendingApproval(f: FixtureEnv) {
  const a = await f.as('community', { method: 'POST', url: '/api/export-approvals', payload: { filter: { tag: 'elderly_alone' }, reason: '安全测试' } });
  return { id: a.id as string };
}

/** The privacy module's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/residents/:id/personal-data': resident,
  '/api/residents/:id/erasure': { create: movedOut, body: { POST: { reason: '本人申请删除' } } },
  // holds are placed by the street (community administrators may read them, not place them)
  '/api/residents/:id/legal-holds': { owner: 'street', ...resident, body: { POST: { basis: '安全测试协查' } } },
  '/api/legal-holds/:id/release': {
    owner: 'street',
    async create(f) {
      const { residentId } = await ownPlace(f);
      const h = await f.as('street', { method: 'POST', url: `/api/residents/${residentId}/legal-holds`, payload: { basis: '安全测试协查' } });
      return { id: h.id };
    },
  },
  '/api/export-approvals/:id/approve': { owner: 'street', create: pendingApproval },
  '/api/export-approvals/:id/reject': { owner: 'street', create: pendingApproval },
};
