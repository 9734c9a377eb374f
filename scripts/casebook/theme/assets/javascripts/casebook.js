// Casebook: keyboard access on top of Material. Runs on every page, also after instant navigation.

// Glossary terms (<abbr>, shown by Material's content.tooltips) can be reached with the keyboard,
// so their tooltip shows on focus as well as on hover. Only the first use of each term on a page
// becomes a tab stop, so a page full of terms does not bury its links under them.
document$.subscribe(() => {
  const seen = new Set();
  document.querySelectorAll("article abbr").forEach((abbr) => {
    const term = abbr.getAttribute("title") || abbr.textContent.trim().toLowerCase();
    if (seen.has(term)) return;
    seen.add(term);
    abbr.tabIndex = 0;
  });
});

// A tooltip (a footnote's text, a term's definition) is a copy appended to the end of the page
// while its host is hovered or focused. Its links stay clickable, but leave the tab order: Tab
// would otherwise step into a copy that disappears, and the focus would be lost. The same links
// are reached with the keyboard in the footnotes themselves.
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    for (const node of mutation.addedNodes) {
      if (!(node instanceof Element)) continue;
      const tips = node.matches(".md-tooltip2") ? [node] : node.querySelectorAll(".md-tooltip2");
      for (const tip of tips) {
        tip.querySelectorAll("a[href], [tabindex], button, summary").forEach((el) => (el.tabIndex = -1));
      }
    }
  }
}).observe(document.body, { childList: true, subtree: true });

// The skip link moves the keyboard focus to the page's heading, and the next Tab goes on inside the
// main content. Left to itself, Material's instant navigation takes the new #fragment as a
// navigation and swaps in a fresh copy of the page, which drops the focus to <body> at a moment
// that depends on the network, so where the next Tab landed was a matter of timing. The click is
// kept from Material (caught on window, before it reaches the document) and does what a skip link
// is for: focus the heading, which scrolls it into view. The heading becomes focusable by script
// only (tabindex -1), so it is never a tab stop of its own. Without JavaScript the link is a plain
// same-page link, as before.
window.addEventListener(
  "click",
  (event) => {
    const skip = event.target instanceof Element ? event.target.closest("a.md-skip") : null;
    if (!skip) return;
    const target = document.getElementById(decodeURIComponent(skip.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  },
  true,
);
