// The disclosure board's print button (no inline scripts: CSP script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-board");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
