// Flesch-Kincaid grade level of plain prose. Markdown syntax is stripped first so that
// headings, list markers and links do not count as sentences or words.

const VOWEL_GROUPS = /[aeiouy]+/g;

/** Estimated syllables in one English word (the usual heuristic; good to about one grade). */
export function countSyllables(rawWord: string): number {
  const word = rawWord.toLowerCase().replace(/[^a-z]/g, '');
  if (word.length === 0) return 0;
  if (word.length <= 3) return 1;
  const trimmed = word
    .replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '')
    .replace(/^y/, '');
  const groups = trimmed.match(VOWEL_GROUPS);
  return Math.max(1, groups ? groups.length : 1);
}

/** Markdown to sentences of plain text: each heading and list item ends a sentence. */
export function markdownToProse(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .split('\n')
    .map((line) => line.replace(/^\s*(?:#+|[-*•]|\d+\.)\s*/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => (/[.!?:]$/.test(line) ? line : `${line}.`))
    .join(' ')
    .replace(/[*_`>]/g, '');
}

export interface ReadabilityScore {
  words: number;
  sentences: number;
  syllables: number;
  grade: number;
}

export function fleschKincaidGrade(markdown: string): ReadabilityScore {
  const prose = markdownToProse(markdown);
  const sentences = Math.max(1, prose.split(/[.!?:;]+(?:\s|$)/).filter((s) => /[a-z]/i.test(s)).length);
  const words = prose.split(/\s+/).filter((w) => /[a-z]/i.test(w));
  const syllables = words.reduce((sum, w) => sum + countSyllables(w), 0);
  const wordCount = Math.max(1, words.length);
  const grade = 0.39 * (wordCount / sentences) + 11.8 * (syllables / wordCount) - 15.59;
  return { words: words.length, sentences, syllables, grade: Math.round(grade * 10) / 10 };
}
