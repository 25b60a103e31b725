/** Fixed-width text tables for the research commands' stdout (left-aligned text, right-aligned numbers). */
export interface TextColumn<R> {
  readonly title: string;
  readonly align?: 'left' | 'right';
  readonly cell: (row: R) => string;
}

/** One line, no control characters: text from a run cannot break the table or the terminal. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function textTable<R>(columns: readonly TextColumn<R>[], rows: readonly R[]): string[] {
  const cells = rows.map((r) => columns.map((c) => clean(c.cell(r))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => ((columns[i]!.align ?? 'right') === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

export const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
