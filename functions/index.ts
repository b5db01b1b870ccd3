// The entry point the Azure Functions host loads (package.json "main"): registers every function.
import { catalog } from './catalog.js';
import { registerWithFunctionsHost } from '../shared/platform/functions.js';

registerWithFunctionsHost(catalog);
