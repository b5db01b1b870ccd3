import { CronExpressionParser } from 'cron-parser';

/**
 * Six-field NCRONTAB as the Functions timer trigger takes it: second minute hour day month weekday,
 * evaluated in UTC (WEBSITE_TIME_ZONE is not set on Flex Consumption).
 */
function parseNcrontab(expression: string, from: Date = new Date()) {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`'${expression}' is not a six-field NCRONTAB expression`);
  return CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: from, strict: false });
}

export function isValidNcrontab(expression: string): boolean {
  try {
    parseNcrontab(expression);
    return true;
  } catch {
    return false;
  }
}

/** The next occurrence strictly after `from`. */
export function nextOccurrence(expression: string, from: Date): Date {
  return parseNcrontab(expression, from).next().toDate();
}
