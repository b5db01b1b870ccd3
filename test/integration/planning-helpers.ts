/**
 * A downloaded CSV template of the upload centre with figures set: `fill` maps "CODE|line" (the
 * Department and Line columns; `PROPERTY` for property rows) to { month index: value }.
 */
export function filled(csv: string, fill: Record<string, Record<number, number | string>>): string {
  const lines = csv.trim().split('\r\n');
  return (
    lines
      .map((line, i) => {
        if (i === 0) return line;
        const cells = line.split(',');
        const values = fill[`${cells[0]}|${cells[2]}`];
        if (!values) return line;
        for (const [m, v] of Object.entries(values)) cells[3 + Number(m)] = String(v);
        return cells.join(',');
      })
      .join('\r\n') + '\r\n'
  );
}
