// A stacked bar chart drawn as inline SVG by our own code: one bar per day, one segment per series.
import { h } from "./dom.js";

/**
 * `days`: labels in order; `series`: [{name, className, values: number per day}].
 * The chart is an image with a text summary; the page shows the same figures as a table.
 */
export function stackedBars(days, series, { title }) {
  const width = 640, height = 220, left = 36, bottom = 28, top = 12;
  const totals = days.map((_, index) => series.reduce((sum, entry) => sum + entry.values[index], 0));
  const maximum = Math.max(1, ...totals);
  const step = niceStep(maximum);
  const scaleTop = Math.ceil(maximum / step) * step;
  const plotHeight = height - bottom - top;
  const slot = (width - left) / days.length;
  const barWidth = Math.min(56, slot * 0.6);
  const y = (value) => top + plotHeight - (value / scaleTop) * plotHeight;
  const grid = [];
  for (let value = 0; value <= scaleTop; value += step) {
    grid.push(h("line", { x1: left, x2: width, y1: y(value), y2: y(value), class: "grid" }));
    grid.push(h("text", { x: left - 6, y: y(value) + 4, class: "axis", "text-anchor": "end" }, String(value)));
  }
  const bars = days.map((day, index) => {
    let base = 0;
    const x = left + slot * index + (slot - barWidth) / 2;
    const segments = series.filter((entry) => entry.values[index] > 0).map((entry) => {
      const value = entry.values[index];
      const rect = h("rect", { x, y: y(base + value), width: barWidth, height: Math.max(1, y(base) - y(base + value)), class: entry.className },
        h("title", {}, `${day}: ${value} ${entry.name}`));
      base += value;
      return rect;
    });
    return h("g", {}, segments, h("text", { x: x + barWidth / 2, y: height - 8, class: "axis", "text-anchor": "middle" }, day.slice(5)));
  });
  const summary = `${title}: ${totals.reduce((a, b) => a + b, 0)} intents over ${days.length} days, at most ${maximum} a day.`;
  return h("figure", { class: "chart" },
    h("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary }, h("title", {}, summary), grid, bars),
    h("figcaption", {}, h("ul", { class: "legend" }, series.map((entry) => h("li", {}, h("span", { class: `swatch ${entry.className}`, "aria-hidden": "true" }), entry.name)))));
}

function niceStep(maximum) {
  const rough = maximum / 4;
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  return [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) || power;
}
