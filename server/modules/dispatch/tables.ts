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

/** What was suggested for a case at intake, and what the dispatcher decided (registration, dispatch). */
export interface DispatchSuggestionTable {
  case_id: string;
  district_id: string;
  city_id: string;
  street_id: string;
  community_id: string;
  grid_id: string | null;
  suggested_at: Timestamp;
  model_version: number;
  category: string;
  sub_category: string | null;
  confidence: number;
  handler_org_id: string | null;
  handler_matched: boolean;
  category_final: string | null;
  category_outcome: 'accepted' | 'corrected' | null;
  category_decided_at: Timestamp | null;
  category_decided_by: string | null;
  handler_final: string | null;
  handler_outcome: 'accepted' | 'corrected' | null;
  handler_decided_at: Timestamp | null;
  handler_decided_by: string | null;
}

/** Repeated reports of one category at one building or in one grid within a window. */
export interface HotSpotTable {
  id: string;
  district_id: string;
  city_id: string;
  street_id: string;
  community_id: string;
  grid_id: string | null;
  place_kind: 'building' | 'grid';
  place_id: string;
  category: string;
  status: ColumnType<'open' | 'acknowledged', 'open' | 'acknowledged' | undefined, 'open' | 'acknowledged'>;
  window_days: number;
  threshold: number;
  case_count: number;
  first_reported_at: Timestamp;
  last_reported_at: Timestamp;
  raised_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  acknowledge_note: string | null;
}

export interface HotSpotCaseTable {
  hot_spot_id: string;
  case_id: string;
  district_id: string;
}

export interface DispatchTables {
  classifier_model: ClassifierModelTable;
  classifier_example: ClassifierExampleTable;
  classifier_training: ClassifierTrainingTable;
  dispatch_suggestion: DispatchSuggestionTable;
  hot_spot: HotSpotTable;
  hot_spot_case: HotSpotCaseTable;
}
