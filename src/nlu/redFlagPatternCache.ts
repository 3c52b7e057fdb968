// Red-flag patterns: loading knowledge/red-flags.yaml, and the cache under
// data/red-flag-cache of the parsed file and of the English words the typo index must leave
// alone, keyed by a hash of the file, of the engine's source files and of the word list.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { readCacheFile, writeCacheFile } from '../util/fileCache.js';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RED_FLAG_PATTERNS_PATH, type LoadRedFlagPatternsOptions, type RedFlagPatterns } from './redFlagPatternSchema.js';
import { PatternFileError, compileRaw, parseYamlText } from './redFlagCompiler.js';
import { englishLexiconPath, englishWordsAtRisk, loadEnglishWords } from './redFlagTypos.js';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_CACHE_DIR = join(PACKAGE_ROOT, 'data', 'red-flag-cache');

function resolvePatternsPath(path: string): string {
  if (isAbsolute(path)) return path;
  const fromCwd = resolve(process.cwd(), path);
  if (existsSync(fromCwd)) return fromCwd;
  return join(PACKAGE_ROOT, path);
}

/**
 * Reads, validates and compiles the red-flag patterns. Relative paths are tried against
 * the working directory, then the project root. Throws an Error naming the file and the
 * entry on any problem (unknown or missing id, bad term, bad regex, unknown group).
 */
export function loadRedFlagPatterns(path: string = DEFAULT_RED_FLAG_PATTERNS_PATH, options: LoadRedFlagPatternsOptions = {}): RedFlagPatterns {
  const file = resolvePatternsPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PatternFileError(file, '', `cannot read: ${(error as Error).message}`);
  }
  if (options.cacheDir === false) return parseRedFlagPatterns(text, file);
  // Relative to the project root, like the intent model's cache (NLU_CACHE_DIR).
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : resolve(PACKAGE_ROOT, options.cacheDir);
  const key = cacheKey(text);
  const cacheFile = join(cacheDir, `${CACHE_PREFIX}${key.slice(0, 32)}.json`);
  const cached = readCache(cacheFile, key);
  if (cached) return { ...compileRaw(cached.raw, file), englishWords: cached.english === null ? null : new Set(cached.english) };
  const raw = parseYamlText(text, file);
  const patterns = compileRaw(raw, file);
  const english = loadEnglishWords();
  const atRisk = english ? englishWordsAtRisk(patterns.compiled, english) : null;
  if (english) writeCache(cacheDir, cacheFile, { format: CACHE_FORMAT, key, raw, english: atRisk });
  return { ...patterns, englishWords: atRisk === null ? null : new Set(atRisk) };
}

/** As loadRedFlagPatterns, from YAML text (`file` is only used in messages); never cached. */
export function parseRedFlagPatterns(yamlText: string, file = '<red-flags>'): RedFlagPatterns {
  return compileRaw(parseYamlText(yamlText, file), file);
}

// --------------------------------------------------------------------------- cache

/** Bump when what the cache holds, or what the engine derives from it, changes. */
const CACHE_FORMAT = 1;
const CACHE_PREFIX = 'red-flags-';
/** Cache files kept in the directory (other versions of the file, other checkouts). */
const CACHE_KEEP = 4;

interface PatternCache {
  format: number;
  key: string;
  /** The YAML file as parsed (validated and compiled again on every load). */
  raw: unknown;
  /** englishWordsAtRisk() of the compiled patterns. */
  english: string[] | null;
}

/**
 * The modules of the red-flag engine (add any new one). The cache key covers the code of all of
 * them, as it covered the one file the engine was before it was split.
 */
const ENGINE_MODULES = [
  'redFlagPatternSchema',
  'redFlagCompiler',
  'redFlagTypos',
  'redFlagPatternCache',
  'redFlagLabels',
  'redFlagSentences',
  'redFlagSentenceContext',
  'redFlagDetector',
] as const;

/**
 * sha256 of the file text, the cache format, the engine's own code (an engine change never
 * meets a cache built by another: every module of ENGINE_MODULES, .ts under vitest and .js in
 * dist/) and the English word list it was built with.
 */
function cacheKey(text: string): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0`);
  const self = fileURLToPath(import.meta.url);
  for (const name of ENGINE_MODULES) {
    try {
      hash.update(readFileSync(join(dirname(self), `${name}${extname(self)}`)));
    } catch {
      hash.update(`engine?${name}\0`);
    }
  }
  const lexicon = englishLexiconPath();
  if (lexicon) {
    try {
      const stat = statSync(lexicon);
      hash.update(`${lexicon}\0${stat.size}\0${stat.mtimeMs}\0`);
    } catch {
      hash.update('no-lexicon\0');
    }
  }
  return hash.update(text).digest('hex');
}

function readCache(cacheFile: string, key: string): PatternCache | null {
  const cache = readCacheFile(cacheFile) as Partial<PatternCache> | null;
  if (!cache || cache.format !== CACHE_FORMAT || cache.key !== key || cache.raw === undefined) return null;
  if (cache.english !== null && !(Array.isArray(cache.english) && cache.english.every((w) => typeof w === 'string'))) return null;
  return cache as PatternCache;
}

function writeCache(cacheDir: string, cacheFile: string, cache: PatternCache): void {
  writeCacheFile(cacheDir, basename(cacheFile), cache, { prefix: CACHE_PREFIX, keep: CACHE_KEEP });
}
