/* The staff dashboard: world map (d3-geo + world-atlas), funnel and per-recommendation bars (Chart.js).
   All data comes from the JSON block the server renders (#dashboard-data); the same figures are in
   the page's tables, so nothing here is the only way to read them. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var colourOf = {};
  data.statuses.forEach(function (status) { colourOf[status.key] = status.colour; });

  var SVG = "http://www.w3.org/2000/svg";

  function drawMap(atlas) {
    var figure = document.getElementById("world-map");
    var byNumeric = {};
    data.countries.forEach(function (country) { if (country.n) byNumeric[country.n] = country; });
    var countries = topojson.feature(atlas, atlas.objects.countries);
    var width = 960, height = 500;
    var projection = d3.geoEqualEarth().fitExtent([[4, 4], [width - 4, height - 4]], { type: "Sphere" });
    var path = d3.geoPath(projection);

    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", "map-title");
    svg.classList.add("world-map-svg");

    var sphere = document.createElementNS(SVG, "path");
    sphere.setAttribute("d", path({ type: "Sphere" }));
    sphere.setAttribute("class", "map-sphere");
    svg.appendChild(sphere);

    var shown = 0;
    countries.features.forEach(function (feature) {
      var d = path(feature);
      if (!d) return;
      var country = byNumeric[feature.id];
      var shape = document.createElementNS(SVG, "path");
      shape.setAttribute("d", d);
      shape.setAttribute("class", "map-country");
      shape.setAttribute("fill", country ? colourOf[country.status] : data.noData);
      var title = document.createElementNS(SVG, "title");
      if (country) {
        shown += 1;
        shape.setAttribute("data-iso2", country.iso2);
        shape.setAttribute("data-status", country.status);
        title.textContent = country.name + ": " + country.label;
      } else {
        title.textContent = feature.properties.name;
      }
      shape.appendChild(title);
      svg.appendChild(shape);
    });
    figure.replaceChildren(svg);
    figure.setAttribute("data-countries-shown", String(shown));

    // Hovering a row of the table points the country out on the map, and the other way round.
    var table = document.querySelector(".country-table");
    function highlight(iso2, on) {
      var shape = svg.querySelector('[data-iso2="' + iso2 + '"]');
      if (shape) shape.classList.toggle("is-highlighted", on);
      var row = table && table.querySelector('tr[data-iso2="' + iso2 + '"]');
      if (row) row.classList.toggle("table-active", on);
    }
    svg.addEventListener("mouseover", function (event) {
      if (event.target.dataset.iso2) highlight(event.target.dataset.iso2, true);
    });
    svg.addEventListener("mouseout", function (event) {
      if (event.target.dataset.iso2) highlight(event.target.dataset.iso2, false);
    });
    if (table) {
      table.addEventListener("mouseover", function (event) {
        var row = event.target.closest("tr[data-iso2]");
        if (row) highlight(row.dataset.iso2, true);
      });
      table.addEventListener("mouseout", function (event) {
        var row = event.target.closest("tr[data-iso2]");
        if (row) highlight(row.dataset.iso2, false);
      });
    }
  }

  function mapFailed() {
    var figure = document.getElementById("world-map");
    figure.querySelector(".map-loading").textContent = figure.dataset.failed || "The map could not be drawn; the table lists every country.";
  }

  fetch(data.atlas, { credentials: "same-origin" })
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(drawMap)
    .catch(mapFailed);

  if (typeof Chart === "undefined") return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#35424f";
  Chart.defaults.animation = false;

  new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: {
      labels: data.funnel.stages,
      datasets: [{
        data: data.funnel.values,
        backgroundColor: ["#9fc5e8", "#6fa8dc", "#3d85c6", "#0f766e", "#1b7a4b"],
        borderRadius: 4,
      }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (item) {
          var share = data.funnel.total ? Math.round(100 * item.raw / data.funnel.total) : 0;
          return item.raw + " / " + data.funnel.total + " (" + share + "%)";
        } } },
      },
      scales: { x: { beginAtZero: true, max: data.funnel.total || undefined, ticks: { precision: 0 } } },
    },
  });

  function stacked(canvasId, series, showLabels) {
    var canvas = document.getElementById(canvasId);
    // A bar of about 22px per recommendation, whatever their number.
    canvas.parentNode.style.height = Math.max(180, 26 * data.recommendations.labels.length + 90) + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.recommendations.labels,
        datasets: series.map(function (one) {
          return { label: one.label, data: one.data, backgroundColor: one.colour, borderWidth: 0, maxBarThickness: 22 };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { position: "top", labels: { boxWidth: 12 } } },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: true, ticks: {
            display: showLabels,
            autoSkip: false,
            callback: function (value) {
              var label = this.getLabelForValue(value);
              if (!showLabels) return label.split(" ")[0];
              return label.length > 46 ? label.slice(0, 44) + "…" : label;
            },
          } },
        },
      },
    });
  }
  stacked("status-chart", data.recommendations.statuses, true);
  stacked("verdict-chart", data.recommendations.verdicts, false);
})();
