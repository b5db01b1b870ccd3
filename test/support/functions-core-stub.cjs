// Stands in for the Functions host's `@azure/functions-core` module: records what the app registers
// and prints it as JSON when the process exits. Preloaded with `node --require`.
const Module = require('node:module');
const path = require('node:path');

const registered = [];
const core = {
  version: 'stub',
  hostVersion: '4.1037.0',
  setProgrammingModel(model) {
    core.model = { name: model.name, version: model.version };
  },
  getProgrammingModel() {
    return core.model;
  },
  registerFunction(metadata, callback) {
    registered.push({ metadata, hasCallback: typeof callback === 'function' });
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

const stubPath = path.join(__dirname, '__functions_core_stub__.js');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@azure/functions-core') return stubPath;
  return originalResolve.call(this, request, ...rest);
};
require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: core };

process.on('exit', () => {
  process.stdout.write('\n@@REGISTERED@@' + JSON.stringify({ model: core.model, functions: registered }) + '\n');
});
