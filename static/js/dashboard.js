// The dashboard's chart: data from the page's json_script (CSP: no inline scripts), drawn by the vendored Chart.js.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("dashboard-data");
  var canvas = document.getElementById("dashboard-chart");
  var names = document.getElementById("dashboard-labels");
  if (!source || !canvas || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: names.dataset.due, data: data.due, backgroundColor: "#d9d4cc" },
        { label: names.dataset.done, data: data.done, backgroundColor: "#c8102e" },
        { label: names.dataset.closed, data: data.closed, type: "line", borderColor: "#2f7d32",
          backgroundColor: "#2f7d32", tension: 0.2 }
      ]
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
});
