import azureFunctions from '@azure/functions';

/**
 * @azure/functions is CommonJS; Node's ESM loader can't see its named exports, so they are taken
 * from the default export once, here.
 */
export const { app: functionsApp, HttpRequest, InvocationContext } = azureFunctions;
