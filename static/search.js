// Search with Pagefind. Loaded only on the search page; without it the page shows links to the
// topic index and the FAQ instead of a search box that cannot work.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");

let pagefind = null;

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.index);
    await pagefind.init();
  }
  return pagefind;
}

// An FAQ answer is a section of the FAQ page: each question that matches is a result of its
// own, linking to its anchor (Pagefind reports the page's headings with ids as sub-results).
function entries(data) {
  if (data.meta.kind !== "faq") return [data];
  const questions = (data.sub_results || [])
    .filter((sub) => sub.url.includes("#") && !sub.url.includes("#topic-"))
    .sort((a, b) => (b.locations || []).length - (a.locations || []).length)
    .slice(0, 3);
  return questions.length ? questions.map((sub) => ({ ...sub, meta: { title: sub.title } })) : [data];
}

function show(pages, query) {
  const results = pages.flatMap(entries);
  list.replaceChildren();
  if (!query) {
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = results.length === 1 ? "1 result" : `${results.length} results`;
  for (const data of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    const excerpt = document.createElement("p");
    // Pagefind's excerpt is text from our own sanitized pages with <mark> around matches.
    excerpt.innerHTML = data.excerpt;
    item.append(link, excerpt);
    list.append(item);
  }
}

async function run(query) {
  const engine = await load();
  const search = await engine.search(query);
  if (!search) return; // a newer query replaced this one
  const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  show(results, query);
}

form.hidden = false;
document.getElementById("search-fallback").hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value.trim();
  history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
  run(query);
});
let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value.trim()), 250);
});
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
