"""Layout checks a person would notice on a screenshot: a page wider than the screen, text drawn
over other text or over a control.

`layout_problems(page)` returns readable findings (empty when the page is sound):
- horizontal overflow: `document.documentElement.scrollWidth > window.innerWidth`, with the
  elements that stick out past the right edge (the widest first);
- on a desk only, content cut off sideways: a box whose overflow is hidden and whose content is
  wider than it (ellipsis and visually hidden text excepted; a box that scrolls keeps it in reach);
- overlapping text: the line boxes of every visible text node (Range.getClientRects, clipped by
  any ancestor that hides or scrolls its overflow) against those of the other text nodes and the
  boxes of controls and images that are not its ancestors or descendants. Overlaps of a couple of
  pixels (line boxes that touch, rounding) are ignored: a finding covers at least a third of the
  smaller line's height;
- text under a border: a left border or inset shadow of 2 px or more drawn over the first letters
  of the text inside its element. Not checked: visually hidden text (`.vh`, 1 px clips), text inside SVG
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
      let scrolledInABox = false;  // inside a box that scrolls or clips it, it widens nothing
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== "visible") { scrolledInABox = true; break; }
      }
      if (!parentWide && !scrolledInABox) {
        wide.push([Math.round(rect.right), describe(el) + " in " + describe(el.parentElement)]);
      }
    }
  }
  wide.sort((a, b) => b[0] - a[0]);
  return {scrollWidth, width, wide: wide.slice(0, 6).map(([right, what]) => `${what} reaches ${right}px`)};
}
"""

# On a desk, a box that hides part of its content sideways, out of reach (a table cut off at 1280 px).
# A box that scrolls sideways keeps its content in reach, and is left alone.
CUT_OFF = """
() => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["TEXTAREA", "INPUT", "SELECT", "PRE", "CODE"].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (!["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis") continue;
    if (el.classList.contains("vh") || el.clientWidth <= 1) continue;  // visually hidden on purpose
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`${describe(el)} shows ${el.clientWidth}px of ${el.scrollWidth}px`);
    }
  }
  return found.slice(0, 6);
}
"""

OVERLAPS = r"""
() => {
  const MIN_WIDTH = 2, MIN_SHARE = 1 / 3;
  // Both walk up the tree once per element: the answers of ancestors are kept.
  const hiddenMemo = new Map(), clipMemo = new Map();
  const hidden = (el) => {
    if (!el || el === document.documentElement) return false;
    if (hiddenMemo.has(el)) return hiddenMemo.get(el);
    const style = getComputedStyle(el);
    const own = (el.classList && el.classList.contains("vh")) || el instanceof SVGElement
      || style.display === "none" || style.visibility === "hidden" || style.opacity === "0"
      || ["OPTION", "SCRIPT", "STYLE", "TEMPLATE"].includes(el.tagName);
    const answer = own || hidden(el.parentElement);
    hiddenMemo.set(el, answer);
    return answer;
  };
  const clipOf = (el) => {
    if (!el || el === document.documentElement) return {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    if (clipMemo.has(el)) return clipMemo.get(el);
    let clip = clipOf(el.parentElement);
    const style = getComputedStyle(el);
    if (style.overflowX !== "visible" || style.overflowY !== "visible" || style.clipPath !== "none") {
      clip = clipped(el.getBoundingClientRect(), clip);
    }
    clipMemo.set(el, clip);
    return clip;
  };
  const clipped = (r, c) => ({left: Math.max(r.left, c.left), top: Math.max(r.top, c.top),
                              right: Math.min(r.right, c.right), bottom: Math.min(r.bottom, c.bottom)});
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");

  const boxes = [];  // {el, rect, label}
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim()) continue;
    const el = text.parentElement;
    if (hidden(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const raw of range.getClientRects()) {
      const rect = clipped(raw, clipOf(el));
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
  // A left border or an inset shadow drawn over the start of the text inside its element.
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    let edge = parseFloat(style.borderLeftWidth) || 0;
    const inset = /inset/.test(style.boxShadow) && style.boxShadow.match(/(-?[\d.]+)px/);
    if (inset && parseFloat(inset[1]) > 0) edge = Math.max(edge, parseFloat(inset[1]));
    if (edge < 2 || hidden(el)) continue;
    const left = el.getBoundingClientRect().left + edge;
    for (const box of boxes) {
      if (box.control || !el.contains(box.el) || box.rect.left >= left - 0.5) continue;
      if (box.rect.right <= el.getBoundingClientRect().left) continue;
      found.push(`${box.label} starts under the ${Math.round(edge)}px left edge of ${describe(el)}`);
      break;
    }
    if (found.length >= 6) break;
  }
  // From top to bottom: a box is compared with the boxes that start before it ends.
  boxes.sort((a, b) => a.rect.top - b.rect.top);
  for (let i = 0; i < boxes.length && found.length < 12; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (b.rect.top >= a.rect.bottom) break;
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


def layout_problems(page, *, desk: bool = False) -> list[str]:
    """What is wrong with the layout of the page shown now (see the module docstring); on a desk
    (`desk`), also any box that cuts its content off sideways."""
    problems = []
    if desk:
        problems += [f"content cut off: {finding}" for finding in page.evaluate(CUT_OFF)]
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(
            f"the page is {overflow['scrollWidth']}px wide on a {overflow['width']}px screen: "
            + "; ".join(overflow["wide"])
        )
    problems += [f"text overlaps: {finding}" for finding in page.evaluate(OVERLAPS)]
    return problems
