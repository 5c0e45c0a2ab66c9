import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  /** How a value reads on the axis and in the legend. */
  format: (value: number) => string;
}

/**
 * A time chart (uPlot): x in epoch seconds, one or more series sharing the y axis. The figure
 * has a text alternative: its title and the latest value of each series.
 */
export function TimeChart({
  title,
  times,
  series,
  range,
}: {
  title: string;
  times: number[];
  series: Series[];
  /** The period shown, in epoch seconds: the whole window, however few backups it holds. */
  range: [number, number];
}) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = element.current;
    if (!host || times.length === 0) return;
    const format = series[0]!.format;
    const plot = new uPlot(
      {
        width: Math.max(host.clientWidth, 280),
        height: 220,
        scales: {
          x: { time: true, range: () => range },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        legend: { live: false },
        axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 80 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: true, size: 6, fill: s.color },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.format(v)),
          })),
        ],
      },
      [times, ...series.map((s) => s.values)],
      host,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(host.clientWidth, 280), height: 220 }),
    );
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, range[0], range[1]]);
  const latest = series
    .map((s) => {
      const last = [...s.values].reverse().find((v) => v !== null);
      return `${s.label}: ${last === undefined || last === null ? 'none' : s.format(last)}`;
    })
    .join('; ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {times.length === 0 ? <p class="empty">No backups in this period yet.</p> : null}
      <div ref={element} role="img" aria-label={`${title}. Latest: ${latest}.`} />
    </figure>
  );
}
