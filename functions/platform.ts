import { timerFunction } from '../shared/platform/functions.js';

export default [
  // Publishes outbox messages whose writer died (or whose bus call failed) between commit and publish.
  timerFunction({
    name: 'outboxRelay',
    schedule: '%OUTBOX_RELAY_SCHEDULE%',
    runOnStartup: true,
    handler: async ({ app }) => {
      await app.outbox.relay(app.config.OUTBOX_RELAY_MIN_AGE_SECONDS);
    },
  }),
];
