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
    s.onload = () => resolve(window.Chart);
    s.onerror = () => { chartLoad = null; reject(new Error('Chart.js')); };
    document.head.append(s);
  });
  return chartLoad;
}
