// The dashboard's chart: data from the page's json_script (CSP: no inline scripts), drawn by the vendored Chart.js.
// Tasks (due, done) are bars on the left scale; organizations closed out, a much smaller number, a line on a
// scale of its own on the right, so that it does not lie flat. Colours keep the portal's meanings (portal.css):
// grey = due, green = done (--ok), blue = closed out (--info); red is kept for late and overdue.
document.addEventListener("DOMContentLoaded", function () {
  // The filters fold away on a phone; on a wider screen they are open.
  var fold = document.querySelector(".filters-fold");
  if (fold && window.matchMedia("(min-width: 721px)").matches) { fold.open = true; }

  var source = document.getElementById("dashboard-data");
  var canvas = document.getElementById("dashboard-chart");
  var names = document.getElementById("dashboard-labels");
  if (!source || !canvas || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { return; }
  var ink = "#1f2328", muted = "#5f6670";
  window.Chart.defaults.font.size = 13;
  window.Chart.defaults.color = ink;
  function title(text, color) { return { display: true, text: text, color: color || muted, font: { size: 13, weight: "600" } }; }
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: names.dataset.due, data: data.due, backgroundColor: "#b9b3a9", yAxisID: "tasks", order: 2 },
        { label: names.dataset.done, data: data.done, backgroundColor: "#23744a", yAxisID: "tasks", order: 2 },
        { label: names.dataset.closed, data: data.closed, type: "line", yAxisID: "organizations", order: 1,
          borderColor: "#1f5f9e", backgroundColor: "#1f5f9e", borderWidth: 3, pointRadius: 4, tension: 0.2 }
      ]
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { title: title(names.dataset.period), grid: { display: false } },
        tasks: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 },
                 title: title(names.dataset.tasks) },
        organizations: { type: "linear", position: "right", beginAtZero: true, suggestedMax: 4,
                         ticks: { precision: 0, color: "#1f5f9e" }, grid: { drawOnChartArea: false },
                         title: title(names.dataset.organizations, "#1f5f9e") }
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14, padding: 14 } } }
    }
  });
});
