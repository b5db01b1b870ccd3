'use strict';
// The password-strength worker (piscina): zxcvbn with its dictionaries, built once when the worker
// starts (ranking ~100,000 words costs a few hundred milliseconds) and kept for its life, so no
// estimate runs on the event loop. Plain CommonJS for the same reason as hash-worker.cjs: this file
// runs from the sources (jest) and from dist/ alike. The estimator's settings come from strength.ts
// as workerData.
const { workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require('@zxcvbn-ts/core');
const common = require('@zxcvbn-ts/language-common');
const en = require('@zxcvbn-ts/language-en');

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
  maxLength: workerData.maxLength,
  l33tMaxSubstitutions: workerData.l33tMaxSubstitutions,
});

/** What strength.ts reads of a match: its kind, never the matched text. */
function matchOut(m) {
  return { pattern: m.pattern, dictionaryName: m.dictionaryName, reversed: m.reversed, l33t: m.l33t, regexName: m.regexName };
}

// Separators are cheap for a cracker's rules but zxcvbn prices each as a brute-forced character,
// so the password is also judged with its separators removed, and the weaker reading counts.
module.exports = function estimate({ password, inputs }) {
  const readings = [password];
  const joined = password.replace(/[\s\-_.]+/gu, '');
  if (joined !== password && joined.length > 0) readings.push(joined);
  const weakest = readings.map((p) => zxcvbn.check(p, inputs)).reduce((a, b) => (b.guessesLog10 < a.guessesLog10 ? b : a));
  return {
    score: weakest.score,
    feedback: { warning: weakest.feedback.warning, suggestions: weakest.feedback.suggestions },
    sequence: weakest.sequence.map(matchOut),
  };
};
