import { toLocal } from '../cases/worktime.ts';

/**
 * What a case event contributes to the metrics: a pure function of the event (its type, time and
 * the attribution facts stored in its data when it happened), so the rollups can be rebuilt from
 * the events for any past period and come out the same. docs/case-workflow.md lists the rules.
 */
export interface EventFacts {
  /** governing bodies of the case's place: community committee, street office, district government */
  regions?: string[];
  /** the main handling unit at the time of the event */
  handler?: string | null;
  /** the dispatching body at the time of the event */
  dispatcher?: string | null;
  onTime?: boolean;
  seconds?: number;
  passed?: boolean;
  resolved?: boolean;
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  /** grid worker who reported the case (grid patrol) */
  gridReporter?: string | null;
  /** the user who verified */
  verifier?: string | null;
  /** whistled departments, or the department checking in / whose deadline passed */
  orgIds?: string[];
  org?: string | null;
  kind?: string;
  first?: boolean;
}

export interface Delta {
  subject: string;
  day: string;
  metric: string;
  n: number;
}

export function deltasFor(type: string, at: Date, f: EventFacts, timeZone: string): Delta[] {
  const day = toLocal(at, timeZone).date;
  const out: Delta[] = [];
  const add = (subjects: (string | null | undefined)[], metric: string, n = 1) => {
    for (const s of new Set(subjects)) if (s) out.push({ subject: s, day, metric, n });
  };
  const regions = f.regions ?? [];
  const both = [...regions, f.handler];
  switch (type) {
    case 'report':
      add(regions, 'intake');
      add([f.gridReporter], 'grid_reports');
      break;
    case 'register':
      add(regions, 'registered');
      if (f.onTime) add(regions, 'registered_on_time');
      break;
    case 'dispatch':
    case 'reassign':
      add([...regions, f.dispatcher], 'dispatched');
      add([f.handler], 'assigned');
      break;
    case 'return':
      add([...regions, f.dispatcher, f.handler], 'returned');
      break;
    case 'accept':
      add(both, 'response_total');
      if (f.onTime) add(both, 'response_on_time');
      break;
    case 'handle':
      add(both, 'handled');
      if (f.onTime) add(both, 'handled_on_time');
      if (f.seconds !== undefined) add(both, 'handle_seconds', f.seconds);
      break;
    case 'verify':
      add([...regions, f.verifier], 'verified');
      if (f.onTime) add([...regions, f.verifier], 'verified_on_time');
      if (!f.passed) add(both, 'reworked');
      break;
    case 'close':
      add(both, 'closed');
      if (f.onTime) add(both, 'closed_on_time');
      break;
    case 'evaluate':
      add(both, 'evaluated');
      if (f.resolved) add(both, 'resolved');
      if (f.satisfaction) add(both, `sat_${f.satisfaction}`);
      break;
    case 'reopen':
      add(both, 'reopened');
      break;
    case 'reject':
      add(regions, 'rejected');
      add([f.gridReporter], 'grid_rejected');
      break;
    case 'overdue':
      add([...regions, f.org], 'overdue');
      break;
    case 'whistle':
      add(f.orgIds ?? [], 'whistle_calls');
      break;
    case 'check_in':
      if (f.first) {
        add([f.org], 'whistle_checkins');
        if (f.onTime) add([f.org], 'whistle_checkins_on_time');
      }
      break;
  }
  return out;
}
