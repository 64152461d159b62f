/* A unit's quality trend (ckanext-molisa quality checks), drawn with
 * Chart.js (the kernel's bundle ckanext-molisa/chartjs, loaded first).
 *
 *   molisa-quality-chart  data-module-labels: the days,
 *                         data-module-series: [{label, values, colour}],
 *                         each value a percentage (or null).
 *
 * The same figures are in the page's table. No inline script.
 */
(function (ckan) {
  'use strict';

  ckan.module('molisa-quality-chart', function () {
    return {
      initialize: function () {
        if (!window.Chart) {
          return;
        }
        var canvas = this.el[0].querySelector('canvas');
        var series = this.options.series || [];
        this.chart = new window.Chart(canvas, {
          type: 'line',
          data: {
            labels: this.options.labels || [],
            datasets: series.map(function (s) {
              return {label: s.label, data: s.values, borderColor: s.colour,
                      backgroundColor: s.colour, spanGaps: true, tension: 0.2};
            })
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            locale: document.documentElement.lang || undefined,
            scales: {y: {beginAtZero: true, max: 100}}
          }
        });
      }
    };
  });
})(window.ckan);
