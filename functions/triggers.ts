import { getApp, type App } from '../shared/app.js';
import { routeOn, type HttpFunction } from '../shared/http/route.js';
import { triggersOn, type QueueFunction, type TimerFunction } from '../shared/platform/functions.js';

// The trigger declarers of the route tables, bound to this process's app: the kernels that build
// handlers take the app as a getter, so only this layer (above the composition root) names it.
export const route = routeOn(getApp);
export const { queueFunction, timerFunction } = triggersOn<App>(getApp);

/** One function of the app: what the Azure entry point registers and the local host serves. */
export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction;
