/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface BarDatum {
  label: string;
  value: number;
  /** Text shown at the end of the bar; defaults to the value. */
  display?: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 200;
const BAR_HEIGHT = 22;
const GAP = 8;

/** A horizontal bar chart as standalone SVG, scaled to `max` (default: the largest value). */
export function barChart(title: string, data: BarDatum[], max?: number): string {
  const top = Math.max(max ?? 0, ...data.map((d) => d.value), 0);
  const height = 30 + Math.max(data.length, 1) * (BAR_HEIGHT + GAP);
  const span = WIDTH - LABEL_WIDTH - 90;
  const bars = data.map((d, i) => {
    const y = 30 + i * (BAR_HEIGHT + GAP);
    const width = top > 0 ? Math.max((d.value / top) * span, d.value > 0 ? 1 : 0) : 0;
    return [
      `<text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end">${escapeXml(d.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" class="bar"/>`,
      `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 15}">${escapeXml(d.display ?? String(d.value))}</text>`,
    ].join('');
  });
  const empty = data.length === 0 ? `<text x="${LABEL_WIDTH}" y="45">No data in this period</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${escapeXml(title)}</title><text x="0" y="16" class="chart-title">${escapeXml(title)}</text>${bars.join('')}${empty}</svg>`;
}

/** Formats the axis maximum with three significant digits below 1, so small spend does not read as 0.00. */
export function axisValue(value: number): string {
  return value >= 1 || value === 0 ? value.toFixed(2) : value.toPrecision(3);
}

/** A line chart over evenly spaced points (such as days) as standalone SVG. */
export function lineChart(title: string, points: Array<{ label: string; value: number }>, unit: string): string {
  const height = 220;
  const left = 60;
  const plotWidth = WIDTH - left - 20;
  const plotHeight = height - 70;
  const top = Math.max(...points.map((p) => p.value), 0);
  const x = (i: number) => left + (points.length <= 1 ? plotWidth / 2 : (i / (points.length - 1)) * plotWidth);
  const y = (v: number) => 30 + plotHeight - (top > 0 ? (v / top) * plotHeight : 0);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const dots = points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" class="dot"/>`).join('');
  const ends = points.length === 0 ? [] : points.length === 1 ? [0] : [0, points.length - 1];
  const labels = ends
    .map((i) => `<text x="${x(i).toFixed(1)}" y="${height - 20}" text-anchor="middle">${escapeXml(points[i].label)}</text>`)
    .join('');
  const axis = `<line x1="${left}" y1="${30 + plotHeight}" x2="${left + plotWidth}" y2="${30 + plotHeight}" class="axis"/><text x="${left - 6}" y="36" text-anchor="end">${escapeXml(`${axisValue(top)} ${unit}`)}</text><text x="${left - 6}" y="${30 + plotHeight}" text-anchor="end">0</text>`;
  const body = points.length === 0 ? `<text x="${left}" y="80">No data in this period</text>` : `<path d="${path}" class="line"/>${dots}${labels}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${escapeXml(title)}</title><text x="0" y="16" class="chart-title">${escapeXml(title)}</text>${axis}${body}</svg>`;
}
