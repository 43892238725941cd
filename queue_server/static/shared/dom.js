// The one small DOM helper the pages share: find by id, build an element, set a text.

export function $(id) {
  return document.getElementById(id);
}

/**
 * `h("button", {class: "act", dataset: {id: 1}, onclick: go, disabled: false}, "Call")`.
 * Props: `class`, `text`, `style` (CSS text), `dataset`, `on<event>` listeners; anything
 * else is an attribute (true: present, false/null/undefined: left out). Children may be
 * nodes, strings, numbers or arrays of them; null and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") node.style.cssText = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Change a text only when it differs: no needless layout on a weak TV box. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
