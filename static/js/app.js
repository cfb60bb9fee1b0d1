// Project behaviour. Loaded as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // htmx sends the CSRF token with every request it makes.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.content;
    }
  });

  // After htmx swaps a form in, move the focus into it so keyboard users stay in place.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var invalid = target.querySelector("[aria-invalid=true], .is-invalid");
    var first = invalid || target.querySelector("[autofocus], input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  });

  // Elements marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // A table that scrolls sideways (narrow screens) must be reachable by keyboard.
  function makeScrollableTablesFocusable(root) {
    root.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth && !wrapper.hasAttribute("tabindex")) {
        var caption = wrapper.querySelector("caption");
        wrapper.tabIndex = 0;
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      }
    });
  }
  makeScrollableTablesFocusable(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    makeScrollableTablesFocusable(event.detail.target);
  });

  // Language switcher submits on change without an inline handler.
  document.querySelectorAll("[data-autosubmit]").forEach(function (element) {
    element.addEventListener("change", function () {
      element.form.submit();
    });
  });
})();
