// The shape every benchmark reports, and how `npm run bench` prints it.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The issue's target, as text (`≥ 2,000,000 lines/s`). */
  target?: string;
}

export type Benchmark = () => Promise<Figure[]>;

export function formatFigure(f: Figure): string {
  const value = f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2);
  return `${f.name.padEnd(64)} ${value.padStart(14)} ${f.unit.padEnd(10)} ${f.target ? `target ${f.target}` : ''}`;
}
