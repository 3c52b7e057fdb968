// Where the intent classifier's data and caches live. Relative paths are taken from the package
// root, so the CLI works from any directory.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (…/src/nlu or …/dist/nlu -> two levels up). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Relative paths are taken from the package root, so the CLI works from any directory. */
export function resolveFromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(PACKAGE_ROOT, path);
}

export const DEFAULT_DATA_DIR = 'knowledge/nlu';
export const DEFAULT_CACHE_DIR = 'data/nlu-cache';
export const TRAINING_FILE = 'training.yaml';
export const LEXICON_FILE = 'lexicon.yaml';
export const CALIBRATION_FILE = 'calibration.json';
