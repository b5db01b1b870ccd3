/** The JSON of a long report leaves in chunks of about this many characters. */
export const STREAM_CHUNK = 65_536;

/**
 * JSON.stringify(report), produced one period at a time in chunks of about STREAM_CHUNK
 * characters, so a year-long day-granularity body (17 MB with every comparison) is never one
 * string. A body cut short midway is not valid JSON: a reader notices the truncation.
 */
export function* reportJsonChunks(report: { properties: ReadonlyArray<{ periods: readonly unknown[] }> }, chunkSize = STREAM_CHUNK): Generator<string> {
  const HOLE = JSON.stringify('\u0000hole');
  // The object's own JSON with `key` left as a hole: the text before and after it, key order kept.
  const around = (value: object, key: string): [string, string] => {
    const text = JSON.stringify({ ...value, [key]: '\u0000hole' });
    const at = text.indexOf(HOLE);
    return [text.slice(0, at), text.slice(at + HOLE.length)];
  };
  let chunk = '';
  const put = function* (text: string): Generator<string> {
    chunk += text;
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = '';
    }
  };
  const [head, tail] = around(report, 'properties');
  yield* put(head + '[');
  for (const [i, property] of report.properties.entries()) {
    const [before, after] = around(property, 'periods');
    yield* put((i > 0 ? ',' : '') + before + '[');
    for (const [j, period] of property.periods.entries()) yield* put((j > 0 ? ',' : '') + JSON.stringify(period));
    yield* put(']' + after);
  }
  yield* put(']' + tail);
  if (chunk) yield chunk;
}
