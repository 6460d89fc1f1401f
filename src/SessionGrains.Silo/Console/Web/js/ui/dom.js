// A tiny DOM builder. Everything the server sends (user agents, emails, claims, reasons) is
// attacker-controlled, so the console never parses HTML: text goes in through text nodes only.

/**
 * Builds an element.
 * props: class (string or array), testid, data {name: value}, attrs {name: value},
 * on {event: handler}, and any other key is set as a DOM property (type, value, href, title,
 * disabled, checked, htmlFor, …). Children: nodes, strings (as text), numbers, arrays; null,
 * undefined and false are skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      switch (key) {
        case 'class':
          el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
          break;
        case 'testid':
          el.dataset.testid = value;
          break;
        case 'data':
          for (const [name, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[name] = String(v);
          break;
        case 'attrs':
          for (const [name, v] of Object.entries(value)) {
            if (v === false || v === undefined || v === null) continue;
            el.setAttribute(name, v === true ? '' : String(v));
          }
          break;
        case 'on':
          for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
          break;
        default:
          el[key] = value;
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children (same rules as h) to a node. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of a node. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A text placeholder for a missing value. */
export function none(text = '—') {
  return h('span', { class: 'muted' }, text);
}

/** A button. */
export function button(label, props = {}) {
  return h('button', { type: 'button', ...props, class: ['btn', props.class] }, label);
}

/** A labelled form field wrapper. */
export function field(labelText, control, hint) {
  const id = control.id || (control.id = uid('f'));
  return h('div', { class: 'field' },
    h('label', { htmlFor: id }, labelText),
    control,
    hint ? h('span', { class: 'hint' }, hint) : null);
}

let counter = 0;
/** A unique id for label/control pairs. */
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A <select> with [value, label] options. */
export function select(options, props = {}) {
  const el = h('select', props);
  for (const [value, label] of options) el.appendChild(h('option', { value }, label));
  if (props.value !== undefined) el.value = props.value;
  return el;
}

/** A debounced version of fn. */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}
