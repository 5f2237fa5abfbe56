import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, trusted } from './escape.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('html', () => {
  it('escapes interpolated strings but not nested html or trusted markup', () => {
    const value = '"><img src=x onerror=alert(1)>';
    const out = html`<p title="${value}">${value}${html`<b>${'<i>'}</b>`}${trusted('<hr>')}</p>`.value;
    expect(out).toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;<b>&lt;i&gt;</b><hr></p>');
  });

  it('flattens lists and drops null, undefined and false', () => {
    expect(html`<ul>${['<1>', 2].map((x) => html`<li>${x}</li>`)}${null}${undefined}${false}</ul>`.value).toBe('<ul><li>&lt;1&gt;</li><li>2</li></ul>');
  });
});

describe('jsonForScript', () => {
  it('cannot close a script element or open a comment', () => {
    const out = jsonForScript({ a: '</script><script>alert(1)</script>', b: '<!--', c: 'a\u2028b\u2029c' });
    expect(out).not.toMatch(/<|>|\u2028|\u2029/);
    expect(out).toContain('\\u003c/script\\u003e');
  });

  it('parses back to the same value, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = jsonForScript(v);
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});
