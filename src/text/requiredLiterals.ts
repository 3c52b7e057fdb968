// Required literals of a regular expression, worked out from its source: a set of plain strings
// such that every match of the expression contains at least one of them. A detector with many
// patterns can then skip, with a few `includes` calls, every pattern none of whose literals is
// in the text; what it finds does not change (a pattern is skipped only where it cannot match).
//
// Only the plain syntax the knowledge files use is read (literals, escapes, classes, groups,
// lookarounds, alternation, quantifiers). Anything else, a back-reference, the `i`, `u`, `v`
// or `s` flag, or an expression whose matches need no literal at all, gives `undefined`: that
// pattern is never skipped.

/** What the parser knows of a piece of an expression. */
interface Piece {
  /** Every string the piece can match, when that is a small finite set. */
  exact?: Set<string>;
  /** Strings one of which every match of the piece contains (never the empty string). */
  required?: Set<string>;
}

/** Larger exact sets are given up (the cross product of a few alternations grows fast). */
const MAX_SET = 64;

class Unsupported extends Error {}

const EMPTY: Piece = { exact: new Set(['']) };
const UNKNOWN: Piece = {};

/** Literals this long are rare enough in text that fewer of them is what counts. */
const SELECTIVE = 4;

/**
 * The better of two required sets (each found by one `includes` per string): past SELECTIVE
 * characters fewer strings first, below it longer strings first.
 */
function better(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a || !usable(a)) return b && usable(b) ? b : undefined;
  if (!b || !usable(b)) return a;
  const shortest = (s: Set<string>) => Math.min(...[...s].map((x) => x.length));
  const [la, lb] = [shortest(a), shortest(b)];
  const [sa, sb] = [la >= SELECTIVE, lb >= SELECTIVE];
  if (sa !== sb) return sa ? a : b;
  if (sa) return a.size !== b.size ? (a.size < b.size ? a : b) : la >= lb ? a : b;
  return la !== lb ? (la > lb ? a : b) : a.size <= b.size ? a : b;
}

function usable(set: Set<string>): boolean {
  return set.size > 0 && !set.has('');
}

function cross(a: Set<string>, b: Set<string>): Set<string> | undefined {
  if (a.size * b.size > MAX_SET) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function concat(pieces: Piece[]): Piece {
  let required: Set<string> | undefined;
  // `run`: every string the pieces so far can match together; `tail`: the one string matched
  // since the last piece with several (a short required literal inside a long product).
  let run: Set<string> | undefined = new Set(['']);
  let tail = '';
  let allExact = true;
  for (const piece of pieces) {
    required = better(required, piece.required);
    if (piece.exact?.size === 1) {
      tail += [...piece.exact][0]!;
    } else {
      required = better(required, new Set([tail]));
      tail = '';
    }
    if (piece.exact) {
      const joined: Set<string> | undefined = run ? cross(run, piece.exact) : undefined;
      if (joined) run = joined;
      else {
        // Too many strings: the run so far is one candidate, a new run starts at this piece.
        required = better(required, run);
        run = piece.exact;
        allExact = false;
      }
    } else {
      required = better(required, run);
      run = new Set(['']);
      allExact = false;
    }
  }
  required = better(required, run);
  required = better(required, new Set([tail]));
  return allExact && run ? { exact: run, ...(required ? { required } : {}) } : required ? { required } : UNKNOWN;
}

function alternation(alternatives: Piece[]): Piece {
  let exact: Set<string> | undefined = new Set();
  let required: Set<string> | undefined = new Set();
  for (const alt of alternatives) {
    if (exact && alt.exact && exact.size + alt.exact.size <= MAX_SET) for (const s of alt.exact) exact.add(s);
    else exact = undefined;
    // Every alternative must bring its own literals, or a match through it could have none.
    const own = better(alt.required, alt.exact);
    if (required && own) for (const s of own) required.add(s);
    else required = undefined;
  }
  const piece: Piece = {};
  if (exact) piece.exact = exact;
  const best = better(required, exact);
  if (best) piece.required = best;
  return piece;
}

function repeat(piece: Piece, min: number, max: number): Piece {
  if (min === 1 && max === 1) return piece;
  if (min === 0) {
    if (max === 1 && piece.exact && piece.exact.size < MAX_SET) return { exact: new Set([...piece.exact, '']) };
    return UNKNOWN;
  }
  // At least once: whatever one match of the piece needs, the repeat needs too.
  const required = better(piece.required, piece.exact);
  return required ? { required } : UNKNOWN;
}

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };

class Parser {
  private at = 0;
  constructor(private readonly source: string) {}

  parse(): Piece {
    const piece = this.alternation();
    if (this.at !== this.source.length) throw new Unsupported(`unexpected ${this.source[this.at]}`);
    return piece;
  }

  private alternation(): Piece {
    const alternatives = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      alternatives.push(this.sequence());
    }
    return alternatives.length === 1 ? alternatives[0]! : alternation(alternatives);
  }

  private sequence(): Piece {
    const pieces: Piece[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      pieces.push(this.quantified(this.atom()));
    }
    return concat(pieces);
  }

  private quantified(piece: Piece): Piece {
    const rest = this.source.slice(this.at);
    let min: number;
    let max: number;
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (rest[0] === '?') [min, max, this.at] = [0, 1, this.at + 1];
    else if (rest[0] === '*') [min, max, this.at] = [0, Infinity, this.at + 1];
    else if (rest[0] === '+') [min, max, this.at] = [1, Infinity, this.at + 1];
    else if (braces) {
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
      this.at += braces[0].length;
    } else return piece;
    if (this.source[this.at] === '?') this.at++; // lazy: matches the same strings
    return this.quantified(repeat(piece, min, max));
  }

  private atom(): Piece {
    const c = this.source[this.at++]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.characterClass();
      case '.':
        return UNKNOWN;
      case '^':
      case '$':
        return EMPTY;
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('nothing to repeat');
      default:
        return { exact: new Set([c]) };
    }
  }

  private group(): Piece {
    const rest = this.source.slice(this.at);
    const lookaround = /^\?(=|!|<=|<!)/.exec(rest);
    if (lookaround) this.at += lookaround[0].length;
    else if (rest.startsWith('?:')) this.at += 2;
    else if (rest.startsWith('?<')) {
      const name = /^\?<[A-Za-z_$][\w$]*>/.exec(rest);
      if (!name) throw new Unsupported('group');
      this.at += name[0].length;
    } else if (rest.startsWith('?')) throw new Unsupported('group modifier');
    const inner = this.alternation();
    if (this.source[this.at++] !== ')') throw new Unsupported('unclosed group');
    // A lookaround matches no characters of its own: the match is as if it were not there.
    return lookaround ? EMPTY : inner;
  }

  private characterClass(): Piece {
    // The class's text up to its closing bracket (in JS `[]` is an empty class, `]` never literal first).
    let raw = '';
    while (this.at < this.source.length && this.source[this.at] !== ']') {
      const c = this.source[this.at++]!;
      raw += c;
      if (c === '\\') raw += this.source[this.at++] ?? '';
    }
    if (this.source[this.at++] !== ']') throw new Unsupported('unclosed class');
    // Only a short list of plain characters is read: no negation, ranges or escaped letters.
    if (raw.startsWith('^') || /-./.test(raw.slice(1)) || /\\[a-zA-Z0-9]/.test(raw)) return UNKNOWN;
    const chars = new Set(raw.replace(/\\(.)/g, '$1'));
    return chars.size > 0 && chars.size <= 8 ? { exact: chars } : UNKNOWN;
  }

  private escape(): Piece {
    const e = this.source[this.at++];
    if (e === undefined) throw new Unsupported('escape at end');
    if (e === 'b' || e === 'B') return EMPTY;
    if (CLASS_ESCAPES.has(e)) return UNKNOWN;
    if (e in CONTROL_ESCAPES) return { exact: new Set([CONTROL_ESCAPES[e]!]) };
    // Back-references, \k<name>, \x, \u, \c, \p...: not read.
    if (/[a-zA-Z0-9]/.test(e)) throw new Unsupported(`\\${e}`);
    return { exact: new Set([e]) };
  }
}

/**
 * Strings one of which is in every match of `pattern`, or undefined when no such set is known
 * (the pattern must then always be tried).
 */
export function requiredLiterals(pattern: RegExp): string[] | undefined {
  if (/[iuvs]/.test(pattern.flags)) return undefined;
  try {
    const piece = new Parser(pattern.source).parse();
    const set = better(piece.required, piece.exact);
    return set ? [...set] : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
