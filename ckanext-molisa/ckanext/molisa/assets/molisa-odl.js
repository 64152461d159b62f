/* The Open Data List's chart (ckanext-molisa): entries per state, drawn with
 * Chart.js (the kernel's bundle ckanext-molisa/chartjs, loaded first).
 *
 *   molisa-odl-chart  data-module-labels: the states' labels (translated by
 *                     the page), data-module-values: their counts,
 *                     data-module-colours: one colour per state.
 *
 * The same figures are in the page's table: the chart adds nothing a reader
 * without JavaScript misses. No inline script.
 */
(function (ckan) {
  'use strict';

  ckan.module('molisa-odl-chart', function () {
    return {
      initialize: function () {
        if (!window.Chart) {
          return;
        }
        var canvas = this.el[0].querySelector('canvas');
        var labels = this.options.labels || [];
        var values = this.options.values || [];
        var colours = this.options.colours || [];
        this.chart = new window.Chart(canvas, {
          type: 'bar',
          data: {
            labels: labels,
            datasets: [{data: values, backgroundColor: colours, borderWidth: 0}]
          },
          options: {
            indexAxis: 'y',
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            locale: document.documentElement.lang || undefined,
            plugins: {legend: {display: false}},
            scales: {x: {beginAtZero: true, ticks: {precision: 0}}}
          }
        });
      }
    };
  });
})(window.ckan);
