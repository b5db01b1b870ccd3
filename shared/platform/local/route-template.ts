/**
 * Azure Functions (ASP.NET Core) route templates: `v1/users/{id}`, optional `{id?}`, catch-all
 * `{*rest}`, and inline constraints such as `{n:int}`, `{id:guid}`, `{name:alpha}`, `{x:regex(...)}`.
 * Literal segments match case-insensitively, as in the Functions host.
 */
export interface CompiledRoute {
  template: string;
  params: string[];
  /** Lower is more specific: literal < constrained < parameter < optional < catch-all, per segment. */
  rank: number[];
  match(path: string): Record<string, string> | undefined;
  /** The same, for a path already split into its non-empty segments (the host splits once per request). */
  matchParts(parts: readonly string[]): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  alpha: /^[a-z]+$/i,
  double: /^-?\d+(\.\d+)?$/,
  decimal: /^-?\d+(\.\d+)?$/,
  float: /^-?\d+(\.\d+)?$/,
  datetime: /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/,
};

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; catchAll: boolean; checks: Array<(v: string) => boolean> };

function constraint(spec: string): (v: string) => boolean {
  const fixed = CONSTRAINTS[spec];
  if (fixed) return (v) => fixed.test(v);
  let m = /^regex\((.*)\)$/.exec(spec);
  if (m) {
    const re = new RegExp(m[1] as string);
    return (v) => re.test(v);
  }
  m = /^(min|max|minlength|maxlength|length)\((\d+)\)$/.exec(spec);
  if (m) {
    const n = Number(m[2]);
    switch (m[1]) {
      case 'min':
        return (v) => Number(v) >= n;
      case 'max':
        return (v) => Number(v) <= n;
      case 'minlength':
        return (v) => v.length >= n;
      case 'maxlength':
        return (v) => v.length <= n;
      default:
        return (v) => v.length === n;
    }
  }
  throw new Error(`unsupported route constraint '${spec}'`);
}

function parseSegment(raw: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)((?::[^:}?]+(?:\([^)]*\))?)*)(\?)?\}$/.exec(raw);
  if (!m) {
    if (raw.includes('{') || raw.includes('}')) throw new Error(`unsupported route segment '${raw}'`);
    return { kind: 'literal', text: raw.toLowerCase() };
  }
  const specs = (m[3] ?? '').split(':').filter(Boolean);
  return { kind: 'param', name: m[2] as string, catchAll: Boolean(m[1]), optional: Boolean(m[4]) || Boolean(m[1]), checks: specs.map(constraint) };
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

export function compileRoute(template: string): CompiledRoute {
  const segments = template.split('/').filter((s) => s.length > 0).map(parseSegment);
  const rank = segments.map((s) => (s.kind === 'literal' ? 0 : s.catchAll ? 4 : s.optional ? 3 : s.checks.length > 0 ? 1 : 2));
  return {
    template,
    params: segments.flatMap((s) => (s.kind === 'param' ? [s.name] : [])),
    rank,
    match(path) {
      return this.matchParts(splitPath(path));
    },
    matchParts(parts) {
      const params: Record<string, string> = {};
      let i = 0;
      for (const seg of segments) {
        if (seg.kind === 'literal') {
          if (parts[i]?.toLowerCase() !== seg.text) return undefined;
          i += 1;
          continue;
        }
        if (seg.catchAll) {
          const rest = parts.slice(i).map(decodeURIComponent).join('/');
          if (rest) params[seg.name] = rest;
          i = parts.length;
          continue;
        }
        const part = parts[i];
        if (part === undefined) {
          if (seg.optional) continue;
          return undefined;
        }
        let value: string;
        try {
          value = decodeURIComponent(part);
        } catch {
          return undefined;
        }
        if (!seg.checks.every((c) => c(value))) return undefined;
        params[seg.name] = value;
        i += 1;
      }
      return i === parts.length ? params : undefined;
    },
  };
}

/** Orders routes so the most specific template is tried first. */
export function byPrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.rank.length, b.rank.length);
  for (let i = 0; i < n; i++) {
    const x = a.rank[i] ?? -1;
    const y = b.rank[i] ?? -1;
    if (x !== y) return x - y;
  }
  return 0;
}
