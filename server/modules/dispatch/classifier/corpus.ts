import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentKey } from './normalise.ts';
import { unitHash, type Example } from './train.ts';

/**
 * The shipped training corpus: server/modules/dispatch/training-data/<category>.jsonl, one report
 * per line as {"text", "sub"} (sub: a second-level code of that category, or null).
 *
 * The held-out split is decided line by line from a hash of the report's content key (normalised
 * text without placeholders, punctuation and spaces), never by position: adding lines never moves
 * an existing line between the splits, and two lines that differ only in script, punctuation, a
 * phone number or a house number land in the same split, so a near-copy cannot leak a test line
 * into training.
 */
export const CORPUS_DIR = fileURLToPath(new URL('../training-data/', import.meta.url));

/** Share of the corpus held out for evaluation. */
export const TEST_SHARE = 0.2;

export type Split = 'train' | 'test';

export function splitOf(text: string): Split {
  return unitHash('split:' + contentKey(text)) < TEST_SHARE ? 'test' : 'train';
}

export interface CorpusExample extends Example {
  split: Split;
  /** file and line, for error messages and the evaluation report */
  source: string;
}

export interface Corpus {
  examples: CorpusExample[];
  /** digest of the corpus files: a model trained on another corpus is out of date */
  digest: string;
}

const CODE = /^[a-z][a-z0-9_]*$/;

/** The corpus files: <category>.jsonl at the top and in one level of sub-folders (batches of lines). */
function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) out.push(entry.name);
    if (entry.isDirectory()) {
      for (const f of readdirSync(path.join(dir, entry.name))) if (f.endsWith('.jsonl')) out.push(`${entry.name}/${f}`);
    }
  }
  return out.sort();
}

export function loadCorpus(dir: string = CORPUS_DIR): Corpus {
  const hash = createHash('sha256');
  const examples: CorpusExample[] = [];
  for (const file of corpusFiles(dir)) {
    const category = path.basename(file, '.jsonl');
    if (!CODE.test(category)) throw new Error(`training data: ${file} is not named after a category code`);
    const body = readFileSync(path.join(dir, file), 'utf8');
    hash.update(file).update('\0').update(body).update('\0');
    body.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${file}:${i + 1}`;
      let row: { text?: unknown; sub?: unknown };
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(`training data: ${where} is not JSON`);
      }
      if (typeof row.text !== 'string' || !row.text.trim()) throw new Error(`training data: ${where} has no text`);
      if (row.sub !== null && (typeof row.sub !== 'string' || !row.sub.startsWith(category + '.'))) {
        throw new Error(`training data: ${where} has sub ${JSON.stringify(row.sub)}, not a code under ${category}`);
      }
      examples.push({ text: row.text, category, sub: row.sub, weight: 1, split: splitOf(row.text), source: where });
    });
  }
  return { examples, digest: hash.digest('hex') };
}
