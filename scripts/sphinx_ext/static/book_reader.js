/* The book's reader fixes (scripts/sphinx_ext/book_reader.py explains each). No network, no library. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // 1. The visible hamburger opens the drawer (pydata-sphinx-theme issue 2451): the theme binds
  //    only the first .primary-toggle of the page; forward the others' clicks to it.
  function forwardSidebarToggles() {
    var toggles = Array.prototype.slice.call(document.querySelectorAll(".primary-toggle"));
    if (toggles.length < 2) return;
    var bound = toggles[0];
    toggles.slice(1).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopImmediatePropagation();
        bound.click();
      }, true);
    });
  }

  // 3. Figures open at full size.
  function figureImages() {
    return document.querySelectorAll(
      "article .cell_output img, article figure img, article .figure img, article img.align-center"
    );
  }

  function openFigure(img) {
    var overlay = document.createElement("div");
    overlay.className = "book-figure-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", img.getAttribute("alt") || "");
    overlay.tabIndex = -1;
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    overlay.appendChild(big);
    function close() {
      overlay.remove();
      document.removeEventListener("keydown", onKey);
      img.focus();
    }
    function onKey(event) { if (event.key === "Escape") close(); }
    overlay.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    document.body.appendChild(overlay);
    overlay.focus();
  }

  function zoomableFigures() {
    figureImages().forEach(function (img) {
      img.classList.add("book-zoomable");
      img.tabIndex = 0;
      img.addEventListener("click", function () { openFigure(img); });
      img.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openFigure(img); }
      });
    });
  }

  // 4. A click anywhere in a collapsible title (also on the exercise link inside a solution's
  //    title) toggles the block, through the toggle button that sphinx-togglebutton understands.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var title = target.closest(".admonition.toggle > .admonition-title");
    if (!title || target === title || target.closest(".toggle-button")) return;
    var button = title.querySelector(".toggle-button");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    button.click();
  }, true);

  // 4. Printed pages show every solution and hidden block expanded.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = [];
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      reopened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });

  // 6. Search snippets from the prose only: no TeX source of formulas, no code, no menus.
  function cleanSnippets() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search._bookCleaned) return;
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(
        ".math, mjx-container, script, style, nav, .headerlink, .toggle-button, .cell_input, .cell_output, " +
        ".bd-header-article, .prev-next-area, .lang-switch, .book-edition"
      ).forEach(function (el) { el.remove(); });
      return original(doc.documentElement.outerHTML, anchor).replace(/\s+/g, " ");
    };
    Search._bookCleaned = true;
  }

  cleanSnippets();
  ready(function () {
    forwardSidebarToggles();
    zoomableFigures();
    cleanSnippets();
  });
})();
