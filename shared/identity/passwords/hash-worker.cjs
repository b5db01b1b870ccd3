'use strict';
// The password-hashing worker (piscina). Plain CommonJS so the same file runs from the sources
// (jest) and from dist/ (npm start, Azure): TypeScript copies it to dist/ unchanged.
const bcrypt = require('bcryptjs');
const os = require('node:os');

// On Linux the nice value is per thread: this lowers the priority of this worker only, so request
// handling on the main thread is served first during a login storm while bcrypt still gets every
// idle cycle. (Elsewhere setPriority would lower the whole process, so it is left alone.)
if (process.platform === 'linux') {
  try {
    os.setPriority(10);
  } catch {
    // Not permitted in this sandbox: hashing still works at normal priority.
  }
}

module.exports = async function run(task) {
  if (task.op === 'hash') return bcrypt.hash(task.input, task.cost);
  return bcrypt.compare(task.input, task.hash);
};
