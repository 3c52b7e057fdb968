// The one template filler (issue #12): the bot's words ({name}), the web pages ({{name}}) and the
// Teams manifest (${{NAME}}) all go through fill(). What happens to a placeholder without a value
// is chosen by the caller and never silent by accident:
//   missing: 'keep'  (default) the placeholder stays as written, so review and `backline check`
//                    (which renders every reason and outcome) see it;
//   missing: 'throw' a MissingPlaceholderError names it (files that must be complete: the manifest).
// Plurals are explicit in the text: {count|one form|other form} picks by the CLDR plural category of
// the number for the template's locale (English: one / other). Languages with more forms name
// them: {count|one:plik|few:pliki|many:plików|other:pliku}; a form not named falls back to `other`.

export type TemplateSyntax = 'braces' | 'double_braces' | 'dollar_double_braces';

export interface FillOptions {
  /** {name} (content, the default), {{name}} (HTML pages), ${{NAME}} (the Teams manifest). */
  syntax?: TemplateSyntax;
  missing?: 'keep' | 'throw';
  /** Applied to every value put in (HTML escaping, JSON escaping). */
  escape?: (value: string) => string;
  /** For plural forms; default English. */
  locale?: string;
}

export class MissingPlaceholderError extends Error {
  constructor(readonly placeholder: string) {
    super(`no value for the placeholder ${placeholder}`);
    this.name = 'MissingPlaceholderError';
  }
}

const PATTERNS: Record<TemplateSyntax, RegExp> = {
  braces: /\{([a-z_][a-z0-9_]*)\}/g,
  double_braces: /\{\{(\w+)\}\}/g,
  dollar_double_braces: /\$\{\{([A-Z_][A-Z0-9_]*)\}\}/g,
};
/** {count|one|other} or {count|one:...|few:...|other:...}. */
const PLURAL = /\{([a-z_][a-z0-9_]*)((?:\|[^|{}]*)+)\}/g;
const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

const pluralRulesByLocale = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let rules = pluralRulesByLocale.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRulesByLocale.set(locale, rules);
  }
  return rules;
}

function pluralForm(forms: string[], count: number, locale: string): string {
  const category = pluralRules(locale).select(count);
  const named = forms.every((form) => PLURAL_CATEGORIES.has(form.split(':', 1)[0]!) && form.includes(':'));
  if (named) {
    const byCategory = new Map(forms.map((form) => [form.slice(0, form.indexOf(':')), form.slice(form.indexOf(':') + 1)]));
    return byCategory.get(category) ?? byCategory.get('other') ?? '';
  }
  // Two positional forms: singular, plural.
  return category === 'one' ? (forms[0] ?? '') : (forms[1] ?? forms[0] ?? '');
}

export function fill(template: string, values: Record<string, string | number | undefined>, options: FillOptions = {}): string {
  const syntax = options.syntax ?? 'braces';
  const missing = options.missing ?? 'keep';
  const escape = options.escape ?? ((value: string) => value);
  const has = (name: string) => Object.hasOwn(values, name) && values[name] !== undefined;
  const onMissing = (whole: string) => {
    if (missing === 'throw') throw new MissingPlaceholderError(whole);
    return whole;
  };
  let text = template;
  if (syntax === 'braces') {
    text = text.replace(PLURAL, (whole, name: string, rest: string) => {
      if (!has(name)) return onMissing(whole);
      const count = Number(values[name]);
      if (!Number.isFinite(count)) return onMissing(whole);
      return pluralForm(rest.slice(1).split('|'), count, options.locale ?? 'en');
    });
  }
  return text.replace(PATTERNS[syntax], (whole, name: string) => (has(name) ? escape(String(values[name])) : onMissing(whole)));
}

/** The placeholder names a template uses (plural forms count by their number's name), sorted, once each. */
export function placeholdersOf(template: string, syntax: TemplateSyntax = 'braces'): string[] {
  const names = new Set<string>();
  const pattern = new RegExp(PATTERNS[syntax].source, 'g');
  if (syntax === 'braces') for (const match of template.matchAll(new RegExp(PLURAL.source, 'g'))) names.add(match[1]!);
  for (const match of template.matchAll(pattern)) names.add(match[1]!);
  return [...names].sort();
}
