import { toLocal } from '../cases/worktime.ts';
import type { VoteTally } from './tables.ts';

/** Pure rules of property oversight: quarters, grades, scoring arithmetic, the vote thresholds. */

export const QUARTER = /^\d{4}-Q[1-4]$/;

/** The business quarter ('2026-Q2') an instant falls in. */
export function quarterOf(at: Date, tz: string): string {
  const date = toLocal(at, tz).date;
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

export function previousQuarter(q: string): string {
  const y = Number(q.slice(0, 4));
  const n = Number(q.slice(6));
  return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`;
}

export const quartersOfYear = (year: number) => [1, 2, 3, 4].map((n) => `${year}-Q${n}`);

export interface GradeStep {
  grade: string;
  min: number;
}

/** The first grade whose minimum the score reaches (steps ordered from the highest). */
export function gradeOf(score: number, steps: GradeStep[]): string {
  const sorted = [...steps].sort((a, b) => b.min - a.min);
  return (sorted.find((s) => score >= s.min) ?? sorted[sorted.length - 1]).grade;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * A part's points from its items' fractions (0…1, null = no data): items without data are left out
 * and the others scaled up to the part's weight, so no data is neither full marks nor zero; a part
 * with no data at all is null and the total is scaled over the parts that have data.
 */
export function partPoints(items: { points: number; fraction: number | null }[]): number | null {
  const known = items.filter((i) => i.fraction !== null);
  const weight = items.reduce((a, i) => a + i.points, 0);
  const knownWeight = known.reduce((a, i) => a + i.points, 0);
  if (!known.length || knownWeight === 0) return null;
  return (known.reduce((a, i) => a + i.points * (i.fraction as number), 0) * weight) / knownWeight;
}

export function totalOf(parts: { weight: number; points: number | null }[]): number | null {
  const known = parts.filter((p) => p.points !== null);
  const knownWeight = known.reduce((a, p) => a + p.weight, 0);
  const weight = parts.reduce((a, p) => a + p.weight, 0);
  if (!knownWeight) return null;
  return (known.reduce((a, p) => a + (p.points as number), 0) * weight) / knownWeight;
}

/** A ratio rule: value / base compared with num / den, at least (strict=false) or more than (strict=true). */
export interface Ratio {
  num: number;
  den: number;
  strict: boolean;
}
export interface VoteRules {
  participation: Ratio;
  approval: Ratio;
}

/** Exact comparison in integers (areas in hundredths of m²): value/base ≥ num/den ⇔ value·den ≥ num·base. */
export function meets(value: number, base: number, r: Ratio): boolean {
  if (base <= 0) return false;
  const lhs = BigInt(value) * BigInt(r.den);
  const rhs = BigInt(r.num) * BigInt(base);
  return r.strict ? lhs > rhs : lhs >= rhs;
}

const hundredths = (m2: number) => Math.round(m2 * 100);

/**
 * Civil Code art. 278 as data: enough owners take part (by number and by area of the electorate),
 * and of those who take part enough agree (by number and by area).
 */
export function decideVote(
  electorate: { households: number; area: number },
  votes: { choice: 'agree' | 'disagree' | 'abstain'; area: number }[],
  rules: VoteRules,
): VoteTally {
  const votedArea = votes.reduce((a, v) => a + hundredths(v.area), 0);
  const agree = votes.filter((v) => v.choice === 'agree');
  const agreeArea = agree.reduce((a, v) => a + hundredths(v.area), 0);
  const eligibleArea = hundredths(electorate.area);
  const participationMet = meets(votes.length, electorate.households, rules.participation) && meets(votedArea, eligibleArea, rules.participation);
  const approvalMet = participationMet && meets(agree.length, votes.length, rules.approval) && meets(agreeArea, votedArea, rules.approval);
  return {
    eligibleHouseholds: electorate.households,
    eligibleArea: eligibleArea / 100,
    votedHouseholds: votes.length,
    votedArea: votedArea / 100,
    agreeHouseholds: agree.length,
    agreeArea: agreeArea / 100,
    participationMet,
    approvalMet,
  };
}

/** The monthly charge: area × rate (fen per m² per month), rounded to the fen. */
export const chargeFen = (areaM2: number, rateFen: number) => Math.round((hundredths(areaM2) * rateFen) / 100);

export function addMonths(at: Date, months: number): Date {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}
