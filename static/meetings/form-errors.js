// After a failed submit, move the focus to the error summary so that keyboard and screen-reader
// users start from the list of problems instead of the top of the page.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-focus-on-load], #registration-form .alert");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});
