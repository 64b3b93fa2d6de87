// The questionnaire page: renders the form with LHC-Forms, saves the answers as a draft every few seconds and when
// the page is left (with a visible "saved" state), shows the help message when free text has danger words, and
// saves before moving on (review, language switch).
// The server drew the first questions as plain controls (#pv-first, ADR 0026) so that they are there before LHC-Forms:
// whatever the patient answered there is carried into LHC-Forms, which then takes their place.
(function () {
  'use strict';
  var host = document.getElementById('pv-form');
  if (!host) { return; }
  var SAVE_EVERY_MS = 3000;
  var token = document.querySelector('input[name="__RequestVerificationToken"]').value;
  var state = document.getElementById('pv-save-state');
  var safetyBox = document.getElementById('pv-safety');
  var safety = window.PatientVoiceSafety.create(JSON.parse(host.dataset.safetyTerms || '[]'));
  var draftId = host.dataset.draftId || null;
  var draftVersion = host.dataset.draftVersion ? parseInt(host.dataset.draftVersion, 10) : null;
  var questionnaire = JSON.parse(host.dataset.questionnaire);
  var response = JSON.parse(host.dataset.response);
  var ready = false;
  var lastSaved = null;
  var saving = null;

  function setState(text, problem) {
    state.textContent = text;
    state.classList.toggle('problem', !!problem);
  }

  function clock() {
    var d = new Date();
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function current() { return LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', host); }

  function answersOf(qr) { return JSON.stringify((qr && qr.item) || []); }

  function freeText(items, out) {
    (items || []).forEach(function (item) {
      (item.answer || []).forEach(function (a) {
        if (typeof a.valueString === 'string') { out.push(a.valueString); }
        freeText(a.item, out);
      });
      freeText(item.item, out);
    });
    return out;
  }

  function checkSafety(texts) {
    if (texts.some(function (t) { return safety.matches(t); }) && safetyBox.hidden) {
      safetyBox.hidden = false;
    }
  }

  // Resolves true once the answers on screen are stored.
  // force: store a draft even when nothing changed since the page opened (before the review step).
  function save(keepalive, force) {
    if (!ready) { return Promise.resolve(false); }
    if (saving) { return saving.then(function () { return save(keepalive, force); }); }
    var qr = current();
    var answers = answersOf(qr);
    if (answers === lastSaved && (draftId || !force)) { return Promise.resolve(true); }
    setState(host.dataset.textSaving);
    saving = fetch(host.dataset.saveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: !!keepalive,
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token },
      body: JSON.stringify({ id: draftId, version: draftVersion, start: host.dataset.start || null, response: qr })
    }).then(function (r) {
      if (r.ok) {
        return r.json().then(function (saved) {
          draftId = saved.id;
          draftVersion = saved.version;
          host.dataset.draftId = saved.id;
          host.dataset.draftVersion = saved.version;
          lastSaved = answers;
          setState(host.dataset.textSaved.replace('{0}', clock()));
          return true;
        });
      }
      setState(r.status === 409 ? host.dataset.textConflict : r.status === 422 ? host.dataset.textInvalid : host.dataset.textNotSaved, true);
      return false;
    }, function () {
      setState(host.dataset.textNotSaved, true);
      return false;
    }).finally(function () { saving = null; });
    return saving;
  }

  function saveThenGo(url) {
    save(false, url === host.dataset.reviewUrl).then(function (ok) { if (ok) { window.location.assign(url); } });
  }

  // LHC-Forms' "add another" button points aria-controls and aria-describedby at an element that does not exist and
  // repeats the whole question as its name: ours says what it does, in the page's language, and points at nothing missing.
  function tidyAddButtons() {
    host.querySelectorAll('button[id^="add-"]').forEach(function (button) {
      ['aria-controls', 'aria-describedby'].forEach(function (name) {
        var target = button.getAttribute(name);
        if (target && !document.getElementById(target)) { button.removeAttribute(name); }
      });
      if (button.dataset.pvLabelled !== 'true' && host.dataset.textAddAnother) {
        button.dataset.pvLabelled = 'true';
        button.textContent = host.dataset.textAddAnother;
        button.setAttribute('aria-label', host.dataset.textAddAnother);
      }
    });
  }

  // LHC-Forms 40 draws a yes/no question as three radios and starts it on "Not Answered", checked — a choice the
  // person did not make, and with a checked radio only that one takes the keyboard focus. It has no option to start
  // empty, so until the person chooses, nothing is shown as chosen: the "Not Answered" radio is unchecked in the page
  // (the form's value stays "no answer", which is what it is). Choosing Yes or No works as before, and choosing
  // "Not Answered" afterwards still clears the answer.
  function startBooleansEmpty(root) {
    root.querySelectorAll('lhc-item-boolean').forEach(function (item) {
      if (item.dataset.pvStarted === 'true') { return; }
      var choices = item.querySelectorAll('label.ant-radio-wrapper');
      if (choices.length !== 3) { return; }
      item.dataset.pvStarted = 'true';
      var notAnswered = choices[2];
      var input = notAnswered.querySelector('input[type=radio]');
      if (!input || !input.checked) { return; }
      input.checked = false;
      notAnswered.classList.remove('ant-radio-wrapper-checked');
      var picture = notAnswered.querySelector('.ant-radio');
      if (picture) { picture.classList.remove('ant-radio-checked'); }
      item.dataset.pvEmpty = 'true';
    });
  }

  // While a yes/no question is still in that empty start, LHC-Forms thinks "Not Answered" is chosen and does not redraw
  // it when it is picked: draw it chosen ourselves.
  host.addEventListener('change', function (e) {
    var input = e.target;
    var item = input && input.closest ? input.closest('lhc-item-boolean[data-pv-empty=true]') : null;
    if (!item) { return; }
    delete item.dataset.pvEmpty;
    var choices = item.querySelectorAll('label.ant-radio-wrapper');
    if (input.checked && choices[2] && choices[2].contains(input)) {
      choices[2].classList.add('ant-radio-wrapper-checked');
      var picture = choices[2].querySelector('.ant-radio');
      if (picture) { picture.classList.add('ant-radio-checked'); }
    }
  }, true);

  // LHC-Forms 40 has its interface strings in English only, compiled in (no locale to load): on a Spanish page ours
  // replace them where a person meets them — placeholders, the yes/no choices, the help buttons' titles.
  var SPANISH = {
    'Select one': 'Elija una opción',
    'Select one or more': 'Elija una o más',
    'Select one or type a value': 'Elija una opción o escriba',
    'Select one or more or type a value': 'Elija una o más, o escriba',
    'Search for a value': 'Busque una opción',
    'Search for values': 'Busque opciones',
    'Search for or type a value': 'Busque o escriba',
    'Search for or type values': 'Busque o escriba',
    'Type a value': 'Escriba su respuesta',
    'Type a number': 'Escriba un número',
    'MM/DD/YYYY': 'MM/DD/AAAA',
    'Yes': 'Sí',
    'No': 'No',
    'Not Answered': 'Sin responder',
    'Instruction': 'Indicaciones'
  };
  var strings = document.documentElement.lang === 'es' ? SPANISH : null;

  function translate(root) {
    if (!strings) { return; }
    root.querySelectorAll('[placeholder]').forEach(function (el) {
      var said = strings[el.getAttribute('placeholder')];
      if (said) { el.setAttribute('placeholder', said); }
    });
    root.querySelectorAll('[title]').forEach(function (el) {
      var title = el.getAttribute('title');
      var said = strings[title];
      // The remove buttons' titles name their question: 'Remove this "…"' and 'Remove this row of "…"'.
      var removes = /^Remove this (row of )?"([\s\S]*)"$/.exec(title);
      if (removes) { said = (removes[1] ? 'Quitar esta fila de «' : 'Quitar «') + removes[2] + '»'; }
      if (said) { el.setAttribute('title', said); }
    });
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (text && Object.prototype.hasOwnProperty.call(strings, text) && strings[text] !== text) {
        node.nodeValue = node.nodeValue.replace(text, strings[text]);
      }
    }
  }

  // --- The server-drawn first questions (#pv-first) --------------------------------------------------------------
  var first = document.getElementById('pv-first');
  var definitions = {};
  (function index(items) {
    (items || []).forEach(function (item) { definitions[item.linkId] = item; index(item.item); });
  })(questionnaire.item);

  // The controls of one question (not those of a group inside it: a question holds none).
  function fieldsOf(question) { return Array.prototype.slice.call(question.querySelectorAll('input, textarea')); }

  function answersIn(question) {
    var type = question.dataset.type;
    var definition = definitions[question.dataset.linkId] || {};
    var answers = [];
    fieldsOf(question).forEach(function (field) {
      if (field.type === 'radio') {
        if (!field.checked) { return; }
        if (type === 'boolean') { answers.push({ valueBoolean: field.value === 'true' }); return; }
        var option = (definition.answerOption || [])[parseInt(field.value, 10)];
        if (option && option.valueCoding) { answers.push({ valueCoding: option.valueCoding }); }
        else if (option && typeof option.valueString === 'string') { answers.push({ valueString: option.valueString }); }
        return;
      }
      var value = field.value;
      if (!value || !value.trim()) { return; }
      if (type === 'date') { answers.push({ valueDate: value }); }
      else if (type === 'integer') { if (/^-?\d+$/.test(value.trim())) { answers.push({ valueInteger: parseInt(value, 10) }); } }
      else { answers.push({ valueString: value }); }
    });
    return answers;
  }

  // The response items of the drawn questions directly inside container, in page order.
  function itemsIn(container) {
    var items = [];
    Array.prototype.forEach.call(container.children, function (child) {
      if (!child.dataset || !child.dataset.linkId) { return; }
      if (child.dataset.type === 'group') {
        var inner = itemsIn(child);
        if (inner.length) { items.push({ linkId: child.dataset.linkId, item: inner }); }
        return;
      }
      var answers = answersIn(child);
      if (answers.length) { items.push({ linkId: child.dataset.linkId, answer: answers }); }
    });
    return items;
  }

  // Whether the patient changed anything in the drawn questions.
  function touched() {
    return !!first && Array.prototype.some.call(first.querySelectorAll('input, textarea'), function (field) {
      return field.type === 'radio' || field.type === 'checkbox' ? field.checked !== field.defaultChecked : field.value !== field.defaultValue;
    });
  }

  // The response the page opened with, the drawn questions' items replaced by what their controls now hold.
  function responseFromPage() {
    if (!touched()) { return response; }
    var drawn = (first.dataset.linkIds || '').split(' ').filter(Boolean);
    var fromPage = itemsIn(first);
    var merged = [];
    (questionnaire.item || []).forEach(function (definition) {
      var source = drawn.indexOf(definition.linkId) >= 0 ? fromPage : (response.item || []);
      source.forEach(function (item) { if (item.linkId === definition.linkId) { merged.push(item); } });
    });
    var copy = JSON.parse(JSON.stringify(response));
    copy.item = merged;
    return copy;
  }

  // Where the patient was in the drawn questions: the question, which of its fields (or repetitions), the caret.
  function focusInFirst() {
    var active = document.activeElement;
    var question = first && active && first.contains(active) && active.closest ? active.closest('[data-link-id]') : null;
    if (!question) { return null; }
    var linkId = question.dataset.linkId;
    var same = Array.prototype.filter.call(first.querySelectorAll('[data-link-id]'), function (q) { return q.dataset.linkId === linkId; });
    var fields = [];
    same.forEach(function (q) { fields = fields.concat(fieldsOf(q).filter(function (f) { return f.type !== 'radio' && f.type !== 'hidden'; })); });
    var index = active.type === 'radio' ? same.indexOf(question) : fields.indexOf(active);
    var caret = null;
    try { caret = typeof active.selectionStart === 'number' ? active.selectionStart : null; } catch (e) { caret = null; }
    return { linkId: linkId, index: Math.max(0, index), caret: caret };
  }

  // The same place in LHC-Forms (its fields' ids start with the linkId and a slash).
  function focusInForm(place) {
    if (!place) { return; }
    var fields = Array.prototype.filter.call(host.querySelectorAll('input:not([type=hidden]), textarea'), function (f) {
      return f.id && f.id.indexOf(place.linkId + '/') === 0;
    });
    var target = fields[Math.min(fields.length - 1, place.index)];
    if (!target) { return; }
    target.focus();
    if (place.caret !== null && typeof target.setSelectionRange === 'function') {
      try { target.setSelectionRange(place.caret, place.caret); } catch (e) { /* not a text field */ }
    }
  }

  // LHC-Forms' own styles, loaded without holding up the first paint (media="print"), apply from the moment it shows.
  function lformsStyles() {
    var link = document.getElementById('pv-lforms-styles');
    if (!link) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      if (link.sheet) { resolve(); return; }
      link.addEventListener('load', function () { resolve(); });
      link.addEventListener('error', function () { resolve(); });
    });
  }

  // Renders LHC-Forms with the answers on the page; if the patient changed something while it rendered, again.
  function hydrate(tries) {
    var opening = responseFromPage();
    var snapshot = JSON.stringify(opening.item || []);
    var options = { fhirVersion: 'R4' };
    if (opening.item && opening.item.length) { options.questionnaireResponse = opening; }
    return Promise.all([LForms.Util.addFormToPage(questionnaire, host, options), lformsStyles()]).then(function () {
      if (tries < 5 && JSON.stringify(responseFromPage().item || []) !== snapshot) { return hydrate(tries + 1); }
      return opening;
    });
  }

  var hydrated;
  try { hydrated = hydrate(0); } catch (error) { hydrated = Promise.reject(error); }
  hydrated.then(function (opening) {
    // In one go: LHC-Forms' styles on, its form in, the drawn questions out, the focus where the patient was.
    var place = focusInFirst();
    var changed = opening !== response;
    var styles = document.getElementById('pv-lforms-styles');
    if (styles) { styles.media = 'all'; }
    host.hidden = false;
    if (first) { first.remove(); }
    ready = true;
    // Only a change makes a draft: opening a questionnaire to look at it stores nothing; what the patient answered
    // before LHC-Forms was there is a change.
    lastSaved = changed ? null : answersOf(current());
    checkSafety(freeText(opening.item, []));
    startBooleansEmpty(host);
    tidyAddButtons();
    translate(host);
    new MutationObserver(function () { startBooleansEmpty(host); tidyAddButtons(); translate(host); })
      .observe(host, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-controls', 'aria-describedby', 'placeholder', 'title'] });
    focusInForm(place);
    host.setAttribute('data-ready', 'true');
  }, function (error) {
    setState(host.dataset.textLoadingFailed, true);
    if (window.console) { console.error('LHC-Forms could not render the questionnaire', error); }
  });

  // Danger words typed in the drawn questions show the help message at once too.
  if (first) {
    first.addEventListener('input', function (e) {
      if (e.target && typeof e.target.value === 'string') { checkSafety([e.target.value]); }
    });
  }

  // After "add another", the person goes on in the new field, not wherever the page left focus.
  host.addEventListener('click', function (e) {
    var button = e.target && e.target.closest ? e.target.closest('button[id^="add-"]') : null;
    if (!button) { return; }
    var fields = 'input:not([type=hidden]), textarea';
    var before = new Set(host.querySelectorAll(fields));
    var tries = 0;
    (function focusNew() {
      var added = Array.prototype.find.call(host.querySelectorAll(fields), function (f) { return !before.has(f); });
      if (added) { added.focus(); } else if (++tries < 40) { setTimeout(focusNew, 25); }
    })();
  }, true);

  host.addEventListener('input', function (e) {
    if (e.target && typeof e.target.value === 'string') { checkSafety([e.target.value]); }
  });
  host.addEventListener('change', function (e) {
    if (e.target && typeof e.target.value === 'string') { checkSafety([e.target.value]); }
  });

  setInterval(function () { save(false); }, SAVE_EVERY_MS);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') { save(true); } });
  window.addEventListener('pagehide', function () { save(true); });

  document.getElementById('pv-review').addEventListener('click', function () { saveThenGo(host.dataset.reviewUrl); });
  ['pv-language', 'pv-later'].forEach(function (id) {
    var link = document.getElementById(id);
    if (link) {
      link.addEventListener('click', function (e) { e.preventDefault(); saveThenGo(link.href); });
    }
  });
})();
