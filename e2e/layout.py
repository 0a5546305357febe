"""Layout checks a person would notice on a screenshot: a page wider than the screen, text drawn
over other text or over a control.

`layout_problems(page)` returns readable findings (empty when the page is sound):
- horizontal overflow: `document.documentElement.scrollWidth > window.innerWidth`, with the
  elements that stick out past the right edge (the widest first);
- overlapping text: the line boxes of every visible text node (Range.getClientRects, clipped by
  any ancestor that hides or scrolls its overflow) against those of the other text nodes and the
  boxes of controls and images that are not its ancestors or descendants. Overlaps of a couple of
  pixels (line boxes that touch, rounding) are ignored: a finding covers at least a third of the
  smaller line's height. Not checked: visually hidden text (`.vh`, 1 px clips), text inside SVG
  drawings (graph labels), and elements with no text (decorative shapes).
"""

OVERFLOW = """
() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (rect.right > width + 1 && rect.width > 0 && getComputedStyle(el).position !== "fixed") {
      let parentWide = el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1;
      if (!parentWide) wide.push([Math.round(rect.right), describe(el) + " in " + describe(el.parentElement)]);
    }
  }
  wide.sort((a, b) => b[0] - a[0]);
  return {scrollWidth, width, wide: wide.slice(0, 6).map(([right, what]) => `${what} reaches ${right}px`)};
}
"""

OVERLAPS = """
() => {
  const MIN_WIDTH = 2, MIN_SHARE = 1 / 3;
  const hidden = (el) => {
    for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
      if (node.classList && node.classList.contains("vh")) return true;
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") return true;
      if (node instanceof SVGElement) return true;
      if (node.tagName === "OPTION" || node.tagName === "SCRIPT" || node.tagName === "STYLE") return true;
    }
    return false;
  };
  const clipOf = (el) => {
    let clip = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible" || style.overflowY !== "visible" || style.clipPath !== "none") {
        const r = node.getBoundingClientRect();
        clip = {left: Math.max(clip.left, r.left), top: Math.max(clip.top, r.top),
                right: Math.min(clip.right, r.right), bottom: Math.min(clip.bottom, r.bottom)};
      }
    }
    return clip;
  };
  const clipped = (r, c) => ({left: Math.max(r.left, c.left), top: Math.max(r.top, c.top),
                              right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom)});
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");

  const boxes = [];  // {el, rect, label}
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const clipCache = new Map(), hiddenCache = new Map();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim()) continue;
    const el = text.parentElement;
    if (!hiddenCache.has(el)) hiddenCache.set(el, hidden(el));
    if (hiddenCache.get(el)) continue;
    if (!clipCache.has(el)) clipCache.set(el, clipOf(el));
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const raw of range.getClientRects()) {
      const rect = clipped(raw, clipCache.get(el));
      if (rect.right - rect.left < 1 || rect.bottom - rect.top < 4) continue;
      boxes.push({el, rect, label: JSON.stringify(text.data.trim().slice(0, 40)) + " (" + describe(el) + ")"});
    }
  }
  const controls = "img, input:not([type=hidden]), select, textarea, button, video, canvas, iframe";
  for (const el of document.body.querySelectorAll(controls)) {
    if (hidden(el)) continue;
    const rect = clipped(el.getBoundingClientRect(), clipOf(el.parentElement || el));
    if (rect.right - rect.left < 4 || rect.bottom - rect.top < 4) continue;
    boxes.push({el, rect, label: describe(el), control: true});
  }
  const found = [];
  for (let i = 0; i < boxes.length && found.length < 12; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (a.control && b.control) continue;
      if (a.el === b.el) continue;  // the lines of one element's text follow each other
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      if (w < MIN_WIDTH) continue;
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      const shorter = Math.min(a.rect.bottom - a.rect.top, b.rect.bottom - b.rect.top);
      if (h < Math.max(3, shorter * MIN_SHARE)) continue;
      // A control's own label (a button's text) is inside it, not over it.
      if ((a.control && a.el.contains(b.el)) || (b.control && b.el.contains(a.el))) continue;
      found.push(`${a.label} overlaps ${b.label} by ${Math.round(w)}x${Math.round(h)}px`);
      if (found.length >= 12) break;
    }
  }
  return found;
}
"""


def layout_problems(page) -> list[str]:
    """What is wrong with the layout of the page shown now (see the module docstring)."""
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(
            f"the page is {overflow['scrollWidth']}px wide on a {overflow['width']}px screen: "
            + "; ".join(overflow["wide"])
        )
    problems += [f"text overlaps: {finding}" for finding in page.evaluate(OVERLAPS)]
    return problems
