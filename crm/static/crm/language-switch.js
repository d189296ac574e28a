// Choosing a language in the header's menu switches at once (a file rather than an inline
// handler: the Content-Security-Policy runs no inline script).
document.addEventListener("change", function (event) {
  if (event.target.matches(".language-switch select")) {
    event.target.form.submit();
  }
});
