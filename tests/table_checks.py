"""What a reader sees of the summary tables on a page, measured in the browser (tests and scripts/screenshots.py).

``CHECKS`` evaluates to ``{page_wider_than_screen, overflowing, tables: [{caption, columns, scrolls, width,
content_width, cut, first_cut, focusable, cue}], contrast: {kind: {ratio, fg, bg, text}}, duplicate_labels (of
landmarks), height}`` (``PAGE_WIDTH`` gives the first two): ``cut``
counts the numbers, shapes and names outside their table's visible box, ``cue`` says the edge shadows of
a scrolling wrapper are there and not covered; ``contrast`` is the lowest WCAG 2
ratio of each kind of text of the blocks, its colours composited over the backgrounds behind it.
"""

#: ``{page_wider_than_screen, screen_width, overflowing: [{element, ours, left, right}]}``, measured against the
#: layout viewport (``documentElement.clientWidth``, plus a classic scroll bar's width), never ``innerWidth``:
#: in Chromium's mobile emulation the window grows to the page, so a page 421 px wide at 390 px has an
#: ``innerWidth`` of 421.  ``overflowing`` names the outermost elements that stick out of it, leaving out those
#: inside an element that clips or scrolls, or fixed to the window (they cannot widen the page); ``ours`` tells
#: the blocks' elements (summaries, error boxes, the layer reference) from the theme's.
PAGE_WIDTH = r"""(() => {
  // a phone's scroll bars overlay the page: the screen is the layout viewport and, where the browser draws a
  // classic scroll bar beside it (Firefox on a desktop), that bar
  const root = document.documentElement, probe = document.createElement('div');
  probe.style.cssText = 'position: absolute; top: -500px; width: 100px; height: 100px; overflow: scroll';
  document.body.appendChild(probe);
  const bar = probe.offsetWidth - probe.clientWidth;
  probe.remove();
  const limit = root.clientWidth + Math.max(0, Math.min(bar, innerWidth - root.clientWidth));
  const clipped = (e) => {  // inside an element that clips or scrolls, or fixed to the window (an off-canvas menu)
    for (let p = e; p && p !== root; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.position === 'fixed' || (p !== e && p !== document.body && style.overflowX !== 'visible')) return true;
    }
    return false;
  };
  const sticksOut = (e) => {
    const r = e.getBoundingClientRect();
    return r.width >= 1 && r.height >= 1 && r.right > limit + 1 && !clipped(e);  // only the right side widens a page
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const overflowing = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (overflowing.length >= 20 || !sticksOut(e) || (e.parentElement !== document.body && sticksOut(e.parentElement)))
      continue;
    const r = e.getBoundingClientRect();
    overflowing.push({element: name(e), ours: !!e.closest('.cnnsummary, .cnnsummary-reference, .cnnsummary-error'),
                      left: Math.round(r.left), right: Math.round(r.right)});
  }
  return {page_wider_than_screen: root.scrollWidth > limit + 1, screen_width: limit, overflowing};
})()"""

CHECKS = r"""
(() => {
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const paint = (colors) => {   // composite colours, bottom first, and read the pixel
    ctx.globalCompositeOperation = 'copy'; ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 1, 1);
    ctx.globalCompositeOperation = 'source-over';
    for (const c of colors) { ctx.fillStyle = '#fff'; ctx.fillStyle = c; ctx.fillRect(0, 0, 1, 1); }
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  const backgrounds = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      layers.unshift(bg);
    }
    return layers;
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 2 && r.height > 2; };
  // the edge cue of a scrolling wrapper: two shadows fixed to it, two covers moving with the content, and
  // nothing opaque between them and the reader (the table and its rows let the wrapper's background through)
  const edgeCue = (scroll) => {
    const style = getComputedStyle(scroll);
    const layers = (style.backgroundImage.match(/gradient\(/g) || []).length;
    const attachment = style.backgroundAttachment.split(',').map(a => a.trim());
    const table = scroll.querySelector('table');
    const clear = (e) => !e || /rgba\(.*, 0\)|transparent/.test(getComputedStyle(e).backgroundColor);
    return layers === 4 && attachment.filter(a => a === 'local').length === 2 &&
      attachment.filter(a => a === 'scroll').length === 2 && clear(table) && clear(table && table.tBodies[0]);
  };
  const out = {url: location.pathname, ...PAGE_WIDTH, tables: [], contrast: {}};
  for (const scroll of document.querySelectorAll('.cnnsummary .cnnsummary__scroll')) {
    if (!visible(scroll) || !scroll.querySelector('table.cnnsummary__table, pre.cnnsummary-error__source')) continue;
    const box = scroll.getBoundingClientRect();
    const cut = [];
    for (const cell of scroll.querySelectorAll('.cnnsummary__num, code, .cnnsummary__name')) {
      const head = cell.closest('thead');  // a narrow column's cards keep the headers for screen readers only
      if (head && head.getBoundingClientRect().width <= 1) continue;
      const r = cell.getBoundingClientRect();
      const outside = r.right > box.right + 0.5 || r.left < box.left - 0.5;
      if (r.width && outside) cut.push(cell.textContent.trim().slice(0, 40));
    }
    const caption = scroll.querySelector('caption');
    out.tables.push({caption: caption ? caption.textContent.trim() : scroll.textContent.trim().slice(0, 40),
                     columns: scroll.querySelectorAll('thead th').length,
                     scrolls: scroll.scrollWidth > scroll.clientWidth + 1, width: Math.round(box.width),
                     content_width: scroll.scrollWidth, cut: cut.length, first_cut: cut.slice(0, 4),
                     focusable: scroll.tabIndex >= 0, cue: edgeCue(scroll)});
  }
  const kinds = {
    'caption': '.cnnsummary__title', 'header': '.cnnsummary thead th', 'name': '.cnnsummary__name',
    'type': '.cnnsummary__type', 'cell': '.cnnsummary__table td', 'toggle': '.cnnsummary__toggle',
    'quantity': '.cnnsummary__quantity', 'note': '.cnnsummary__note', 'totals': '.cnnsummary__total',
    'total-sum': '.cnnsummary__total-sum', 'assumption': '.cnnsummary__assumption',
    'error-message': '.cnnsummary-error__message', 'error-where': '.cnnsummary-error__where',
    'error-hint': '.cnnsummary-error__hint', 'error-lineno': '.cnnsummary-error__lineno',
    'error-marked-line': '.cnnsummary-error__source mark', 'error-source': '.cnnsummary-error__source code',
    'label': '.cnnsummary--stackable td[data-label]::before',  // a card's column headers (narrow columns)
  };
  for (const [kind, query] of Object.entries(kinds)) {
    const [selector, pseudo] = query.split('::');
    let worst = null;
    for (const el of Array.from(document.querySelectorAll(selector)).filter(visible).slice(0, 40)) {
      const style = pseudo ? getComputedStyle(el, '::' + pseudo) : getComputedStyle(el);
      if (pseudo && (style.content === 'none' || style.display === 'none')) continue;
      const bg = paint(backgrounds(el));
      const fg = paint([`rgb(${bg.join(',')})`, style.color]);
      const r = ratio(fg, bg);
      const text = (pseudo ? style.content : el.textContent).trim().slice(0, 30);
      if (worst === null || r < worst.ratio) worst = {ratio: Math.round(r * 100) / 100, fg, bg, text};
    }
    if (worst) out.contrast[kind] = worst;
  }
  const labelled = document.querySelectorAll('.cnnsummary [role=region][aria-label], .cnnsummary[role=region]');
  const ids = Array.from(labelled).filter(visible).map(e => e.getAttribute('aria-label'));
  out.duplicate_labels = [...new Set(ids.filter((v, i) => ids.indexOf(v) !== i))];
  out.height = document.documentElement.scrollHeight;
  return out;
})()
""".replace("PAGE_WIDTH", PAGE_WIDTH)
