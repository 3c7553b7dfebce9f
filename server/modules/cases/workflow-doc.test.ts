import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { ACTIONS } from './workflow.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('the workflow is data, and the documentation shows that data', () => {
  it('docs/case-workflow.md lists exactly the rows of workflow_transition', async () => {
    const doc = readFileSync(new URL('../../../docs/case-workflow.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- workflow-table:start -->')[1].split('<!-- workflow-table:end -->')[0];
    const documented = table.trim().split('\n').slice(2).map((line) => {
      const [from, action, variant, actor, to, permission, reason, clocks] = line.split('|').slice(1, -1).map((c) => c.trim());
      return { from, action, variant, actor, to: to === '(same)' ? null : to, permission: permission === '—' ? null : permission, reason: reason === 'required', clocks };
    });
    const rows = await s.platform.db.selectFrom('workflow_transition').selectAll().orderBy('sort_order').execute();
    expect(documented).toEqual(rows.map((r) => ({ from: r.from_state, action: r.action, variant: r.variant, actor: r.actor, to: r.to_state, permission: r.permission, reason: r.requires_reason, clocks: r.deadline_rule })));
  });

  it('every action of the API has a row, and every row an action', async () => {
    const rows = await s.platform.db.selectFrom('workflow_transition').select('action').distinct().execute();
    expect(rows.map((r) => r.action).sort()).toEqual([...ACTIONS].sort());
  });
});
