/* The charts of the audit pages (ckanext-molisa-audit), drawn with Chart.js
 * (assets/vendor/chart.js-<version>, loaded before this file by the bundle).
 *
 *   molisa-audit-chart  /audit/stats: events and errors per day, from
 *                       data-module-series (the page's own data).
 *   molisa-audit-live   /audit/live: polls data-module-url (/audit/live.json)
 *                       every data-module-interval ms and updates the
 *                       counters, the per-minute chart and the top datasets.
 *
 * Every text comes from the page, already translated (data-module-label-*,
 * data-module-text-*). No inline script: the data is in data-* attributes.
 */
(function (ckan, $) {
  'use strict';

  var COLOURS = {
    events: {line: '#1f6f8b', fill: 'rgba(31, 111, 139, 0.55)'},
    errors: {line: '#b42318', fill: 'rgba(180, 35, 24, 0.75)'}
  };

  function language() {
    return document.documentElement.lang || undefined;
  }

  function dataset(label, values, colour, type) {
    return {
      label: label,
      data: values,
      borderColor: colour.line,
      backgroundColor: colour.fill,
      borderWidth: type === 'line' ? 2 : 1,
      pointRadius: 0,
      tension: 0.2,
      fill: false
    };
  }

  function draw(canvas, type, labels, series, options) {
    if (!window.Chart || !canvas) {
      return null;
    }
    return new window.Chart(canvas, {
      type: type,
      data: {
        labels: labels,
        datasets: [
          dataset(options.labelEvents, pluck(series, 'events'), COLOURS.events, type),
          dataset(options.labelErrors, pluck(series, 'errors'), COLOURS.errors, type)
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: language(),
        interaction: {mode: 'index', intersect: false},
        scales: {
          x: {ticks: {maxRotation: 0, autoSkip: true}},
          y: {beginAtZero: true, ticks: {precision: 0}}
        },
        plugins: {legend: {position: 'bottom'}}
      }
    });
  }

  function pluck(series, key) {
    return $.map(series || [], function (row) { return row[key]; });
  }

  /* hh:mm(:ss) of an ISO time, in the portal's display time zone. */
  function timeFormat(timezone, seconds) {
    var options = {hour: '2-digit', minute: '2-digit', hour12: false};
    if (seconds) {
      options.second = '2-digit';
    }
    try {
      return new Intl.DateTimeFormat(language(), $.extend({timeZone: timezone}, options));
    } catch (error) {  // an unknown zone name: the browser's own
      return new Intl.DateTimeFormat(language(), options);
    }
  }

  ckan.module('molisa-audit-chart', function () {
    return {
      options: {series: [], labelEvents: 'Events', labelErrors: 'Errors'},

      initialize: function () {
        var series = this.options.series || [];
        this.chart = draw(this.el.find('canvas')[0], 'bar', pluck(series, 'key'), series,
                          this.options);
      }
    };
  });

  ckan.module('molisa-audit-live', function () {
    return {
      options: {
        url: null,
        interval: 5000,
        series: [],
        timezone: 'UTC',
        labelEvents: 'Events',
        labelErrors: 'Errors',
        textUpdated: 'Updated at {time}',
        textFailed: 'Could not refresh ({error})',
        textForbidden: 'Forbidden',
        textPaused: 'Paused'
      },

      initialize: function () {
        $.proxyAll(this, /_on/);
        this.numbers = new Intl.NumberFormat(language());
        this.minutes = timeFormat(this.options.timezone, false);
        this.clock = timeFormat(this.options.timezone, true);
        var series = this.options.series || [];
        this.chart = draw(this.el.find('canvas')[0], 'line', this._labels(series), series,
                          this.options);
        this.timer = null;
        this.stopped = false;
        document.addEventListener('visibilitychange', this._onVisibility);
        this._schedule();
      },

      _labels: function (series) {
        var format = this.minutes;
        return $.map(series, function (row) { return format.format(new Date(row.minute)); });
      },

      _schedule: function () {
        window.clearTimeout(this.timer);
        if (!this.stopped) {
          this.timer = window.setTimeout(this._onTick, this.options.interval);
        }
      },

      _status: function (text) {
        this.el.find('[data-live-status]').text(text);
      },

      _onVisibility: function () {
        if (document.hidden) {
          window.clearTimeout(this.timer);
          this._status(this.options.textPaused);
        } else if (!this.stopped) {
          this._onTick();
        }
      },

      _onTick: function () {
        if (document.hidden || this.stopped) {
          return;
        }
        window.fetch(this.options.url, {
          credentials: 'same-origin',
          cache: 'no-store',
          headers: {Accept: 'application/json'}
        }).then(function (response) {
          if (!response.ok) {
            var error = new Error(String(response.status));
            error.status = response.status;
            throw error;
          }
          return response.json();
        }).then(this._onData).catch(this._onError);
      },

      _onData: function (data) {
        var self = this;
        $.each(['events_last_minute', 'errors_last_minute', 'events_window', 'errors_window'],
          function (i, key) {
            self.el.find('[data-live="' + key + '"]').text(self.numbers.format(data[key] || 0));
          });
        if (this.chart) {
          this.chart.data.labels = this._labels(data.per_minute || []);
          this.chart.data.datasets[0].data = pluck(data.per_minute, 'events');
          this.chart.data.datasets[1].data = pluck(data.per_minute, 'errors');
          this.chart.update('none');
        }
        this._top(data.top_datasets || []);
        this._status(this.options.textUpdated.replace(
          '{time}', this.clock.format(new Date(data.generated))));
        this._schedule();
      },

      _onError: function (error) {
        if (error && (error.status === 401 || error.status === 403)) {
          this.stopped = true;
          this._status(this.options.textForbidden);
          return;
        }
        this._status(this.options.textFailed.replace('{error}', (error && error.message) || '?'));
        this._schedule();
      },

      _top: function (datasets) {
        var numbers = this.numbers;
        var list = this.el.find('[data-live-top]').empty();
        $.each(datasets, function (i, d) {
          var name = d.url ? $('<a>').attr('href', d.url).text(d.title) : $('<span>').text(d.title);
          $('<li class="list-group-item d-flex justify-content-between align-items-start gap-2">')
            .append($('<span class="me-auto">').append(name))
            .append($('<span class="badge text-bg-primary rounded-pill">').text(numbers.format(d.events)))
            .appendTo(list);
        });
        this.el.find('[data-live-empty]').prop('hidden', datasets.length > 0);
      }
    };
  });
})(window.ckan, window.jQuery);
