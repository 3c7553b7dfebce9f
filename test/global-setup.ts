import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate, type Template } from './support/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: Template;
  }
}

let template: Template | null = null;
let runDir: string | null = null;

export async function setup(project: TestProject) {
  const started = Date.now();
  // Every temporary directory of the run (data dirs, dumps, servers the tests start, the browser's
  // profile) goes under one directory, removed at the end: workers and child processes inherit
  // TMPDIR, so os.tmpdir() points there. Without it each run left ~300 MB of PGlite data in /tmp.
  runDir = mkdtempSync(path.join(os.tmpdir(), 'linli-run-'));
  // readable by the postgres user: the fault tests give it data directories under here
  chmodSync(runDir, 0o755);
  process.env.TMPDIR = runDir;
  template = await buildTemplate();
  project.provide('template', template);
  console.log(`test database template (${template.engine}) ready in ${Date.now() - started} ms`);
}

export async function teardown() {
  if (template) await dropTemplate(template);
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
