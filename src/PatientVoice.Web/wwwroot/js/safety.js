// Danger words in the patient's free text: show the "get help now" message at once.
// The list is Patients/safety-terms.json (reviewed, English and Spanish), passed in data-safety-terms;
// fold() must fold exactly as SafetyTerms.Fold on the server does.
(function () {
  'use strict';
  var map = { 'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
    'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ñ': 'n', 'ç': 'c', '\u2019': "'", '\u2018': "'", '`': "'" };

  function fold(text) {
    var lower = String(text).toLowerCase();
    var out = '';
    for (var i = 0; i < lower.length; i++) {
      var c = lower.charAt(i);
      out += map[c] || (/\s/.test(c) ? ' ' : c);
    }
    return out.replace(/ {2,}/g, ' ');
  }

  function escape(term) { return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  function build(terms) {
    var folded = terms.map(fold).sort(function (a, b) { return b.length - a.length; }).map(escape);
    return new RegExp('(?:^|[^a-z0-9])(?:' + folded.join('|') + ')(?![a-z0-9])');
  }

  window.PatientVoiceSafety = {
    create: function (terms) {
      var pattern = build(terms);
      return { matches: function (text) { return !!text && pattern.test(fold(text)); } };
    }
  };
})();
