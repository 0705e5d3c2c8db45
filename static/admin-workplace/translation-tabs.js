/* Tabs per language for the translated fields of an admin form (django-modeltranslation).
 *
 * modeltranslation marks each translated widget with `mt mt-field-<field>-<lang>`; its own tabs
 * need jQuery UI from a CDN, which the portal's CSP forbids. This file, loaded as a static file
 * (no inline script), shows one language at a time: the rows of a fieldset, and the columns of a
 * tabular inline. A language whose fields carry an error is flagged on its tab and opened first.
 */
(function () {
  "use strict";

  var FIELD_CLASS = /^mt-field-(.+)-([a-z]{2}(?:_[a-z]+)?)$/;

  function widgetsByLanguage(root) {
    var found = {};
    var order = [];
    root.querySelectorAll(".mt").forEach(function (widget) {
      widget.classList.forEach(function (cls) {
        var match = FIELD_CLASS.exec(cls);
        if (!match) return;
        var lang = match[2];
        if (!found[lang]) {
          found[lang] = [];
          order.push(lang);
        }
        found[lang].push(widget);
      });
    });
    return { found: found, order: order };
  }

  // The elements to hide with a widget: its fieldset row, or its table cell and column heading.
  function containersOf(widget) {
    var cell = widget.closest("td");
    if (cell) {
      var name = Array.prototype.find.call(cell.classList, function (cls) { return cls.indexOf("field-") === 0; });
      var table = cell.closest("table");
      var heading = name && table ? table.querySelector("th.column-" + name.slice("field-".length)) : null;
      return heading ? [cell, heading] : [cell];
    }
    var box = widget.closest(".fieldBox") || widget.closest(".form-row");
    return box ? [box] : [];
  }

  function languageName(lang) {
    var display = document.documentElement.lang || lang;
    try {
      var name = new Intl.DisplayNames([display], { type: "language" }).of(lang.replace("_", "-"));
      return name.charAt(0).toLocaleUpperCase(display) + name.slice(1);
    } catch (e) {
      return lang.toUpperCase();
    }
  }

  function hasError(widget) {
    return containersOf(widget).some(function (el) {
      return el.classList.contains("errors") || el.querySelector(".errorlist");
    });
  }

  function init() {
    var form = document.querySelector("#content-main form");
    if (!form) return;
    var langs = widgetsByLanguage(form);
    if (langs.order.length < 2) return;

    var tablist = document.createElement("div");
    tablist.className = "mt-language-tabs";
    tablist.setAttribute("role", "tablist");
    var buttons = {};
    var selected = langs.order[0];

    langs.order.forEach(function (lang) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mt-language-tab";
      button.id = "mt-tab-" + lang;
      button.setAttribute("role", "tab");
      button.setAttribute("lang", lang);
      button.dataset.language = lang;
      button.textContent = languageName(lang);
      if (langs.found[lang].some(hasError)) {
        button.classList.add("mt-has-errors");
        if (selected === langs.order[0] && !langs.found[selected].some(hasError)) selected = lang;
      }
      button.addEventListener("click", function () { select(lang, true); });
      button.addEventListener("keydown", function (event) {
        var index = langs.order.indexOf(lang);
        var next = null;
        var rtl = document.documentElement.dir === "rtl";
        if (event.key === (rtl ? "ArrowLeft" : "ArrowRight")) next = langs.order[(index + 1) % langs.order.length];
        if (event.key === (rtl ? "ArrowRight" : "ArrowLeft")) next = langs.order[(index - 1 + langs.order.length) % langs.order.length];
        if (event.key === "Home") next = langs.order[0];
        if (event.key === "End") next = langs.order[langs.order.length - 1];
        if (next) {
          event.preventDefault();
          select(next, true);
        }
      });
      buttons[lang] = button;
      tablist.appendChild(button);
    });

    function apply() {
      var current = widgetsByLanguage(form);
      current.order.forEach(function (lang) {
        current.found[lang].forEach(function (widget) {
          containersOf(widget).forEach(function (el) {
            el.classList.toggle("mt-hidden", lang !== selected);
            if (!el.matches("th")) {
              el.setAttribute("role", "tabpanel");
              el.setAttribute("aria-labelledby", "mt-tab-" + lang);
            }
          });
        });
      });
    }

    function select(lang, focus) {
      selected = lang;
      langs.order.forEach(function (code) {
        var on = code === lang;
        buttons[code].setAttribute("aria-selected", on ? "true" : "false");
        buttons[code].tabIndex = on ? 0 : -1;
      });
      if (focus) buttons[lang].focus();
      apply();
    }

    var first = form.querySelector("fieldset, .inline-group");
    (first ? first.parentNode : form).insertBefore(tablist, first);
    select(selected, false);
    // Rows added with "Add another" follow the language shown.
    document.addEventListener("formset:added", apply);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
