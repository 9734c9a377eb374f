// Printing a lesson expands every collapsed part (answers, notes) and restores them afterwards.
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details:not([open])").forEach((details) => {
    details.setAttribute("open", "");
    details.dataset.casebookPrinted = "1";
  });
});
window.addEventListener("afterprint", () => {
  document.querySelectorAll("details[data-casebook-printed]").forEach((details) => {
    details.removeAttribute("open");
    delete details.dataset.casebookPrinted;
  });
});
