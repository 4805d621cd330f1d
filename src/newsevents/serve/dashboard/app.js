// newsevents dashboard: vanilla JS + SVG, every aggregate computed by the server.
"use strict";

const QUAD = {
  1: ["verbal cooperation", "#2e9d57"], 2: ["material cooperation", "#2b6cb0"],
  3: ["verbal conflict", "#dd8a1f"], 4: ["material conflict", "#c53030"],
};
const TYPE_COLOURS = ["#2e9d57", "#66bb6a", "#26a69a", "#2b6cb0", "#5c6bc0", "#42a5f5", "#8d6e63",
  "#9575cd", "#dd8a1f", "#f4b400", "#ef6c00", "#ad1457", "#e57373", "#6d4c41", "#d84315", "#c53030"];
// Equirectangular, cropped to 85°N–60°S (Antarctica holds no news events).
const W = 1000, NORTH = 85, SOUTH = -60, H = Math.round((W * (NORTH - SOUTH)) / 360);
const state = { filters: {}, sort: "-date", cursors: [null], page: 0, types: [], selected: null };
const $ = (id) => document.getElementById(id);
const svgNS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, text = null, ns = null) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  if (text !== null) node.textContent = text;
  return node;
}
const svg = (tag, attrs, text = null) => el(tag, attrs, text, svgNS);

function params(extra = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...state.filters, ...extra })) {
    if (value !== "" && value !== null && value !== undefined && value !== false) query.set(key, value);
  }
  return query.toString();
}

async function api(path, extra = {}) {
  const response = await fetch(`/api/${path}?${params(extra)}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function typeColour(type) {
  const index = state.types.indexOf(type);
  return TYPE_COLOURS[(index < 0 ? 0 : index) % TYPE_COLOURS.length];
}

function chip(text, colour) {
  const node = el("span", { class: "chip" }, text);
  node.style.setProperty("--c", colour);
  return node;
}

function legend(list, items) {
  list.replaceChildren(...items.map(([label, colour]) => {
    const item = el("li", {}, label);
    item.style.setProperty("--c", colour);
    return item;
  }));
}

// ---------------------------------------------------------------- map
let world = null;
const project = (lon, lat) => [((lon + 180) / 360) * W, ((NORTH - lat) / (NORTH - SOUTH)) * H];

function ringPath(ring) {
  return ring.map(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join("") + "Z";
}

function drawMap(counts) {
  const map = $("map");
  map.replaceChildren();
  map.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const byCountry = new Map(counts.countries.map((row) => [row.country, row]));
  const maxCountry = Math.max(1, ...counts.countries.map((row) => row.events));
  for (const country of world.countries) {
    const row = byCountry.get(country.iso);
    const path = svg("path", { d: country.rings.map(ringPath).join(""), class: row ? "land hit" : "land" });
    if (row) {
      path.style.setProperty("fill", QUAD[row.quad_class] ? QUAD[row.quad_class][1] : "#999");
      path.style.setProperty("fill-opacity", (0.2 + 0.55 * Math.sqrt(row.events / maxCountry)).toFixed(2));
      path.addEventListener("click", () => setFilters({ country: country.iso }));
    }
    path.append(svg("title", {}, row ? `${country.iso}: ${row.events} events (click to filter)` : country.iso));
    map.append(path);
  }
  const maxPlace = Math.max(1, ...counts.places.map((row) => row.events));
  for (const place of [...counts.places].reverse()) {
    const [x, y] = project(place.lon, place.lat);
    const dot = svg("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: (2.5 + 12 * Math.sqrt(place.events / maxPlace)).toFixed(1),
      fill: QUAD[place.quad_class] ? QUAD[place.quad_class][1] : "#777", class: "place",
    });
    dot.append(svg("title", {}, `${place.name || "?"} (${place.country || "?"}): ${place.events} events`));
    dot.addEventListener("click", () => setFilters({ near: `${place.lat},${place.lon},25` }));
    map.append(dot);
  }
  $("map-note").textContent = `${counts.places.length} places, ${counts.countries.length} countries`;
}

// ---------------------------------------------------------------- timeline
function drawTimeline(body) {
  const chart = $("timeline");
  chart.replaceChildren();
  const rows = body.rows;
  const periods = [...new Set(rows.map((row) => row.period))].sort();
  if (!periods.length) {
    chart.append(svg("text", { x: 10, y: 20 }, "no dated events"));
    $("timeline-note").textContent = "";
    return;
  }
  const totals = new Map(periods.map((p) => [p, 0]));
  for (const row of rows) totals.set(row.period, totals.get(row.period) + row.events);
  // Leave out thin tails of outliers (a treaty of 1951 quoted today, a date misread as
  // 2028), at most 2 % of the events at either end, so the bulk of the data is readable.
  const all = rows.reduce((sum, row) => sum + row.events, 0);
  let start = 0, end = periods.length - 1, seen = 0, cut = 0;
  while (start < end && (cut + totals.get(periods[start])) / all < 0.02) {
    cut += totals.get(periods[start]);
    start += 1;
  }
  while (end > start && (cut + totals.get(periods[end])) / all < 0.02) {
    cut += totals.get(periods[end]);
    end -= 1;
  }
  seen = cut;
  const shown = periods.slice(start, end + 1);
  const first = Date.parse(shown[0]), last = Date.parse(shown[shown.length - 1]);
  const step = { day: 864e5, week: 7 * 864e5, month: 30.44 * 864e5 }[body.interval];
  const slots = Math.max(1, Math.round((last - first) / step) + 1);
  const left = 34, bottom = 200, top = 10, width = 600 - left - 6;
  const barWidth = Math.max(1, width / slots - 1);
  const maxTotal = Math.max(...shown.map((p) => totals.get(p)));
  const y = (value) => bottom - ((bottom - top) * value) / maxTotal;
  chart.append(svg("line", { x1: left, x2: 600, y1: bottom, y2: bottom, stroke: "#c9ced8" }));
  for (const tick of [0, Math.ceil(maxTotal / 2), maxTotal]) {
    chart.append(svg("text", { x: left - 4, y: y(tick) + 3, "text-anchor": "end" }, String(tick)));
  }
  const stacks = new Map();
  for (const row of rows) {
    if (row.period < shown[0] || row.period > shown[shown.length - 1]) continue;
    const x = left + (Math.round((Date.parse(row.period) - first) / step) * width) / slots;
    const base = stacks.get(row.period) || 0;
    stacks.set(row.period, base + row.events);
    const bar = svg("rect", {
      class: "bar", x: x.toFixed(1), width: barWidth.toFixed(1), y: y(base + row.events).toFixed(1),
      height: (y(base) - y(base + row.events)).toFixed(1), fill: typeColour(row.type),
    });
    bar.append(svg("title", {}, `${row.period} ${row.type}: ${row.events}`));
    bar.addEventListener("click", () => setFilters({ since: row.period, until: periodEnd(row.period, body.interval) }));
    chart.append(bar);
  }
  let lastLabel = -Infinity;
  for (const label of [shown[0], shown[Math.floor(shown.length / 2)], shown[shown.length - 1]]) {
    const x = Math.min(left + (Math.round((Date.parse(label) - first) / step) * width) / slots, 540);
    if (x - lastLabel < 70) continue;
    chart.append(svg("text", { x: x.toFixed(1), y: bottom + 14 }, label));
    lastLabel = x;
  }
  const types = [...new Set(rows.map((row) => row.type))].sort();
  legend($("type-legend"), types.map((type) => [type, typeColour(type)]));
  $("timeline-note").textContent = `per ${body.interval}` + (seen ? `, ${seen} outlying events not drawn` : "");
}

function periodEnd(period, interval) {
  const day = new Date(period + "T00:00:00Z");
  if (interval === "week") day.setUTCDate(day.getUTCDate() + 6);
  if (interval === "month") { day.setUTCMonth(day.getUTCMonth() + 1); day.setUTCDate(0); }
  return day.toISOString().slice(0, 10);
}

function chooseInterval(stats) {
  const since = state.filters.since || stats.first_day, until = state.filters.until || stats.last_day;
  if (!since || !until) return "day";
  const days = (Date.parse(until) - Date.parse(since)) / 864e5;
  return days > 900 ? "month" : days > 120 ? "week" : "day";
}

// ---------------------------------------------------------------- table
function actorLabel(name, country) {
  if (!name && !country) return "–";
  return country ? `${name || ""} [${country}]`.trim() : name;
}

async function loadEvents() {
  const body = await api("events", { sort: state.sort, limit: 25, cursor: state.cursors[state.page] });
  const tbody = $("events").querySelector("tbody");
  tbody.replaceChildren(...body.rows.map((row) => {
    const tr = el("tr", { "data-seq": row.seq });
    const quad = QUAD[row.quad_class];
    const cells = [
      el("td", { class: "day" }, row.day || "–"),
      el("td"),
      el("td", {}, `${actorLabel(row.source_name, row.source_country)} → ${actorLabel(row.target_name, row.target_country)}`),
      el("td", {}, row.location_name ? `${row.location_name}${row.location_country ? ", " + row.location_country : ""}` : "–"),
      el("td", {}, row.trigger_text),
      el("td", {}, row.goldstein === null ? "–" : row.goldstein.toFixed(1)),
      el("td", {}, row.outlet || "–"),
    ];
    cells[1].append(chip(row.type, quad ? quad[1] : "#888"));
    tr.append(...cells);
    if (row.seq === state.selected) tr.classList.add("selected");
    tr.addEventListener("click", () => showEvidence(row.seq));
    return tr;
  }));
  if (state.cursors.length === state.page + 1) state.cursors.push(body.next);
  else state.cursors[state.page + 1] = body.next;
  $("count").textContent = `${body.total.toLocaleString()} matching`;
  const first = state.page * 25 + (body.rows.length ? 1 : 0);
  $("page").textContent = `${first}–${state.page * 25 + body.rows.length} of ${body.total.toLocaleString()}`;
  $("prev").disabled = state.page === 0;
  $("next").disabled = !body.next;
}

// ---------------------------------------------------------------- evidence
function highlighted(evidence) {
  const box = el("p", { class: "sentence", id: "evidence-sentence" });
  let at = 0;
  for (const span of evidence.spans) {
    if (span.start < at) continue; // overlapping spans: keep the first
    box.append(document.createTextNode(evidence.sentence.slice(at, span.start)));
    const mark = el("mark", { class: span.kind, title: span.kind }, evidence.sentence.slice(span.start, span.end));
    box.append(mark);
    at = span.end;
  }
  box.append(document.createTextNode(evidence.sentence.slice(at)));
  return box;
}

function describeActors(actors) {
  return actors.length ? actors.map((a) => `${a.name || a.text} [${[a.country, a.sector].filter(Boolean).join("/") || "?"}]`).join(", ") : "–";
}

async function showEvidence(seq) {
  state.selected = seq;
  for (const row of document.querySelectorAll("#events tbody tr")) {
    row.classList.toggle("selected", Number(row.dataset.seq) === seq);
  }
  const response = await fetch(`/api/events/${seq}`);
  const event = await response.json();
  const box = $("evidence");
  if (!response.ok) { box.replaceChildren(el("p", { class: "hint" }, event.error)); return; }
  const article = event.evidence.article;
  const quad = QUAD[event.quad_class];
  const title = el("p");
  title.append(chip(event.type, quad ? quad[1] : "#888"), document.createTextNode(` CAMEO ${event.cameo || "–"} · ${quad ? quad[0] : "no QuadClass"} · Goldstein ${event.goldstein ?? "–"}`));
  const link = article.url ? el("a", { href: article.url, target: "_blank", rel: "noopener noreferrer" }, article.title || article.url) : el("span", {}, article.title || article.id);
  const facts = el("dl");
  const add = (term, value) => { facts.append(el("dt", {}, term)); const dd = el("dd"); if (value instanceof Node) dd.append(value); else dd.textContent = value ?? "–"; facts.append(dd); };
  add("article", link);
  add("outlet", article.outlet);
  add("published", article.published);
  add("when", event.date_value ? `${event.date_value} (${event.date_precision}${event.date_text ? `, “${event.date_text}”` : ""})` : `unknown (${event.date_reason || "no date"})`);
  add("where", event.location ? `${event.location.name || event.location.text} ${event.location.country ? "(" + event.location.country + ")" : ""}` : "unknown");
  add("source", describeActors(event.source));
  add("target", describeActors(event.target));
  const size = [["killed", event.killed], ["injured", event.injured], ["arrested", event.arrested]].filter(([, n]) => n !== null);
  if (size.length) add("size", size.map(([k, n]) => `${n} ${k}`).join(", "));
  if (event.negated || event.hypothetical) add("qualifiers", [event.negated && "negated", event.hypothetical && "hypothetical"].filter(Boolean).join(", "));
  add("confidence", event.confidence === null ? "–" : event.confidence.toFixed(2));
  const parts = [title, highlighted(event.evidence), legendOfMarks(), facts];
  if (Array.isArray(event.mentions) && event.mentions.length) {
    parts.push(el("h3", {}, `${event.mentions.length} mentions`));
    parts.push(el("ul", {}, null));
    parts[parts.length - 1].append(...event.mentions.map((m) => el("li", {}, typeof m === "string" ? m : (m.sentence?.text || m.text || m.trigger?.text || JSON.stringify(m)))));
  }
  if (event.cluster.length) {
    parts.push(el("h3", {}, `same occurrence in ${event.cluster.length} other report(s)`));
    const list = el("ul");
    list.append(...event.cluster.map((other) => {
      const item = el("li");
      const a = el("a", { href: "#" }, `${other.title || other.article_id}`);
      a.addEventListener("click", (e) => { e.preventDefault(); showEvidence(other.seq); });
      item.append(a, document.createTextNode(` — ${other.outlet || "?"}, ${other.day || "?"}${other.duplicate_of ? " (copy)" : ""}`));
      return item;
    }));
    parts.push(list);
  }
  box.replaceChildren(...parts);
}

function legendOfMarks() {
  const list = el("p", { class: "hint" });
  for (const kind of ["trigger", "source", "target", "place", "date"]) {
    list.append(el("mark", { class: kind }, kind), document.createTextNode(" "));
  }
  return list;
}

// ---------------------------------------------------------------- wiring
function readForm() {
  const filters = {};
  for (const [key, id] of [["type", "f-type"], ["country", "f-country"], ["actor", "f-actor"], ["since", "f-since"], ["until", "f-until"], ["near", "f-near"]]) {
    const value = $(id).value.trim();
    if (value) filters[key] = value;
  }
  if ($("f-dups").checked) filters.include_duplicates = true;
  if ($("f-unasserted").checked) filters.include_unasserted = true;
  return filters;
}

function writeForm() {
  for (const [key, id] of [["type", "f-type"], ["country", "f-country"], ["actor", "f-actor"], ["since", "f-since"], ["until", "f-until"], ["near", "f-near"]]) {
    $(id).value = state.filters[key] || "";
  }
  $("f-dups").checked = Boolean(state.filters.include_duplicates);
  $("f-unasserted").checked = Boolean(state.filters.include_unasserted);
}

function setFilters(extra) {
  state.filters = { ...readForm(), ...extra };
  writeForm();
  refresh();
}

let stats = null;
async function refresh() {
  $("error").textContent = "";
  state.cursors = [null];
  state.page = 0;
  history.replaceState(null, "", "#" + params());
  try {
    const interval = chooseInterval(stats);
    const [counts, timeline, dyads] = await Promise.all([api("map"), api("timeline", { interval }), api("dyads", { limit: 8 })]);
    drawMap(counts);
    drawTimeline(timeline);
    $("dyads").querySelector("tbody").replaceChildren(...dyads.rows.map((row) => {
      const tr = el("tr");
      tr.append(el("td", {}, row.source), el("td", {}, row.target), el("td", {}, String(row.events)), el("td", {}, row.top_type));
      return tr;
    }));
    await loadEvents();
  } catch (error) {
    $("error").textContent = error.message;
  }
}

async function start() {
  const [statsResponse, worldResponse, schemaResponse] = await Promise.all([
    fetch("/api/stats"), fetch("/static/world.json"), fetch("/openapi.json")]);
  stats = await statsResponse.json();
  world = await worldResponse.json();
  // Filters the store's API offers beyond the basic ones show up when present.
  const schema = await schemaResponse.json();
  const eventParams = (schema.paths["/api/events"].get.parameters || []).map((p) => p.name);
  $("unasserted-label").hidden = !eventParams.includes("include_unasserted");
  if (!statsResponse.ok) { $("summary").textContent = stats.error; return; }
  state.types = stats.plover_types;
  $("f-type").append(...state.types.map((type) => el("option", { value: type }, type)));
  legend($("quad-legend"), Object.values(QUAD).map(([label, colour]) => [label, colour]));
  const snapshot = stats.source && stats.source.snapshot_taken ? `, snapshot ${stats.source.snapshot_taken}` : "";
  $("summary").textContent = `${stats.events.toLocaleString()} events from ${stats.articles.toLocaleString()} articles (${stats.duplicates} copies), ${stats.failures} failures, ${stats.first_day || "?"} … ${stats.last_day || "?"}${snapshot}`;
  const fromHash = new URLSearchParams(location.hash.slice(1));
  state.filters = Object.fromEntries(fromHash.entries());
  writeForm();
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); setFilters({}); });
  $("reset").addEventListener("click", () => { state.filters = {}; writeForm(); refresh(); });
  $("prev").addEventListener("click", () => { state.page = Math.max(0, state.page - 1); loadEvents(); });
  $("next").addEventListener("click", () => { state.page += 1; loadEvents(); });
  for (const th of document.querySelectorAll("th.sortable")) {
    th.addEventListener("click", () => {
      state.sort = state.sort === `-${th.dataset.sort}` ? th.dataset.sort : `-${th.dataset.sort}`;
      state.cursors = [null]; state.page = 0; loadEvents();
    });
  }
  await refresh();
}

start();
