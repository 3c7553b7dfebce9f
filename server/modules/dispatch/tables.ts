import type { ColumnType } from 'kysely';
import type { CreatedAt, Json, Timestamp } from '../../db/schema.ts';

/** Trained classifier models; the newest is in use, a few older ones are kept for comparison and rollback. */
export interface ClassifierModelTable {
  version: number;
  trained_at: Timestamp;
  trigger: string;
  trained_by: string | null;
  featuriser: string;
  corpus_digest: string;
  /** digest of everything the model was trained from (corpus, featuriser, learned examples) */
  data_digest: string;
  corpus_examples: number;
  taxonomy_examples: number;
  learned_examples: number;
  test_examples: number;
  metrics: Json<Record<string, unknown>>;
  model: Json<Record<string, unknown>>;
  size_bytes: number;
  training_ms: number;
}

/** A category a dispatcher set or corrected on a real case: what the next retraining learns from. */
export interface ClassifierExampleTable {
  id: string;
  /** the report text with phone numbers, ID numbers, names and addresses replaced by placeholders */
  text: string;
  category: string;
  sub_category: string | null;
  source: string;
  suggested_category: string | null;
  case_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One row: a lease so that only one process trains at a time. */
export interface ClassifierTrainingTable {
  id: number;
  running_until: Timestamp | null;
  holder: string | null;
}

export interface DispatchTables {
  classifier_model: ClassifierModelTable;
  classifier_example: ClassifierExampleTable;
  classifier_training: ClassifierTrainingTable;
}
