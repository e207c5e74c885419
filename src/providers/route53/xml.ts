/**
 * A small XML reader and writer for the Route 53 REST/XML API, whose
 * documents are plain element trees: no attributes are needed (they are
 * skipped), no DTDs, no mixed content. Text is unescaped for the five
 * predefined entities and numeric character references; CDATA is kept as
 * text; comments and processing instructions are skipped. Anything else
 * malformed makes `parseXml` return undefined (never throws).
 */

/** One element: its local name (prefix dropped), its text, its children in order. */
export interface XmlElement {
  readonly name: string;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

interface Building {
  name: string;
  text: string;
  children: XmlElement[];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeText(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (cp > 0x10ffff) {
        bad = true;
        return m;
      }
      return String.fromCodePoint(cp);
    }
    const e = ENTITIES[ref];
    if (e === undefined) bad = true;
    return e ?? m;
  });
  return bad || /&(?![^;]*;)/.test(s) ? undefined : out;
}

/** The document's root element, or undefined when `xml` is not well-formed enough to read. */
export function parseXml(xml: string): XmlElement | undefined {
  const stack: Building[] = [{ name: '#document', text: '', children: [] }];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i) {
      const t = unescapeText(xml.slice(i, textEnd));
      if (t === undefined) return undefined;
      (stack[stack.length - 1] as Building).text += t;
    }
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) return undefined;
      (stack[stack.length - 1] as Building).text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
      const end = xml.indexOf('>', lt);
      if (end < 0) return undefined;
      i = end + 1;
    } else {
      const end = xml.indexOf('>', lt);
      if (end < 0) return undefined;
      const tag = xml.slice(lt + 1, end);
      if (tag.startsWith('/')) {
        const name = localName(tag.slice(1).trim());
        const open = stack.pop();
        if (open === undefined || stack.length === 0 || open.name !== name) return undefined;
        (stack[stack.length - 1] as Building).children.push({ name: open.name, text: open.text, children: open.children });
      } else {
        const selfClosing = tag.endsWith('/');
        const m = /^([A-Za-z_][\w.:-]*)/.exec(tag);
        if (m === null) return undefined;
        const name = localName(m[1] as string);
        if (selfClosing) (stack[stack.length - 1] as Building).children.push({ name, text: '', children: [] });
        else stack.push({ name, text: '', children: [] });
      }
      i = end + 1;
    }
  }
  const doc = stack[0] as Building;
  if (stack.length !== 1 || doc.children.length !== 1) return undefined;
  return doc.children[0];
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** The first child named `name`. */
export function child(e: XmlElement | undefined, name: string): XmlElement | undefined {
  return e?.children.find((c) => c.name === name);
}

/** Every child named `name`. */
export function childrenNamed(e: XmlElement | undefined, name: string): XmlElement[] {
  return e === undefined ? [] : e.children.filter((c) => c.name === name);
}

/** The text of the element at `path` (child names), or undefined. */
export function textAt(e: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = e;
  for (const p of path) cur = child(cur, p);
  return cur?.text;
}

/** `s` escaped for element text. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
