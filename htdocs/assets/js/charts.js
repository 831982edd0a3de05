// Chart.js for the pages that draw charts (the dashboard, the reports):
// Debian's libjs-chart.js, at Apache's /javascript/ alias, loaded when such
// a page is first shown.
const CHART_JS = '/javascript/chart.js/chart.min.js';
let chartLoad = null;
export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  chartLoad = chartLoad || new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = CHART_JS;
    s.onload = () => { themed(window.Chart); resolve(window.Chart); };
    s.onerror = () => { chartLoad = null; reject(new Error('Chart.js')); };
    document.head.append(s);
  });
  return chartLoad;
}

// Chart.js draws on a canvas, which the stylesheet cannot reach: its text
// and grid take the page's colours, so that the dark theme's charts are
// legible too (the theme is read when the chart library loads).
function themed(Chart) {
  if (!Chart || !Chart.defaults) return;
  const css = getComputedStyle(document.documentElement);
  const ink = css.getPropertyValue('--ink').trim();
  const line = css.getPropertyValue('--line').trim();
  if (ink) Chart.defaults.color = ink;
  if (line) Chart.defaults.borderColor = line;
}
