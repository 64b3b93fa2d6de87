// "My copy": the print button (no inline script: the pages' Content-Security-Policy allows none).
(function () {
  'use strict';
  var button = document.getElementById('pv-print');
  if (button) { button.addEventListener('click', function () { window.print(); }); }
})();
