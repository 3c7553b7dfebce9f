import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate, type Template } from './support/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: Template;
  }
}

let template: Template | null = null;

export async function setup(project: TestProject) {
  const started = Date.now();
  template = await buildTemplate();
  project.provide('template', template);
  console.log(`test database template (${template.engine}) ready in ${Date.now() - started} ms`);
}

export async function teardown() {
  if (template) await dropTemplate(template);
}
