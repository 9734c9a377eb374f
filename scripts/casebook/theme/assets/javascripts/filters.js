// Casebook: narrow a long list of records (facts by status, topic and words; sources by kind and words).
// Progressive enhancement: without JavaScript the page is the complete list. The controls are built
// here, only on a page with enough records to narrow; the choice is kept in the address (?status=…&in=…
// &words=…), so a teacher can link "the alleged facts", and a record that a link points to (#id) is
// never left hidden. Text is only ever set with textContent: nothing from the page becomes markup.
document$.subscribe(() => {
  const article = document.querySelector("article.md-content__inner");
  if (!article || article.querySelector(".cb-filter")) return;
  const records = [...article.querySelectorAll(":scope > .cb-fact, :scope > .cb-source")];
  if (records.length < 8) return;
  const facts = records[0].classList.contains("cb-fact");
  const noun = facts ? ["fact", "facts"] : ["source", "sources"];
  const STATUSES = { alleged: "Alleged", reported: "Reported", established: "On the record", disputed: "Disputed" };
  const statusOf = (el) => Object.keys(STATUSES).find((s) => el.classList.contains(`cb-fact--${s}`));

  // Each child of the article belongs to the section of the last <h2> before it.
  const sections = [];
  let current = null;
  for (const child of article.children) {
    if (child.tagName === "H2" && child.id) {
      current = { heading: child, id: child.id, title: headingText(child), members: [child], records: [] };
      sections.push(current);
    } else if (current) {
      current.members.push(child);
      if (records.includes(child)) current.records.push(child);
    }
  }
  // A page of one topic or one kind has no sections: its records are one list, without a section choice.
  if (!sections.some((s) => s.records.length)) sections.push({ heading: null, id: "", members: [], records });
  const withRecords = sections.filter((s) => s.records.length);

  const box = document.createElement("div");
  box.className = "cb-filter";
  box.setAttribute("role", "search");
  box.setAttribute("aria-label", `Narrow the ${noun[1]}`);

  const statusButtons = new Map();
  if (facts) {
    const group = element("div", "cb-filter__statuses");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Kind of statement");
    for (const [status, label] of Object.entries(STATUSES)) {
      const count = records.filter((r) => statusOf(r) === status).length;
      if (!count) continue;
      const button = element("button", "cb-filter__status");
      button.dataset.status = status;
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.textContent = `${label} (${count})`;
      button.addEventListener("click", () => {
        button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
        apply(true);
      });
      statusButtons.set(status, button);
      group.append(button);
    }
    box.append(group);
  }

  const sectioned = withRecords[0].heading !== null && withRecords.length > 1;
  const select = element("select", "cb-filter__section");
  select.id = "cb-filter-section";
  const all = document.createElement("option");
  all.value = "";
  all.textContent = facts ? "All topics" : "All kinds";
  select.append(all);
  for (const s of withRecords) {
    const option = document.createElement("option");
    option.value = s.id;
    option.textContent = `${s.title} (${s.records.length})`;
    select.append(option);
  }
  select.addEventListener("change", () => apply(true));
  if (sectioned) box.append(labelled(select, facts ? "Topic" : "Kind"));

  const words = element("input", "cb-filter__words");
  words.type = "search";
  words.id = "cb-filter-words";
  words.autocomplete = "off";
  words.addEventListener("input", () => apply(true));
  box.append(labelled(words, "Words"));

  const reset = element("button", "cb-filter__reset");
  reset.type = "button";
  reset.textContent = "Show all";
  reset.addEventListener("click", () => {
    clear();
    apply(true);
  });
  box.append(reset);

  const status = element("p", "cb-filter__count");
  status.setAttribute("role", "status");
  box.append(status);

  article.insertBefore(box, withRecords[0].heading || records[0]);

  // the choice in the address, if any
  const params = new URLSearchParams(location.search);
  for (const s of (params.get("status") || "").split(",")) statusButtons.get(s)?.setAttribute("aria-pressed", "true");
  if (withRecords.some((s) => s.id === params.get("in"))) select.value = params.get("in");
  words.value = params.get("words") || "";
  apply(false);
  reveal();
  window.addEventListener("hashchange", reveal);

  function apply(remember) {
    const statuses = [...statusButtons].filter(([, b]) => b.getAttribute("aria-pressed") === "true").map(([s]) => s);
    const terms = words.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const s of sections) {
      let visible = 0;
      for (const r of s.records) {
        const text = terms.length ? r.textContent.toLowerCase() : "";
        const keep =
          (!select.value || select.value === s.id) &&
          (!statuses.length || statuses.includes(statusOf(r))) &&
          terms.every((t) => text.includes(t));
        r.classList.toggle("cb-filtered-out", !keep);
        if (keep) visible += 1;
      }
      const narrowed = Boolean(select.value || statuses.length || terms.length);
      for (const m of s.members) if (!s.records.includes(m)) m.classList.toggle("cb-filtered-out", narrowed && !visible);
      shown += visible;
    }
    const total = records.length;
    status.textContent =
      shown === total ? `Showing all ${total} ${noun[1]}.` : `Showing ${shown} of ${total} ${noun[1]}.`;
    reset.hidden = shown === total && !select.value && !statuses.length && !terms.length;
    if (remember) {
      const next = new URLSearchParams(location.search);
      for (const [key, value] of [["status", statuses.join(",")], ["in", select.value], ["words", words.value.trim()]]) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      const query = next.toString();
      history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    }
  }

  function clear() {
    for (const b of statusButtons.values()) b.setAttribute("aria-pressed", "false");
    select.value = "";
    words.value = "";
  }

  // A record the address points to is shown, whatever the filter.
  function reveal() {
    let id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return; // an address with a broken %-escape names no record
    }
    const target = id && document.getElementById(id);
    if (target && target.closest(".cb-filtered-out")) {
      clear();
      apply(true);
      target.scrollIntoView();
    }
  }

  function element(tag, className) {
    const el = document.createElement(tag);
    el.className = className;
    return el;
  }

  function labelled(control, text) {
    const label = element("label", "cb-filter__label");
    label.htmlFor = control.id;
    label.textContent = text;
    const wrap = element("span", "cb-filter__field");
    wrap.append(label, control);
    return wrap;
  }

  function headingText(h2) {
    const copy = h2.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((a) => a.remove());
    return copy.textContent.trim();
  }
});
