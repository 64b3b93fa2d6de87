// Times a person reads, in their own time zone: the server writes each instant as <time datetime="…Z" data-local="…">
// with UTC text (the fallback without script); this rewrites the text with the browser's Intl.DateTimeFormat, in the
// page's language. Loaded as a file of ours, so the pages' Content-Security-Policy (script-src 'self') allows it.
(function () {
  'use strict';
  var STYLES = {
    'long-date': { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
    'long-datetime': { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
    'short-date': { day: 'numeric', month: 'short', year: 'numeric' },
    'short-datetime': { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }
  };
  var language = document.documentElement.lang || undefined;
  document.querySelectorAll('time[datetime][data-local]').forEach(function (element) {
    var style = STYLES[element.getAttribute('data-local')];
    var instant = new Date(element.getAttribute('datetime'));
    if (!style || isNaN(instant.getTime())) { return; }
    try {
      element.textContent = new Intl.DateTimeFormat(language, style).format(instant);
      element.setAttribute('data-local-done', 'true');
    } catch (e) {
      // An unknown locale or option: the UTC text stays, which still says what it is.
    }
  });
  // What the server writes itself (the My copy PDF) cannot be rewritten here: links marked data-time-zone tell the
  // server the browser's zone instead (an IANA name such as America/Chicago; the server checks it, else uses UTC).
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = undefined; }
  if (zone) {
    document.querySelectorAll('a[href][data-time-zone]').forEach(function (link) {
      var url = new URL(link.href, document.baseURI);
      url.searchParams.set('tz', zone);
      link.href = url.toString();
    });
  }
})();
