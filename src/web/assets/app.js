/* global document, window, performance, XMLSerializer, Image, Blob, URL */
// Progressive enhancement for the dashboard (plain ES module, no build step). Everything works
// without it: maps are SVG links, tables are sorted by links, charts are inline SVG.
// It adds: a tooltip on hover and keyboard focus of a map area (Escape hides it), a visible
// focus ring drawn above neighbouring areas, and the chart as PNG download.

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

// Tooltips and focus rings are live from here on: the benchmark reads this mark.
performance.mark('udc-interactive');
