/* The leaders' dashboard (领导驾驶舱): draw the server's figures (json_script #dashboard-data) with ECharts.
 *
 * Every bar, segment, point and cell carries the URL of the review list behind it; a click opens
 * that list. The same figures, with the same links, are in the data table under each chart, so
 * nothing here is needed to read them.
 */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif';
  var NARROW = 640; // px: below this a chart drops in-cell labels and shortens axis labels
  var REDUCED_MOTION = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ZOOM_ROWS = { units: 20, heatmap: 24 }; // rows shown at once before a scroll bar appears

  function isNarrow(el) {
    return el.clientWidth < NARROW;
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  // A vertical scroll bar over a long category axis (units), so the chart keeps a readable height.
  function rowZoom(rows, visible) {
    if (rows <= visible) {
      return [];
    }
    return [
      {
        type: "slider",
        yAxisIndex: 0,
        orient: "vertical",
        right: 4,
        width: 14,
        startValue: 0,
        endValue: visible - 1,
        zoomLock: true,
        showDetail: false,
        brushSelect: false,
        filterMode: "filter",
        showDataShadow: false,
      },
    ];
  }

  function chartHeight(kind, rows, narrow) {
    if (kind === "parts") {
      return Math.max(220, rows * (narrow ? 40 : 44) + 70);
    }
    if (kind === "units") {
      return Math.min(rows, ZOOM_ROWS.units) * 30 + 80;
    }
    if (kind === "heatmap") {
      return Math.min(rows, ZOOM_ROWS.heatmap) * 26 + (narrow ? 110 : 90);
    }
    return null; // the stylesheet's height
  }

  function planOption(data, el) {
    var narrow = isNarrow(el);
    var items = data.plan.items
      .filter(function (item) {
        return item.value > 0;
      })
      .map(function (item) {
        var light = data.lights.find(function (l) {
          return l.key === item.key;
        });
        return { name: item.name, value: item.value, url: item.url, itemStyle: { color: light.color } };
      });
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      title: {
        text: percent(data.plan.rate),
        subtext: data.labels.completionRate,
        left: "center",
        top: "middle",
        textStyle: { fontSize: narrow ? 20 : 24, fontWeight: 700, color: "#1f2328" },
        subtextStyle: { fontSize: 13, color: "#5c6470" },
        itemGap: 2,
      },
      series: [
        {
          type: "pie",
          radius: narrow ? ["42%", "64%"] : ["45%", "68%"],
          center: ["50%", "50%"],
          avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c}", fontSize: 13, lineHeight: 17 },
          data: items,
        },
      ],
    };
  }

  function partsOption(data, el) {
    var narrow = isNarrow(el);
    var names = data.parts.names.map(function (name, index) {
      var rate = data.parts.rates[index];
      return rate === null ? name : name + "（" + rate + "%）";
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 4, right: 16, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: names,
        axisLabel: { width: narrow ? 110 : 190, overflow: "truncate" },
        axisTick: { show: false },
      },
      series: data.lights.map(function (light) {
        return {
          type: "bar",
          name: light.name,
          stack: "lights",
          barMaxWidth: 26,
          itemStyle: { color: light.color },
          emphasis: { focus: "series" },
          data: data.parts.series[light.key],
        };
      }),
    };
  }

  function trendOption(data, el) {
    var labels = data.labels;
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (params) {
          var index = params[0].dataIndex;
          var lines = [labels.asOf + " " + data.trend.asOf[index]];
          params.forEach(function (p) {
            lines.push(p.marker + p.seriesName + "：" + percent(p.value));
          });
          return lines.join("<br>");
        },
      },
      legend: { top: 0 },
      grid: { left: 4, right: 20, top: 40, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: data.trend.months, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        {
          name: labels.completionRate,
          type: "line",
          symbolSize: 9,
          itemStyle: { color: "#1f5fad" },
          areaStyle: { color: "rgba(31, 95, 173, 0.12)" },
          data: data.trend.completion,
        },
        {
          name: labels.meanPercent,
          type: "line",
          symbol: "diamond",
          symbolSize: 10,
          itemStyle: { color: "#2e7d32" },
          lineStyle: { type: "dashed" },
          data: data.trend.percent,
        },
      ],
    };
  }

  function unitsOption(data, el, rows) {
    var narrow = isNarrow(el);
    var labels = data.labels;
    var colours = data.colours;
    var zoom = rowZoom(rows, ZOOM_ROWS.units);
    function series(name, stack, colour, values) {
      return {
        type: "bar",
        name: name,
        stack: stack,
        barMaxWidth: 16,
        itemStyle: { color: colour },
        emphasis: { focus: "series" },
        data: values,
      };
    }
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 4, right: zoom.length ? 30 : 16, top: narrow ? 52 : 36, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.units.names,
        axisLabel: { width: narrow ? 84 : 150, overflow: "truncate", interval: 0 },
        axisTick: { show: false },
      },
      dataZoom: zoom,
      series: [
        series(labels.onTime, "reports", colours.on_time, data.units.onTime),
        series(labels.late, "reports", colours.late, data.units.late),
        series(labels.missing, "reports", colours.missing, data.units.missing),
        series(labels.overdue, "overdue", colours.overdue, data.units.overdue),
      ],
    };
  }

  // Bands of the on-time rate, worst first; the label colour keeps each band's figures readable.
  var HEAT_BANDS = [
    { min: 0, max: 49.99, color: "#c62828", text: "#fff" },
    { min: 50, max: 79.99, color: "#f2b600", text: "#1f2328" },
    { min: 80, max: 99.99, color: "#9ccc65", text: "#1f2328" },
    { min: 100, max: 100, color: "#2e7d32", text: "#fff" },
  ];

  function band(rate) {
    for (var i = 0; i < HEAT_BANDS.length; i += 1) {
      if (rate <= HEAT_BANDS[i].max) {
        return HEAT_BANDS[i];
      }
    }
    return HEAT_BANDS[HEAT_BANDS.length - 1];
  }

  function heatOption(data, el, rows) {
    var narrow = isNarrow(el);
    var labels = data.labels;
    var heat = data.heatmap;
    var zoom = rowZoom(rows, ZOOM_ROWS.heatmap);
    var cellWidth = (el.clientWidth - (narrow ? 100 : 170)) / Math.max(heat.months.length, 1);
    var showCounts = cellWidth >= 46;
    var cells = heat.cells.map(function (cell) {
      return {
        value: [cell[0], cell[1], cell[2]],
        counts: [cell[3], cell[4], cell[5]],
        url: heat.urls[cell[1]],
        label: { color: band(cell[2]).text },
      };
    });
    return {
      tooltip: {
        position: "top",
        formatter: function (p) {
          var counts = p.data.counts;
          return (
            heat.units[p.data.value[1]] +
            " · " +
            heat.months[p.data.value[0]] +
            "<br>" +
            labels.onTime + " " + counts[0] + " · " +
            labels.late + " " + counts[1] + " · " +
            labels.missing + " " + counts[2] +
            "<br>" +
            labels.onTimeRate + " " + percent(p.data.value[2])
          );
        },
      },
      grid: { left: 4, right: zoom.length ? 30 : 8, top: 4, bottom: narrow ? 64 : 44, containLabel: true },
      xAxis: { type: "category", data: heat.months, splitArea: { show: true }, axisTick: { show: false } },
      yAxis: {
        type: "category",
        inverse: true,
        data: heat.units,
        axisLabel: { width: narrow ? 76 : 150, overflow: "truncate", interval: 0 },
        axisTick: { show: false },
      },
      dataZoom: zoom,
      visualMap: {
        type: "piecewise",
        dimension: 2,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 14,
        itemHeight: 10,
        textGap: 4,
        itemGap: narrow ? 6 : 12,
        pieces: HEAT_BANDS.map(function (b, i) {
          return { min: b.min, max: b.max, color: b.color, label: labels.heatBands[i] };
        }),
      },
      series: [
        {
          type: "heatmap",
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          label: {
            show: showCounts,
            fontSize: 11,
            formatter: function (p) {
              return p.data.counts.join("/");
            },
          },
          emphasis: { itemStyle: { borderColor: "#1f2328", borderWidth: 2 } },
          data: cells,
        },
      ],
    };
  }

  var BUILDERS = { plan: planOption, parts: partsOption, trend: trendOption, units: unitsOption, heatmap: heatOption };

  function draw(entry) {
    var el = entry.el;
    var narrow = isNarrow(el);
    var height = chartHeight(entry.kind, entry.rows, narrow);
    if (height) {
      el.style.height = height + "px";
    }
    entry.narrow = narrow;
    entry.chart.resize();
    var option = BUILDERS[entry.kind](entry.data, el, entry.rows);
    option.textStyle = { fontFamily: FONT };
    option.animation = !REDUCED_MOTION;
    option.animationDuration = 400;
    entry.chart.setOption(option, true);
  }

  function init() {
    var select = document.querySelector("[data-autosubmit]");
    if (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    }
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var locale = (document.documentElement.lang || "").indexOf("en") === 0 ? "EN" : "ZH";
    document.documentElement.classList.add("charts-on");
    var entries = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      if (!BUILDERS[kind]) {
        return;
      }
      var entry = {
        el: el,
        kind: kind,
        data: data,
        rows: parseInt(el.getAttribute("data-rows") || "0", 10),
        chart: echarts.init(el, null, { renderer: "canvas", locale: locale }),
      };
      entry.chart.on("finished", function () {
        el.setAttribute("data-drawn", "1"); // drawn and animated: what a browser test waits for
      });
      entry.chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) {
          window.location.assign(url);
        }
      });
      draw(entry);
      entries.push(entry);
    });
    var pending = null;
    function resizeAll() {
      pending = null;
      entries.forEach(function (entry) {
        if (entry.narrow !== isNarrow(entry.el) || entry.kind === "heatmap") {
          draw(entry); // labels and heights depend on the width
        } else {
          entry.chart.resize();
        }
      });
    }
    window.addEventListener("resize", function () {
      if (pending === null) {
        pending = window.setTimeout(resizeAll, 150);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
