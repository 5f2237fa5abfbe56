/**
 * Escaping for everything the report prints. Values come from databases and history files, so
 * they are hostile until escaped. Markup is built with the {@link html} tag, which escapes every
 * interpolated string unless it is already {@link SafeHtml}: forgetting to escape takes effort.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe as element text and as a quoted attribute value (HTML and SVG). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Markup known to be safe: built by {@link html} or explicitly trusted with {@link trusted}. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What {@link html} accepts: strings and numbers are escaped, SafeHtml goes in as is. */
export type HtmlPart = SafeHtml | string | number | boolean | null | undefined | readonly HtmlPart[];

function partToHtml(part: HtmlPart): string {
  if (part instanceof SafeHtml) return part.value;
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(partToHtml).join('');
  return escapeHtml(String(part));
}

/**
 * Tagged template for HTML and SVG: `html\`<td>${value}</td>\`` escapes `value`. Attribute
 * values must sit inside double quotes in the template.
 */
export function html(strings: TemplateStringsArray, ...parts: HtmlPart[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += partToHtml(parts[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Marks markup as safe. Only for text faultline itself wrote (styles, the bundled script). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * JSON that cannot end the <script> element it sits in nor break the script: `<`, `>` and `&`
 * become \u escapes (so no `</script>` or `<!--`), and so do U+2028/U+2029, which older parsers
 * treat as line ends inside strings. The result parses back to the same value.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
