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

// Citation popovers. A tap, a click or Enter on a footnote number opens a small dialog beside it (a
// sheet at the foot of the screen on a phone) with the statement's status, each source's title,
// publisher and date, the excerpt, and links to the original and the archived copy, instead of
// jumping to the foot of the page. Escape, the close button, a tap elsewhere or Tab out of it close
// it; Escape and the close button give the focus back to the number. With a mouse, resting on a
// number shows the same popover without taking the focus: it stays while the pointer is on the
// number or on the popover (so its links can be reached), and goes shortly after the pointer leaves
// both, or with Escape; a click then pins it, as a tap would. This replaces Material's footnote
// tooltips, which mounted a component for every footnote number of a page as it loaded: here one
// listener serves them all, and a page pays nothing until a number is used. Everything it shows is read
// from the footnote, which the renderer marks up part by part (render/writer.py, cb-cite__*), and
// written with textContent: nothing from a record is ever parsed as HTML. Without JavaScript the
// number is a plain link to the footnote, which holds the same information; the popover never prints.
(() => {
  const STATUSES = ["alleged", "reported", "established", "disputed"];
  let open = null; // {box, ref, onKey, onDown, onFocus, hover}
  const HOVER_MS = 300; // a pointer passing over a number does not open it
  const LEAVE_MS = 300; // time to move from the number onto the popover
  let hoverTimer = 0;
  let leaveTimer = 0;

  // An address from the footnote, kept only if it is https or on this site (relative, same scheme).
  const safeHref = (href) => {
    if (!href) return null;
    try {
      const url = new URL(href, document.baseURI);
      return url.protocol === "https:" || url.protocol === location.protocol ? url.href : null;
    } catch {
      return null;
    }
  };
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };
  const textOf = (root, selector) => {
    const node = root.querySelector(selector);
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  };
  const link = (text, href, className) => {
    const safe = safeHref(href);
    if (!safe) return null;
    const a = el("a", className, text);
    a.href = safe;
    return a;
  };

  function close(returnFocus) {
    if (!open) return;
    const { box, ref } = open;
    document.removeEventListener("keydown", open.onKey, true);
    document.removeEventListener("pointerdown", open.onDown, true);
    box.removeEventListener("focusout", open.onFocus);
    box.remove();
    ref.setAttribute("aria-expanded", "false");
    open = null;
    if (returnFocus) ref.focus();
  }

  function build(ref, note) {
    const number = ref.textContent.trim();
    const box = el("div", "cb-popover");
    const id = `cb-popover-${note.id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    box.id = id;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-labelledby", `${id}-title`);
    box.tabIndex = -1;
    const head = el("div", "cb-popover__head");
    const title = el("p", "cb-popover__title", `Citation ${number}`);
    title.id = `${id}-title`;
    const shut = el("button", "cb-popover__close");
    shut.type = "button";
    shut.setAttribute("aria-label", "Close");
    shut.textContent = "×";
    shut.addEventListener("click", () => close(true));
    head.append(title, shut);
    box.append(head);

    // the statement's status: the footnote's own (a fact cited in running text) or the fact block's
    const status = note.querySelector(".cb-cite__status");
    const fact = ref.closest(".cb-fact");
    const badge = fact && fact.querySelector(".cb-badge");
    let key = null;
    let label = "";
    if (status) {
      key = [...status.classList].map((c) => c.replace("cb-cite__status--", "")).find((c) => STATUSES.includes(c));
      label = status.textContent.replace(/\.\s*$/, "").trim();
    } else if (badge) {
      key = [...badge.classList].map((c) => c.replace("cb-badge--", "")).find((c) => STATUSES.includes(c));
      label = badge.textContent.trim();
    }
    if (label) {
      const line = el("p", "cb-popover__status");
      line.append(el("span", key ? `cb-badge cb-badge--${key}` : "cb-badge", label));
      const statement = textOf(note, ".cb-cite__statement");
      if (statement) line.append(" ", el("span", "cb-popover__statement", statement));
      box.append(line);
    } else {
      const statement = textOf(note, ".cb-cite__statement");
      if (statement) box.append(el("p", "cb-popover__statement", statement));
    }

    for (const cite of note.querySelectorAll(".cb-cite")) {
      const part = el("div", "cb-popover__source");
      const titleLink = cite.querySelector(".cb-cite__title a");
      const name = textOf(cite, ".cb-cite__title");
      const heading = el("p", "cb-popover__source-title");
      heading.append(link(name, titleLink && titleLink.getAttribute("href")) || name);
      part.append(heading);
      const meta = [textOf(cite, ".cb-cite__publisher"), textOf(cite, ".cb-cite__date"), textOf(cite, ".cb-cite__locator")];
      part.append(el("p", "cb-popover__meta", meta.filter(Boolean).join(" · ")));
      const excerpt = textOf(cite, ".cb-cite__excerpt");
      if (excerpt) part.append(el("blockquote", "cb-popover__excerpt", excerpt));
      const links = el("p", "cb-popover__links");
      const original = cite.querySelector("a.cb-cite__original");
      const archive = cite.querySelector("a.cb-cite__archive");
      const found = [
        original && link("Original", original.getAttribute("href")),
        archive && link("Archived copy", archive.getAttribute("href")),
      ].filter(Boolean);
      found.forEach((a, i) => links.append(...(i ? [" · ", a] : [a])));
      if (found.length) part.append(links);
      box.append(part);
    }
    // a footnote without marked parts (hand-written pages): its text as it stands
    if (!note.querySelector(".cb-cite, .cb-cite__statement")) {
      const text = note.textContent.replace("↩", "").replace(/\s+/g, " ").trim();
      box.append(el("p", "cb-popover__statement", text));
    }
    const more = el("p", "cb-popover__more");
    const toNote = el("a", null, `Go to footnote ${number}`);
    toNote.href = `#${note.id}`;
    toNote.addEventListener("click", () => close(false));
    more.append(toNote);
    box.append(more);
    return box;
  }

  function place(box, ref) {
    const rect = ref.getBoundingClientRect();
    const width = Math.min(box.offsetWidth, document.documentElement.clientWidth - 16);
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    box.style.left = `${left + window.scrollX}px`;
    box.style.top = `${rect.bottom + window.scrollY + 6}px`;
  }

  // ``focus``: move the focus into the popover (a tap, a click, Enter); without it, a hover preview
  function show(ref, note, focus = true) {
    close(false);
    clearTimeout(hoverTimer);
    clearTimeout(leaveTimer);
    const box = build(ref, note);
    document.body.append(box);
    place(box, ref);
    ref.setAttribute("aria-expanded", "true");
    const onKey = (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(!(open && open.hover)); // a preview never had the focus: leave it where it is
      }
    };
    const onDown = (event) => {
      if (!box.contains(event.target) && !ref.contains(event.target)) close(false);
    };
    const onFocus = (event) => {
      if (event.relatedTarget && !box.contains(event.relatedTarget) && event.relatedTarget !== ref) close(false);
    };
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onDown, true);
    box.addEventListener("focusout", onFocus);
    open = { box, ref, onKey, onDown, onFocus, hover: !focus };
    if (focus) box.focus({ preventScroll: true });
  }

  const refOf = (target) => (target instanceof Element ? target.closest("article a.footnote-ref") : null);
  const noteOf = (ref) => (ref.hash ? document.getElementById(decodeURIComponent(ref.hash.slice(1))) : null);
  const within = (node) => open && node instanceof Node && (open.box.contains(node) || open.ref.contains(node));

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return;
    if (within(event.target)) {
      clearTimeout(leaveTimer);
      return;
    }
    const ref = refOf(event.target);
    if (!ref) return;
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(() => {
      const note = noteOf(ref);
      if (open && !open.hover) return; // a pinned popover stays until it is closed
      if (note && ref.isConnected) show(ref, note, false);
    }, HOVER_MS);
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse") return;
    if (refOf(event.target) && !within(event.relatedTarget)) clearTimeout(hoverTimer);
    if (!open || !open.hover || !within(event.target) || within(event.relatedTarget)) return;
    clearTimeout(leaveTimer);
    leaveTimer = setTimeout(() => {
      if (open && open.hover) close(false);
    }, LEAVE_MS);
  });

  // Caught on window, before Material's instant navigation takes the #fragment as a navigation.
  window.addEventListener(
    "click",
    (event) => {
      if (event.defaultPrevented || event.button > 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
        return;
      const ref = event.target instanceof Element ? event.target.closest("a.footnote-ref") : null;
      if (!ref || !ref.hash) return;
      const note = noteOf(ref);
      if (!note) return;
      event.preventDefault();
      event.stopPropagation();
      clearTimeout(hoverTimer);
      if (open && open.ref === ref && open.hover) {
        open.hover = false; // a click on a previewed number pins its popover
        open.box.focus({ preventScroll: true });
      } else if (open && open.ref === ref) close(true);
      else show(ref, note);
    },
    true,
  );

  document$.subscribe(() => {
    close(false);
    document.querySelectorAll("article a.footnote-ref").forEach((ref) => {
      ref.setAttribute("aria-haspopup", "dialog");
      ref.setAttribute("aria-expanded", "false");
    });
  });
})();

// Tables wider than their column scroll sideways (casebook.css draws a shadow on the hidden side).
// Such a box also gets a line saying so, and becomes a named, focusable region, so that it can be
// scrolled with the keyboard's arrow keys. Checked on every page and when the window changes size.
// Every box is measured first and changed after: measuring after a change makes the browser lay the
// page out again, once per table (a long page's load paid for that many layouts).
(() => {
  const mark = () => {
    const wraps = [...document.querySelectorAll("article .md-typeset__scrollwrap")];
    const scrolls = wraps.map((wrap) => wrap.scrollWidth > wrap.clientWidth + 1);
    wraps.forEach((wrap, i) => {
      const hint = wrap.nextElementSibling && wrap.nextElementSibling.classList.contains("cb-scroll-hint")
        ? wrap.nextElementSibling
        : null;
      wrap.classList.toggle("cb-scrolls", scrolls[i]);
      if (scrolls[i]) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
        if (!hint) {
          const line = document.createElement("p");
          line.className = "cb-scroll-hint";
          line.setAttribute("aria-hidden", "true");
          line.textContent = "Scroll the table sideways to see all of it.";
          wrap.after(line);
        }
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        if (hint) hint.remove();
      }
    });
  };
  document$.subscribe(mark);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
})();

// "On this page" (partials/on-this-page.html) closes once a heading in it is chosen.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest(".cb-toc a") : null;
  const list = link && link.closest("details");
  if (list) list.open = false;
});

// Facts and sources moved to pages of their own (a topic's facts, a kind's sources) in December 2026;
// /case/facts/#<id> and /sources/#<id> were published before, and the old page keeps a stub for each
// record: an element with its id that links to its new address (render/writer.py, moved_stubs). An
// address naming a stub goes on to the record, in place of the old address in the history. On a topic's
// or kind's page, an address naming nothing on it (a fact that has moved to another topic since) goes
// to the index, which knows where the record is now. Without JavaScript the stub is a link to follow.
(() => {
  const sameSite = (href) => {
    try {
      const url = new URL(href, document.baseURI);
      return url.origin === location.origin && url.protocol === location.protocol ? url.href : null;
    } catch {
      return null;
    }
  };
  const follow = () => {
    let id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return; // an address with a broken %-escape names no record
    }
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) {
      const index = document.querySelector("article a.cb-split-index");
      const to = index && sameSite(index.getAttribute("href"));
      if (to) location.replace(`${to.split("#")[0]}#${encodeURIComponent(id)}`);
      return;
    }
    const stub = target.matches("a.cb-moved")
      ? target
      : target.parentElement && target.parentElement.querySelector(":scope > a.cb-moved");
    const to = stub && sameSite(stub.getAttribute("href"));
    if (to) location.replace(to);
  };
  document$.subscribe(follow);
  window.addEventListener("hashchange", follow);
})();

// Long pages leave their off-screen footnotes and records undrawn (casebook.css, content-visibility),
// with a guessed height each. A jump within the page (the "On this page" list, a footnote's way back,
// "Go to footnote") is worked out from those heights, and Material scrolls smoothly: the blocks drawn
// on the way change size and the heading would end up off the screen. So the first jump within a page
// draws every block first, and the page is measured as it really is: the cost the page saved at load
// is paid once, when the reader asks for it. Caught on window, before Material handles the click.
(() => {
  const drawAll = () => document.documentElement.classList.add("cb-drawn");
  window.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a[href*='#']") : null;
      if (link && link.pathname === location.pathname && link.hash) drawAll();
    },
    true,
  );
  window.addEventListener("hashchange", drawAll);
})();
