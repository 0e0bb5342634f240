// A small hyperscript helper: h('button', { class: 'primary', onclick: go }, 'Go').
type Child = Node | string | number | null | undefined | false
type Listener = (event: never) => void
type Attrs = Record<string, string | number | boolean | null | undefined | Listener>

function apply (element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener)
    else if (value === true) element.setAttribute(name, '')
    else element.setAttribute(name, String(value))
  }
}

function append (element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(typeof child === 'number' ? String(child) : child)
  }
}

export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  apply(element, attrs)
  append(element, children)
  return element
}

export function s<K extends keyof SVGElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag)
  apply(element, attrs)
  append(element, children)
  return element
}

export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from index.html`)
  return element as T
}

/** A "Loading …" placeholder that screen readers announce. */
export function loading (text: string): HTMLElement {
  return h('div', { class: 'loading', role: 'status', 'aria-busy': 'true', 'data-testid': 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text)
}

/** A friendly empty state. */
export function empty (title: string, text: string, ...actions: Child[]): HTMLElement {
  return h('div', { class: 'empty', 'data-testid': 'empty' }, h('p', { class: 'empty-title' }, title), h('p', {}, text), ...actions)
}
