import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * The lowest zxcvbn score accepted: 3 means about 10^8 guesses or more ("safely unguessable:
 * moderate protection from an offline slow-hash scenario"), which rules out a word plus a year
 * and the other shapes crackers' rule sets try first.
 */
export const MIN_STRENGTH_SCORE = 3;

/**
 * How many leading characters are estimated. zxcvbn's repeat and dictionary matchers grow faster
 * than linearly with length (a 256-character password costs seconds); 64 well-chosen characters
 * are beyond any cracker already, and a longer password is stored and compared whole, never cut.
 */
export const ESTIMATED_LENGTH = 64;

/** The worker module, beside this one in the sources and in dist/ alike. */
const WORKER = new URL('./strength-worker.cjs', import.meta.url).href;

let pool: Piscina | undefined;

/**
 * The estimator runs on its own small worker pool, beside the hashing one: an estimate costs
 * milliseconds for a typical password and up to ~80 ms for 64 random characters, and building the
 * estimator (the common dictionaries — breached passwords, diceware, keyboard layouts — and the
 * English ones — words, names, Wikipedia) about 500 ms, all of which would otherwise stall every
 * request the process is serving. Each worker builds the estimator once, when it starts; one is
 * kept alive (unreferenced while idle, so it holds no process open) so the dictionaries stay
 * loaded. Two settings keep an estimate cheap: Levenshtein matching stays off (it multiplies the
 * cost by ten; the l33t and dictionary matchers already catch the variants that matter), and at
 * most 6 l33t substitutions are tried (the default 100 costs seconds on random-looking passwords,
 * and real l33t words use a few).
 */
function estimator(): Piscina {
  pool ??= new Piscina({
    filename: WORKER,
    minThreads: 1,
    maxThreads: Math.min(2, availableParallelism()),
    idleTimeout: 60_000,
    workerData: { maxLength: ESTIMATED_LENGTH, l33tMaxSubstitutions: 6 },
  });
  return pool;
}

/** What the worker returns of zxcvbn's result (the matched text never leaves it). */
interface Estimate {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
  sequence: EstimatedMatch[];
}

interface EstimatedMatch {
  pattern: string;
  dictionaryName?: string;
  reversed?: boolean;
  l33t?: boolean;
  regexName?: string;
}

/** Words a password must not lean on: the organisation's name and slug, the user's e-mail and names. */
export interface StrengthContext {
  tenantName?: string | undefined;
  tenantSlug?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

/**
 * Each value as typed, joined without separators ("Demo Hotels" → "demohotels") and split into
 * its words, so "DemoHotels2025!" and "Hotels-2025" both meet the tenant's name.
 */
export function userInputs(context: StrengthContext): string[] {
  const [local, domain] = (context.email ?? '').toLowerCase().split('@');
  const values = [context.tenantName, context.tenantSlug, local, domain?.split('.')[0], context.firstName, context.lastName];
  const out = new Set<string>();
  for (const value of values) {
    const v = value?.trim().toLowerCase();
    if (!v) continue;
    out.add(v);
    const words = v.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
    if (words.length > 1) out.add(words.join(''));
    for (const w of words) out.add(w);
  }
  return [...out];
}

/** What a matched piece of the password is, in words (never the piece itself: errors get logged). */
function describe(match: EstimatedMatch): string | undefined {
  switch (match.pattern) {
    case 'dictionary': {
      const name = String(match.dictionaryName);
      const shape = match.reversed ? ' written backwards' : match.l33t ? ' with predictable substitutions' : '';
      if (name === 'userInputs') return `the organisation's or your own name${shape}`;
      if (name.startsWith('passwords')) return `a common password${shape}`;
      if (name.startsWith('firstnames') || name.startsWith('lastnames')) return `a common name${shape}`;
      return `a common word${shape}`;
    }
    case 'regex':
      return match.regexName === 'recentYear' ? 'a recent year' : 'a common pattern';
    case 'date':
      return 'a date';
    case 'sequence':
      return 'a sequence such as abc or 123';
    case 'repeat':
      return 'repeated characters';
    case 'spatial':
      return 'a keyboard pattern';
    case 'wordSequence':
      return 'a common phrase';
    default:
      return undefined;
  }
}

function reason(result: Estimate): string {
  const parts = [...new Set(result.sequence.map(describe).filter((d): d is string => d !== undefined))];
  const feedback = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => Boolean(s));
  const built = parts.length > 0 ? ` it is built on ${parts.join(', ')}` : ' it follows a pattern password crackers try early';
  return `is too easy to guess:${built}.${feedback.length > 0 ? ' ' + feedback.join(' ') : ''}`;
}

/**
 * A realistic estimate of how guessable a password is (zxcvbn: dictionaries, names, years, dates,
 * keyboard patterns, sequences, l33t), with the organisation's and the user's own details as extra
 * words; the password is also judged with its separators removed (see strength-worker.cjs). Runs on
 * the estimator's worker pool. Returns why it is refused, or undefined when it is strong enough.
 *
 * @example
 * await strengthProblem('Summer2025!', {});  // 'is too easy to guess: it is built on a common word. Add more words that are less common. …'
 * await strengthProblem('Harbour-Lights7', {}); // undefined
 */
export async function strengthProblem(password: string, context: StrengthContext): Promise<string | undefined> {
  const weakest = (await estimator().run({ password, inputs: userInputs(context) })) as Estimate;
  return weakest.score < MIN_STRENGTH_SCORE ? reason(weakest) : undefined;
}
