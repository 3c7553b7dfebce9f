import { readFileSync } from 'node:fs';
import type { Example } from './train.ts';

/**
 * The category taxonomy (server/modules/taxonomy/data/taxonomy.json) as the classifier uses it:
 * its keywords become a domain dictionary for the word segmenter, and its names, descriptions and
 * keywords become short training examples. They carry what the taxonomy's authors know about each
 * category ("烧垃圾" is open burning, not sanitation), which a few hundred reports cannot teach.
 */
const TAXONOMY_FILE = new URL('../../taxonomy/data/taxonomy.json', import.meta.url);

export interface TaxonomyNode {
  code: string;
  name: Record<string, string>;
  description?: Record<string, string>;
  keywords?: string[];
  children?: TaxonomyNode[];
}

let cached: TaxonomyNode[] | null = null;

export function taxonomy(): TaxonomyNode[] {
  cached ??= JSON.parse(readFileSync(TAXONOMY_FILE, 'utf8')) as TaxonomyNode[];
  return cached;
}

/** Every keyword of every second-level category. */
export function taxonomyKeywords(): string[] {
  return taxonomy().flatMap((top) => (top.children ?? []).flatMap((c) => c.keywords ?? []));
}

/**
 * Per second-level category: its name with all its keywords, its description (Simplified and
 * Traditional), and each keyword alone, labelled with the category and the second-level code.
 */
export function taxonomyExamples(weight = 1): Example[] {
  const out: Example[] = [];
  for (const top of taxonomy()) {
    for (const c of top.children ?? []) {
      const ex = (text: string | undefined) => {
        if (text && text.trim()) out.push({ text, category: top.code, sub: c.code, weight });
      };
      ex([c.name['zh-CN'], ...(c.keywords ?? [])].join('，'));
      ex(c.description?.['zh-CN']);
      ex(c.description?.['zh-TW']);
      for (const k of c.keywords ?? []) ex(k);
    }
  }
  return out;
}
