// Search with Pagefind. Loaded only on the search page; without it the page shows links to the
// topic index and the FAQ instead of a search box that cannot work.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");

let pagefind = null;
const plurals = new Intl.PluralRules(document.documentElement.lang);

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.index);
    await pagefind.init();
  }
  return pagefind;
}

function show(results, query) {
  list.replaceChildren();
  if (!query) {
    statusLine.textContent = "";
    return;
  }
  // the words come from the page, in its language and its plural forms (search.html)
  const category = plurals.select(results.length);
  const key = "results" + category[0].toUpperCase() + category.slice(1);
  statusLine.textContent = (form.dataset[key] || form.dataset.resultsOther).replace(
    "{count}",
    results.length,
  );
  for (const data of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.meta.url || data.url; // an FAQ answer's record names its place on the FAQ page
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
