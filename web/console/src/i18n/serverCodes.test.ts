/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import zhTW from './zh-TW';
import en from './en';
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from '../pages/admin/auditCodes';

/*
 * The codes the server writes into the audit log (actions, record types) and the permissions roles
 * can hold are read from the server's source and migrations here, not listed by hand, so a module
 * that adds one without a label in all three catalogs fails this test instead of showing staff a raw code.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER = join(ROOT, 'server');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path, suffix) : e.name.endsWith(suffix) ? [path] : [];
  });
}

/** The server's own code, without tests and test fixtures. */
const sources = filesUnder(SERVER, '.ts')
  .filter((f) => !/\.test\.ts$|security\.fixtures\.ts$/.test(f))
  .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** Index just past the quoted literal or template that starts at `i`. */
function skipQuoted(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q) return j + 1;
  }
  return text.length;
}

/**
 * Splits the text from `start` into its top-level comma-separated parts, stopping at the bracket
 * that closes the one before `start`.
 */
function topLevelParts(text: string, start: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < text.length; ) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(text, i);
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) {
        parts.push(text.slice(from, i));
        return parts.map((p) => p.trim()).filter(Boolean);
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
    i++;
  }
  throw new Error('unbalanced brackets');
}

const literals = (expr: string) => [...expr.matchAll(/'([^'\\]*)'/g)].map((m) => m[1]);

interface Written {
  file: string;
  text: string;
  at: number;
  /** the expression given for the field, or the name of the variable a shorthand property passes */
  expr: string;
}

/** What every `audit(ctx, { … })` call passes as `field`. */
function auditArguments(field: 'action' | 'entityType'): Written[] {
  const out: Written[] = [];
  for (const { path, text } of sources) {
    for (const call of text.matchAll(/(?<![\w.])audit\(/g)) {
      const at = call.index + call[0].length;
      const args = topLevelParts(text, at);
      if (args[0]?.startsWith('ctx: Ctx')) continue; // the definition
      const entry = args[1];
      if (!entry?.startsWith('{')) throw new Error(`${path}: audit() without an object literal; teach serverCodes.test.ts to read it`);
      const prop = topLevelParts(entry, 1).find((p) => p === field || p.startsWith(`${field}:`));
      if (!prop) throw new Error(`${path}: audit() without ${field}`);
      out.push({ file: path, text, at, expr: prop === field ? field : prop.slice(field.length + 1).trim() });
    }
  }
  return out;
}

/**
 * The values an audit call's expression can take:
 * - string literals, also both arms of a condition;
 * - the case workflow's `case.${input.action}`, one per action of the file's `ACTIONS` list;
 * - a parameter of the enclosing helper (cases/admin.ts `change(ctx, 'sla_rule.put', 'sla_rule', …)`):
 *   the literal every call of that helper in the same file passes in that position.
 */
function valuesOf(w: Written): string[] {
  const where = `${w.file}: ${w.expr}`;
  const template = w.expr.match(/^`([a-z_.]+)\$\{[\w.]+\}`$/);
  if (template) {
    const list = w.text.match(/export const ACTIONS = \[([^\]]*)\]/);
    if (!list) throw new Error(`${where}: a computed audit action without an ACTIONS list beside it`);
    return literals(list[1]).map((a) => template[1] + a);
  }
  if (/^[A-Za-z_]\w*$/.test(w.expr)) {
    const fns = [...w.text.slice(0, w.at).matchAll(/function (\w+)(?:<[^>]*>)?\(([^)]*)\)/g)];
    const fn = fns[fns.length - 1];
    const index = fn ? fn[2].split(',').findIndex((p) => p.trim().split(/[:?=\s]/)[0] === w.expr) : -1;
    if (!fn || index < 0) throw new Error(`${where}: not a parameter of the enclosing function`);
    const values: string[] = [];
    for (const call of w.text.matchAll(new RegExp(`(?<![\\w.])${fn[1]}\\(`, 'g'))) {
      if (call.index === fn.index! + 'function '.length) continue;
      const arg = topLevelParts(w.text, call.index + call[0].length)[index];
      const found = literals(arg ?? '');
      if (found.length !== 1 || arg !== `'${found[0]}'`) throw new Error(`${where}: ${fn[1]}() is called with ${arg}, not a literal`);
      values.push(found[0]);
    }
    if (!values.length) throw new Error(`${where}: ${fn[1]}() is never called in its file`);
    return values;
  }
  const found = literals(w.expr);
  if (!found.length || /`/.test(w.expr)) throw new Error(`${where}: teach serverCodes.test.ts to read this expression`);
  return found;
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

const auditActions = sorted(auditArguments('action').flatMap(valuesOf));
const entityTypes = sorted(auditArguments('entityType').flatMap(valuesOf));

/**
 * Permissions: every grant in the migrations (the roles screen offers exactly the granted ones), the
 * permission a workflow transition asks for, every permission the code checks, and the scopes an
 * integration token may carry.
 */
function permissionsInMigrations(): string[] {
  const out: string[] = [];
  for (const path of filesUnder(join(SERVER, 'db', 'migrations'), '.sql')) {
    const sql = readFileSync(path, 'utf8').replace(/--[^\n]*/g, '');
    for (const m of sql.matchAll(/INSERT INTO (\w+)[^;]*?;/g)) {
      const stmt = m[0];
      // the column list: INSERT INTO t (…) VALUES, or a JOIN (VALUES …) AS p (…)
      const cols = (stmt.match(/\)\s*AS\s+\w+\s*\(([^)]*)\)/) ?? stmt.match(/^INSERT INTO \w+\s*\(([^)]*)\)\s*VALUES/))?.[1].split(',').map((c) => c.trim());
      const col = cols?.indexOf('permission') ?? -1;
      if (col < 0) continue;
      const values = stmt.slice(stmt.indexOf('VALUES') + 'VALUES'.length).replace(/\)\s*AS\s+\w+\s*\([^)]*\)[\s\S]*$/, '');
      for (const row of values.matchAll(/\(([^()]*)\)/g)) {
        const cell = row[1].split(',')[col]?.trim();
        const code = cell?.match(/^'([^']+)'$/)?.[1];
        if (code) out.push(code);
      }
    }
  }
  return out;
}

function permissionsInCode(): string[] {
  const out: string[] = [];
  for (const { text } of sources) {
    for (const m of text.matchAll(/permission: '([\w.]+)'|(?:require|has)Permission\(\w+, '([\w.]+)'\)/g)) out.push(m[1] ?? m[2]);
    const scopes = text.match(/export const INTEGRATION_SCOPES = \[([^\]]*)\]/);
    if (scopes) out.push(...literals(scopes[1]));
  }
  return out;
}

const permissions = sorted([...permissionsInMigrations(), ...permissionsInCode()]);

type Tree = { [k: string]: string | Tree };
const CATALOGS = { 'zh-CN': zhCN as Tree, 'zh-TW': zhTW as Tree, en: en as Tree };

/** The text at "a.b.c" of a catalog, or undefined when there is none (or only a group of keys). */
function textAt(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' && node.trim() ? node : undefined;
}

function unlabelled(prefix: string, codes: string[]): string[] {
  return Object.entries(CATALOGS).flatMap(([lang, tree]) => codes.filter((c) => !textAt(tree, `${prefix}.${c}`)).map((c) => `${lang} ${prefix}.${c}`));
}

describe('every code the server writes or checks has a label in zh-CN, zh-TW and en', () => {
  it('finds the codes in the server (the reader still understands the source)', () => {
    // a few of each kind, written in different ways: a literal, a condition, the workflow's template, a helper's argument
    expect(auditActions).toEqual(expect.arrayContaining(['auth.login', 'auth.locked', 'case.close', 'case.create', 'classifier.example.record', 'resident_sms.opt_in', 'sla_rule.put']));
    expect(entityTypes).toEqual(expect.arrayContaining(['case', 'resident_account', 'routing_rule', 'user']));
    expect(permissions).toEqual(expect.arrayContaining(['admin.roles', 'case.handle', 'case.create', 'notice.publish', 'open311', 'resident.import']));
  });

  it('audit actions', () => {
    expect(unlabelled('auditAction', auditActions)).toEqual([]);
  });

  it('audit record types', () => {
    expect(unlabelled('entity', entityTypes)).toEqual([]);
  });

  it('the audit screen offers each action and record type exactly once, and none the server does not write', () => {
    const offered = (lists: Record<string, string[]>) => Object.values(lists).flat().sort();
    expect(offered(AUDIT_ACTIONS)).toEqual(auditActions);
    expect(offered(AUDIT_ENTITIES)).toEqual(entityTypes);
  });

  it('permissions and their areas', () => {
    expect(unlabelled('perm', permissions)).toEqual([]);
    expect(unlabelled('permGroup', sorted(permissions.map((p) => p.split('.')[0])))).toEqual([]);
  });
});
