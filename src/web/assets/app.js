/* global document, window, performance, XMLSerializer, Image, Blob, URL, fetch, FormData, URLSearchParams, DOMParser, location, history */
// Progressive enhancement for the dashboard (plain ES module, no build step). Everything works
// without it: maps are SVG links, tables are sorted by links, charts are inline SVG.
// It adds: a tooltip on hover and keyboard focus of a map area (Escape hides it), a visible
// focus ring drawn above neighbouring areas, and the chart as PNG download. Forms of a signed-in
// reader also carry their CSRF token in the X-CSRF-Token header the API checks (the form field
// carries it without script).

const tooltip = document.createElement('div');
tooltip.className = 'tooltip';
tooltip.setAttribute('role', 'tooltip');
tooltip.id = 'kaart-tooltip';
tooltip.hidden = true;

function showTooltip(area, x, y) {
  tooltip.textContent = `${area.dataset.name}: ${area.dataset.value}`;
  tooltip.hidden = false;
  const box = tooltip.getBoundingClientRect();
  const left = Math.min(x + 14, window.scrollX + document.documentElement.clientWidth - box.width - 8);
  tooltip.style.left = `${Math.max(window.scrollX + 4, left)}px`;
  tooltip.style.top = `${y + 14}px`;
}

function hideTooltip() {
  tooltip.hidden = true;
}

function ring(svg, area) {
  const layer = svg.querySelector('.focus-ring');
  const path = area?.querySelector('path');
  layer.replaceChildren();
  if (!path) return;
  // Drawn in a layer above every area, so neighbours cannot cover the focused area's outline.
  for (const kind of ['halo', 'line']) {
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', `#${path.id}`);
    use.setAttribute('class', kind);
    layer.append(use);
  }
}

function enhanceMap(svg) {
  // The SVG <title>s are the tooltip without script; with script they would show twice.
  for (const title of svg.querySelectorAll('.area > title')) title.remove();
  for (const area of svg.querySelectorAll('.area')) area.setAttribute('aria-describedby', tooltip.id);
  svg.addEventListener('pointermove', (event) => {
    const area = event.target.closest('.area');
    if (!area) return hideTooltip();
    showTooltip(area, event.pageX, event.pageY);
  });
  svg.addEventListener('pointerover', (event) => {
    const area = event.target.closest('.area');
    if (area) ring(svg, area);
  });
  svg.addEventListener('pointerleave', () => {
    hideTooltip();
    ring(svg, svg.querySelector('.area:focus'));
  });
  svg.addEventListener('focusin', (event) => {
    const area = event.target.closest('.area');
    if (!area) return;
    ring(svg, area);
    const box = area.getBoundingClientRect();
    showTooltip(area, window.scrollX + box.left + box.width / 2, window.scrollY + box.top + box.height / 2);
  });
  svg.addEventListener('focusout', () => {
    hideTooltip();
    ring(svg, null);
  });
  svg.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hideTooltip();
  });
}

async function downloadPng(button) {
  const svg = document.querySelector('[data-chart] svg');
  if (!svg) return;
  const text = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = svg.viewBox.baseVal.width * scale;
    canvas.height = svg.viewBox.baseVal.height * scale;
    const context = canvas.getContext('2d');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(png);
    link.download = button.dataset.png;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    URL.revokeObjectURL(url);
  }
}

document.body.append(tooltip);
for (const svg of document.querySelectorAll('svg.choropleth')) enhanceMap(svg);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') hideTooltip();
});
for (const item of document.querySelectorAll('[data-png-item]')) {
  item.hidden = false;
  const button = item.querySelector('button');
  button.addEventListener('click', () => downloadPng(button));
}

// A posted form with a CSRF token: the same post, with the token also in the header.
async function postWithToken(form) {
  const data = new FormData(form);
  const response = await fetch(form.action, {
    method: 'POST',
    body: new URLSearchParams(data),
    headers: { 'x-csrf-token': String(data.get('_csrf')), accept: 'application/json, text/html;q=0.5' },
    credentials: 'same-origin',
  });
  if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
    const target = new URL((await response.json()).location, location.href);
    // The same page with a new fragment would only scroll: load it again to show what changed.
    if (target.pathname + target.search === location.pathname + location.search) {
      history.replaceState(null, '', target);
      location.reload();
    } else location.assign(target);
    return;
  }
  // A page that says what failed: shown in place of this one.
  const page = new DOMParser().parseFromString(await response.text(), 'text/html');
  document.title = page.title;
  document.body.replaceWith(document.adoptNode(page.body));
}
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (
    !(form instanceof window.HTMLFormElement) ||
    form.method !== 'post' ||
    !form.querySelector('input[name=_csrf]')
  )
    return;
  event.preventDefault();
  for (const button of form.querySelectorAll('button')) button.disabled = true;
  postWithToken(form).catch(() => {
    for (const button of form.querySelectorAll('button')) button.disabled = false;
  });
});

// Tooltips and focus rings are live from here on: the benchmark reads this mark.
performance.mark('udc-interactive');
