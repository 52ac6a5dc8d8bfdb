import MarkdownIt, { type StateCore, type Token } from 'markdown-it'
import parseSrcset from 'parse-srcset'
import sanitizeHtml from 'sanitize-html'
import { hasScheme } from '../text/patterns.js'
import { siteUrlFor } from '../text/urls.js'
import { collapseWhiteSpace } from '../text/white-space.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import { htmlNestingDepth } from './html-nesting.js'
import { countMarkupSteps, markupBudget, TooMuchMarkup } from './markup-steps.js'
import { cutAtWord, neutraliseCdataEnd, renderPlainText, type BodyRendering } from './plain-text.js'
import { SrcsetBudget } from './srcset-budget.js'
import { hasTooManyTags, MAX_HTML_TAGS, withNoTagStart, withoutTags } from './tag-budget.js'
import { countTableCells } from './table-cells.js'

export { neutraliseCdataEnd, renderPlainText, type BodyRendering } from './plain-text.js'
export { MAX_SRCSET_CHARS } from './srcset-budget.js'
export { MAX_HTML_TAGS } from './tag-budget.js'

/** Raw HTML is allowed in bodies (tables, figures); the sanitiser below decides what survives. */
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false })
// markdown-it refuses links to javascript:, vbscript:, file: and most data:
// URLs by leaving them unparsed, so `[Klick](javascript:alert(1))` reached
// readers as that text, URL and all. Every destination is parsed as a link
// here; keepSafeLinks keeps only the text of those no reader may follow.
markdown.validateLink = () => true
markdown.core.ruler.push('keep_safe_links', keepSafeLinks)
countMarkupSteps(markdown)

/** Schemes a link may use, as the sanitiser's allowedSchemes; an image only http(s). Relative URLs have none. */
const LINK_SCHEME = /^(https?|mailto):/i
const IMAGE_SCHEME = /^https?:/i
const allowed = (url: string | number | null, schemes: RegExp): boolean => typeof url === 'string' && (!hasScheme(url) || schemes.test(url))

/**
 * A link to a scheme that is not allowed becomes its text; an image, its
 * alt text. An autolink (`<javascript:…>`) is dropped whole: its text is the URL.
 */
function keepSafeLinks(state: StateCore): void {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue
    const kept: Token[] = []
    const open: { unsafe: boolean; auto: boolean }[] = []
    for (const token of block.children) {
      if (token.type === 'link_open') {
        const unsafe = !allowed(token.attrGet('href'), LINK_SCHEME)
        open.push({ unsafe, auto: token.markup === 'autolink' })
        if (unsafe) continue
      } else if (token.type === 'link_close') {
        if (open.pop()?.unsafe) continue
      } else if (open.some((link) => link.unsafe && link.auto)) {
        continue
      } else if (token.type === 'image' && !allowed(token.attrGet('src'), IMAGE_SCHEME)) {
        const alt = new state.Token('text', '', 0)
        alt.content = token.content
        kept.push(alt)
        continue
      }
      kept.push(token)
    }
    block.children = kept
  }
}

/**
 * The same Markdown with its raw HTML left out: tags are dropped, the text of
 * an HTML block is kept as a paragraph. What nests only as deep as Markdown
 * itself lets it (markdown-it stops at 100 levels) is left.
 */
const flatMarkdown = new MarkdownIt({ html: true, linkify: true, typographer: false })
flatMarkdown.renderer.rules.html_inline = () => ''
flatMarkdown.renderer.rules.html_block = (tokens, index) => {
  // `<[^<>]*>`: a lone `<` ends a try at once, so the scan stays linear. A run of tags and white space becomes one
  // space in one match: a space per tag, collapsed later, made 2 MiB of `<ul>` take 8 times as long as a quarter of it
  // (hundreds of thousands of matches; tests/hardening/growth.test.ts).
  const text = (tokens[index]?.content ?? '').replace(/(?:<[^<>]*>|\s)+/g, ' ').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  const paragraph = text.trim()
  return paragraph === '' ? '' : `<p>${paragraph}</p>\n`
}

/**
 * Deepest HTML nesting a body may reach. Deeper, the sanitiser's parser
 * slows down with the square of the body (html-nesting.ts); the body is then
 * published without its HTML tags. Markdown alone reaches at most 100 or so.
 */
export const MAX_HTML_DEPTH = 100

const URL_ATTRIBUTES = ['href', 'src', 'cite', 'poster'] as const

/**
 * The allow-list: what feed readers and mail clients display safely. Anything
 * else is dropped (its text kept, except inside script/style and the like).
 */
const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins',
  'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q', 'kbd', 'a', 'img', 'figure', 'figcaption',
  'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'colgroup', 'col',
]

const ALIGN = { 'text-align': [/^(left|right|center)$/] }

const BASE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'hreflang'],
    img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height'],
    source: ['srcset', 'sizes', 'media', 'type'],
    blockquote: ['cite'],
    q: ['cite'],
    abbr: ['title'],
    ol: ['start', 'reversed'],
    th: ['colspan', 'rowspan', 'scope', 'style'],
    td: ['colspan', 'rowspan', 'style'],
    col: ['span'],
    colgroup: ['span'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedStyles: { th: ALIGN, td: ALIGN },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'], source: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'srcset'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text of these never reaches a reader.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'svg', 'math'],
}

/**
 * Markdown → HTML that is safe in feed readers and mail clients, with every
 * `href`/`src`/`srcset` absolute: relative ones resolved against the
 * article's own URL, root-relative ones (`/media/x.jpg`) against `siteUrl`
 * as paths in the front matter are, so a site below a prefix
 * (https://example.de/news/) keeps it. Embedded players (iframe, video,
 * audio, object, embed) become plain links to what they would have shown.
 */
export function renderMarkdown(body: string, articleUrl: string, siteUrl: string = new URL('/', articleUrl).href): string {
  return renderBody(body, articleUrl, siteUrl).html
}

/**
 * How many times as long as its Markdown a body's HTML may be, with
 * HTML_GROWTH_ALLOWANCE on top. A reference link's URL is written once and
 * repeated at every use: `[r]: https://…` with 100,000 characters, then
 * `[x][r] ` over and over, made 39 KB of Markdown 50 MB feeds, and 164 KB
 * 300 MB, 3.3 GB of memory and a 28 s change (a hostile review); two such
 * files made every feed too long for a string, and under a 256 MB heap the
 * service aborted at every start. The 2 MiB limit of a file did not bound
 * its HTML. Measured: the bundled articles' HTML is 1.11 times their
 * Markdown (1.68 the most), the bench corpus's 1.02; a list of nothing but
 * root-relative links (`[a](/b)`, each made absolute) about 6.
 */
export const MAX_HTML_GROWTH = 8
const HTML_GROWTH_ALLOWANCE = 64 * 1024

/**
 * The cells a body's tables may have (countTableCells). markdown-it writes
 * each row out to its header's columns, and its parse, before any check
 * here, is what costs: 16 tables of 256 columns over rows of one cell, 25 KB
 * of Markdown, were 1.05 million cells, 8.5 s and 1 GB in a worker (a
 * hostile review). Measured (markdown-it 15, load 2.5 on 2 cores): 10,000
 * cells take ~100 ms and ~10 MB, written or not; 100,000 ~1 s and ~100 MB.
 * An article's tables are a few of at most 20 columns by 200 rows, 12,000
 * cells at most; more than 8 times that are not a table but an attack.
 */
export const MAX_TABLE_CELLS = 100_000

/**
 * The steps a body's parse may take (markup-steps.ts): each of its lines, and
 * each block started, piece of inline markup or run of text markdown-it reads.
 * Parsed, rendered and sanitised, a step costs 1 to 6 µs, and a link four
 * steps, however it is written (an e-mail address or `//a.de` linkify finds
 * in text too); so 2 MiB of `*ab* ` took 5.7 s, of `- a`
 * lines 7 s, of `<a@b.c>` 5 s (markdown-it 15, one core), and six such files
 * among the newest held back the first feed 41 s (6 s so; bench/dense-start.ts).
 * The costliest under it are links: 0.6–0.8 s for 40,000. An HTML block is a
 * step however long, an inline tag none (tag-budget.ts bounds their number) or
 * four with a URL: its costliest part, `srcset`, is bounded apart
 * (srcset-budget.ts). An article is a few thousand steps (the bundled ones at
 * most 40); prose with a link, an image or a bold word in every sentence
 * reaches 200,000 at about 1.5 MB.
 */
export const MAX_MARKUP_STEPS = 200_000

/**
 * The body's HTML (as renderMarkdown) and its excerpt (as excerptOf), from
 * one parse of the Markdown. A body whose HTML nests deeper than
 * MAX_HTML_DEPTH is published as text: its Markdown rendered, its HTML tags
 * left out, and the problem said; so is one with more than MAX_HTML_TAGS
 * tags, known before it is parsed. One whose HTML would be longer than
 * MAX_HTML_GROWTH allows is published as plain text (renderPlainText), the
 * problem said: known from its links' URLs before it is rendered. So is one
 * whose tables would have more than MAX_TABLE_CELLS cells, known before it is parsed,
 * and one whose parse would take more than MAX_MARKUP_STEPS steps, stopped there.
 */
export function renderBody(body: string, articleUrl: string, siteUrl: string = new URL('/', articleUrl).href): BodyRendering {
  const written = stripXmlForbidden(body)
  // Tags past MAX_HTML_TAGS: all are left out before the parse, which would read each (tag-budget.ts).
  const tagless = hasTooManyTags(written) ? `has more than ${MAX_HTML_TAGS} HTML tags` : undefined
  const text = tagless ? withoutTags(written) : written
  const source = tagless ? withNoTagStart(text) : written
  const plain = (reason: string): BodyRendering => ({ ...renderPlainText(text), problem: `${tagless ? `${tagless}, left out, and ` : ''}${reason}; published as plain text` })
  const tooMuchMarkup = (): BodyRendering => plain(`its Markdown has more than ${MAX_MARKUP_STEPS} lines and pieces of markup (blocks, links, emphasis, runs of text)`)
  if (countTableCells(source) > MAX_TABLE_CELLS) return plain(`its tables would have more than ${MAX_TABLE_CELLS} cells`)
  const env = markupBudget(source, MAX_MARKUP_STEPS)
  if (env.markupStepsLeft <= 0) return tooMuchMarkup()
  let tokens: Token[]
  try {
    tokens = markdown.parse(source, env)
  } catch (error) {
    if (error instanceof TooMuchMarkup) return tooMuchMarkup()
    throw error
  }
  const longest = MAX_HTML_GROWTH * source.length + HTML_GROWTH_ALLOWANCE
  const tooLong = (): BodyRendering => plain(`its HTML would be more than ${MAX_HTML_GROWTH} times as long as its text`)
  if (urlLength(tokens) > longest) return tooLong()
  const excerpt = excerptFromTokens(tokens, 300)
  let html = markdown.renderer.render(tokens, markdown.options, env)
  // Before the sanitiser reads it (a table's missing cells are written out: 255 KB of rows of `|` under 50 aligned
  // columns made 8.8 MB of HTML, which it took 7.5 s and 3 GB of heap to read).
  if (html.length > longest) return tooLong()
  let problem = tagless && `${tagless}; published as text without its HTML tags`
  if (htmlNestingDepth(html, MAX_HTML_DEPTH) > MAX_HTML_DEPTH) {
    // The same tokens, with the other rules for raw HTML: no second parse.
    html = flatMarkdown.renderer.render(tokens, flatMarkdown.options, env)
    problem = `nests HTML elements more than ${MAX_HTML_DEPTH} deep; published as text without its HTML tags`
  }
  const srcsets = new SrcsetBudget()
  html = sanitize(html, { article: articleUrl, site: siteUrl }, srcsets)
  const dropped = srcsets.problem()
  if (dropped) problem = problem === undefined ? dropped : `${problem}; ${dropped}`
  // What the URLs do not say: each made absolute, escaped (`&` is `&amp;`), a player made a link.
  return html.length > longest ? tooLong() : { html, excerpt, problem }
}

/** The characters of every link's and image's URL and title, as each use will write them: a reference's at every use. */
function urlLength(tokens: readonly Token[]): number {
  let length = 0
  for (const token of tokens)
    for (const child of token.children ?? [])
      if (child.type === 'link_open' || child.type === 'image')
        for (const [name, value] of child.attrs ?? []) if (name === 'href' || name === 'src' || name === 'title') length += String(value).length
  return length
}

/** `srcsets`: what is left of the body's budget of srcset (SrcsetBudget). */
function sanitize(html: string, baseUrl: Base, srcsets: SrcsetBudget): string {
  const options: sanitizeHtml.IOptions = {
    ...BASE_OPTIONS,
    transformTags: {
      '*': (tagName, attribs) => ({ tagName, attribs: absolutise(srcsets.within(attribs), baseUrl) }),
      iframe: (_, attribs) => embedAsLink(attribs, baseUrl),
      embed: (_, attribs) => embedAsLink(attribs, baseUrl),
      object: (_, attribs) => embedAsLink({ ...attribs, src: attribs.data ?? '' }, baseUrl),
      video: (_, attribs) => embedAsLink(attribs, baseUrl),
      audio: (_, attribs) => embedAsLink(attribs, baseUrl),
    },
  }
  return neutraliseCdataEnd(sanitizeHtml(html, options).trim())
}

function absolutise(attribs: sanitizeHtml.Attributes, baseUrl: Base): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = { ...attribs }
  for (const name of URL_ATTRIBUTES) {
    const value = out[name]
    if (value === undefined) continue
    const resolved = resolve(value, baseUrl)
    if (resolved === undefined) delete out[name]
    else out[name] = resolved
  }
  if (out.srcset !== undefined) {
    const candidates = parseSrcset(out.srcset)
      .map((c) => {
        const url = resolve(c.url, baseUrl)
        const descriptor = c.w ? ` ${c.w}w` : c.d ? ` ${c.d}x` : c.h ? ` ${c.h}h` : ''
        return url === undefined ? undefined : `${url}${descriptor}`
      })
      .filter((c): c is string => c !== undefined)
    if (candidates.length > 0) out.srcset = candidates.join(', ')
    else delete out.srcset
  }
  return out
}

/** What URLs in a body are resolved against. */
interface Base {
  readonly article: string
  readonly site: string
}

/** A URL made absolute: a root-relative path under the site, anything else against the article. */
function resolve(value: string, base: Base): string | undefined {
  const trimmed = value.trim()
  try {
    // A scheme we do not allow stays as written, so the sanitiser drops it.
    if (hasScheme(trimmed) && !/^https?:/i.test(trimmed)) return trimmed
    return /^\/(?![/\\])/.test(trimmed) ? siteUrlFor(base.site, trimmed) : new URL(trimmed, base.article).href
  } catch {
    return undefined
  }
}

function embedAsLink(attribs: sanitizeHtml.Attributes, baseUrl: Base): sanitizeHtml.Tag {
  const href = attribs.src === undefined || attribs.src === '' ? undefined : resolve(attribs.src, baseUrl)
  if (href === undefined) return { tagName: 'span', attribs: {} }
  return { tagName: 'a', attribs: { href }, text: attribs.title?.trim() || href }
}

/**
 * A plain-text excerpt of the body: the text of its paragraphs, whitespace
 * collapsed, cut at a word boundary near `maxLength` characters and marked
 * with an ellipsis. Headings are left out (a subhead run into the next
 * sentence reads as nonsense in a newsletter), unless the body has nothing
 * else; so are raw HTML and code blocks.
 */
export function excerptOf(body: string, maxLength = 300): string {
  return excerptFromTokens(markdown.parse(stripXmlForbidden(body), {}), maxLength)
}

function excerptFromTokens(tokens: readonly Token[], maxLength: number): string {
  const paragraphs: string[] = []
  const headings: string[] = []
  let block: string[] | undefined
  let length = 0
  for (const token of tokens) {
    if (token.type === 'paragraph_open') block = paragraphs
    else if (token.type === 'heading_open') block = headings
    else if (token.type === 'paragraph_close' || token.type === 'heading_close') block = undefined
    else if (block && token.type === 'inline') {
      const text = (token.children ?? [])
        .map((child) => (child.type === 'text' || child.type === 'code_inline' ? child.content : child.type.endsWith('break') ? ' ' : ''))
        .join('')
      block.push(text)
      if (block === paragraphs) length += text.length
      if (length > maxLength * 2) break
    }
  }
  const parts = paragraphs.some((text) => text.trim() !== '') ? paragraphs : headings
  return cutAtWord(collapseWhiteSpace(parts.join(' ')).trim(), maxLength)
}
