/**
 * The Web Worker that draws charts (chart.worker.ts), started here so that the component
 * tests can replace it: jsdom has no workers and no bundler to resolve the URL below.
 */
export function startChartWorker(): Worker {
  return new Worker(new URL("./chart.worker.ts", import.meta.url));
}
