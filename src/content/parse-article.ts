import path from 'node:path'
import { z } from 'zod'
import { ArticleError, type ArticleProblem } from '../errors/article-error.js'
import { describeIssue, inOurWords } from '../errors/describe-issue.js'
import { quoted, shownName, stripBidiControls } from '../text/display.js'
import { LANGUAGE_TAG } from '../text/patterns.js'
import { collapseWhiteSpace } from '../text/white-space.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import { siteUrlFor, slugify, SLUG_PATTERN } from '../text/urls.js'
import type { Article, Enclosure } from './article.js'
import { parseFrontMatterDate } from './dates.js'
import { readDuration } from './durations.js'
import { EPISODE_FIELDS, episodeFieldsWithoutAudio, readChapters, readTranscript } from './episode-fields.js'
import { readFrontMatter } from './front-matter.js'
import { mediaTypeFor, normaliseMediaType } from './media-types.js'
import { cutAtWord } from './plain-text.js'
import { defaultId, readPermanentId } from './permanent-id.js'
import { plusFolderProblems } from './plus-media.js'
import { readUrl } from './read-url.js'

export interface ParseArticleOptions {
  /** Public base URL ending in `/`. */
  readonly siteUrl: string
  /** IANA zone for dates written without an offset. */
  readonly timeZone: string
  /** Language of articles that name none. */
  readonly language: string
}

export interface ParsedArticle {
  readonly article: Article
  /** The Markdown body as written. */
  readonly body: string
  /** Things that were accepted but deserve an editor's look. */
  readonly warnings: readonly ArticleProblem[]
  /** The body's version, when the body was not read (an index snapshot gives it): bodyDigest of the store. */
  readonly bodyDigest?: string
  /** When the file was read (ms), when that was before it was asked for (read ahead on another thread: read-ahead.ts). */
  readonly readAt?: number
}

/**
 * Tags and authors an article publishes at most; the first ones are kept,
 * with a warning. Feeds carry each one, and 10,000 of them cost seconds.
 */
export const MAX_TAGS = 50
/**
 * The characters of a line of front matter text a feed carries at most
 * (cleanText): the front matter may hold 64 KiB, and a summary of 63,000
 * `&` escaped five times over, in 50 items, made 16-19 MB feeds with no item
 * past the byte budget of their HTML, and 500 of them 190 MB (a hostile review).
 */
export const MAX_TEXT_CHARS = { title: 300, summary: 1000, image_alt: 500, tags: 100, author: 100 } as const
export const MAX_AUTHORS = 20

const KNOWN_FIELDS = new Set([
  'title', 'date', 'updated', 'category', 'tags', 'author', 'summary', 'image', 'image_alt',
  'enclosure', 'episode', 'explicit', 'slug', 'id', 'draft', 'lang', 'transcript', 'chapters', 'season',
  'access',
])

/** Text fields accept YAML numbers too (`title: 1929`), as the text they were typed as. */
const text = z.union([z.string(), z.number().transform(String)], { error: 'must be text' })
const nonEmptyText = text
  .transform((s) => s.trim())
  .refine((s) => s !== '', { error: 'must not be empty' })
const textList = z.union([text.transform((s) => [s]), z.array(text)], { error: 'must be text or a list of texts' })
const dateText = z.string({ error: 'must be an ISO 8601 date such as 2025-01-28T09:30:00+01:00' })

const frontMatterSchema = z.object(
  {
    title: nonEmptyText,
    date: dateText,
    updated: dateText.optional(),
    category: z.union([z.string().transform((s) => [s]), z.array(z.string()).min(1)], {
      error: 'must be a category slug such as "wirtschaft", or a list of them',
    }),
    tags: textList.optional(),
    author: textList.optional(),
    summary: text.optional(),
    image: z.string({ error: 'must be a URL or a site path such as /media/bild.jpg' }).optional(),
    image_alt: text.optional(),
    episode: z.number({ error: 'must be a whole number' }).int('must be a whole number').positive('must be 1 or more').optional(),
    explicit: z.boolean({ error: 'must be true or false' }).optional(),
    ...EPISODE_FIELDS,
    enclosure: z
      .object(
        {
          url: z.string({ error: 'must be a URL or a site path such as /media/folge.mp3' }),
          type: z.string({ error: 'must be a MIME type such as audio/mpeg' }).optional(),
          length: z.number({ error: 'must be a number of bytes' }).int('must be a whole number of bytes').nonnegative('must not be negative').optional(),
          duration: z
            .union([z.number().nonnegative('must not be negative'), z.string().regex(/^(\d+:)?\d{1,2}:\d{2}$/, 'must be seconds, or HH:MM:SS')], {
              error: 'must be seconds, or HH:MM:SS',
            })
            .optional(),
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `has unknown fields ${issue.keys.map(quoted).join(', ')} (known: url, type, length, duration)`
              : 'must be a mapping with url, type, length and duration',
        },
      )
      .strict()
      .optional(),
    slug: z.string({ error: 'must be text' }).regex(SLUG_PATTERN, 'must be lower-case letters, digits and single hyphens').optional(),
    id: z.string({ error: 'must be text' }).optional(),
    draft: z.boolean({ error: 'must be true or false' }).optional(),
    access: z.string({ error: 'must be "free" or "plus"' }).optional(),
    lang: z
      .string({ error: 'must be a language tag such as "de"' })
      .regex(LANGUAGE_TAG, 'must be a language tag such as "de" or "de-AT"')
      .optional(),
  },
  { error: 'must be a mapping' },
)

type FrontMatterData = z.output<typeof frontMatterSchema>

/**
 * Turns one article file's text into an Article, or throws an ArticleError
 * naming the file, each field at fault and the problem. Pure: no I/O.
 *
 * @param file path relative to ARTICLES_DIR, `/`-separated; used for messages and the default slug
 */
export function parseArticle(text: string, file: string, options: ParseArticleOptions): ParsedArticle {
  const split = readFrontMatter(text)
  if ('problem' in split) throw new ArticleError(file, [split])

  const result = frontMatterSchema.safeParse(split.data, { error: inOurWords })
  if (!result.success) {
    throw new ArticleError(file, result.error.issues.map((issue) => describeIssue(issue, split.data, 'front matter')))
  }

  const warnings: ArticleProblem[] = []
  const problems: ArticleProblem[] = []
  // One line for all unknown fields, however many a file has (an alias bomb can have dozens).
  const unknown = Object.keys(split.data).filter((key) => !KNOWN_FIELDS.has(key)).map(shownName)
  if (unknown.length === 1) warnings.push({ field: unknown[0] as string, problem: 'is not a known field and is ignored' })
  else if (unknown.length > 1) {
    const named = unknown.length > 8 ? [...unknown.slice(0, 8), `… (${unknown.length} in all)`] : unknown
    warnings.push({ field: named.join(', '), problem: 'are not known fields and are ignored' })
  }
  const article = buildArticle(result.data, file, options, problems, warnings)
  if (problems.length > 0 || article === undefined) throw new ArticleError(file, problems)
  if (split.body.trim() === '') {
    // Readers would show an item with no text at all; Atom would carry neither summary nor content.
    if (article.summary === undefined || article.summary.trim() === '') {
      throw new ArticleError(file, [{ field: 'body', problem: 'is empty and there is no summary: nothing to publish' }])
    }
    warnings.push({ field: 'body', problem: 'is empty; the article is published with its summary only' })
  }
  // The body is cleaned where it is rendered (render-markdown.ts); the editor
  // hears of it here, once per version of the file. One scan of the body,
  // 5–8 % of parsing: 480–970 ms of 9–12 s for 50,000 files of 3 KB
  // (bench/generate-corpus.ts) on a 2-core machine at load average 10.
  const removed = split.body.length - stripXmlForbidden(split.body).length
  if (removed > 0) warnings.push({ field: 'body', problem: heldXmlForbidden(removed) })
  return { article, body: split.body, warnings }
}

function buildArticle(
  data: FrontMatterData,
  file: string,
  options: ParseArticleOptions,
  problems: ArticleProblem[],
  warnings: ArticleProblem[],
): Article | undefined {
  const date = readDate(data.date, 'date', options.timeZone, problems)
  const updated = data.updated === undefined ? date : readDate(data.updated, 'updated', options.timeZone, problems)

  const categories = data.category.map((c) => c.trim())
  for (const category of categories) {
    if (!SLUG_PATTERN.test(category)) {
      const hint = slugify(category)
      problems.push({
        field: 'category',
        problem: `"${category}" is not a category slug${hint ? ` (did you mean "${hint}"?)` : ''}`,
      })
    }
  }

  const slug = data.slug ?? slugify(path.posix.basename(file, '.md'))
  if (slug === '') problems.push({ field: 'slug', problem: 'cannot be made from the file name; set one' })

  const primary = categories[0] ?? ''
  const pagePath = `/${primary}/${slug}.html`
  const url = siteUrlFor(options.siteUrl, pagePath)
  const id = data.id === undefined ? defaultId(options.siteUrl, primary, slug, date) : readId(data.id, problems)
  const image = data.image === undefined ? undefined : readUrl(data.image, 'image', options.siteUrl, problems)
  const enclosure = data.enclosure === undefined ? undefined : readEnclosure(data.enclosure, options.siteUrl, problems, warnings)
  if (data.enclosure === undefined) warnings.push(...episodeFieldsWithoutAudio(data))
  const transcript = data.transcript === undefined ? undefined : readTranscript(data.transcript, options.siteUrl, problems)
  const chapters = data.chapters === undefined ? undefined : readChapters(data.chapters, enclosure, options.siteUrl, problems)

  const access = readAccess(data, problems)
  if (access === 'free') problems.push(...plusFolderProblems(options.siteUrl, [['enclosure.url', enclosure?.url], ['transcript', typeof transcript === 'object' ? transcript.url : undefined]]))
  const title = cleanText(data.title, 'title', warnings, MAX_TEXT_CHARS.title)
  if (title === '') problems.push({ field: 'title', problem: 'is empty once characters XML cannot carry are removed' })
  if (problems.length > 0 || date === undefined || updated === undefined || access === undefined) return undefined
  if (updated < date) {
    warnings.push({ field: 'updated', problem: 'is earlier than date; feeds show it as written' })
  }
  return {
    file,
    slug,
    id,
    title,
    date,
    updated,
    categories,
    tags: cleanList(data.tags, 'tags', MAX_TAGS, warnings),
    authors: cleanList(data.author, 'author', MAX_AUTHORS, warnings),
    summary: data.summary === undefined || data.summary.trim() === '' ? undefined : cleanText(data.summary, 'summary', warnings, MAX_TEXT_CHARS.summary),
    image,
    imageAlt: data.image_alt === undefined ? '' : cleanText(data.image_alt, 'image_alt', warnings, MAX_TEXT_CHARS.image_alt),
    enclosure,
    episode: data.episode,
    explicit: data.explicit,
    transcript,
    chapters,
    season: data.season,
    access,
    draft: data.draft ?? false,
    lang: data.lang ?? options.language,
    path: pagePath,
    url,
  }
}

function readDate(value: string, field: string, timeZone: string, problems: ArticleProblem[]): Date | undefined {
  const date = parseFrontMatterDate(value, timeZone)
  if (!(date instanceof Date)) {
    problems.push({ field, problem: `${quoted(value)} ${date ?? 'is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00'}` })
    return undefined
  }
  // RSS dates carry whole seconds only; cut everywhere so all formats agree.
  return new Date(Math.floor(date.getTime() / 1000) * 1000)
}

/**
 * `access: plus` or `free` (the default). A plus article's body reaches
 * subscribers only; every public document shows its teaser, whose text is the
 * front matter's summary: without one there would be nothing public to show
 * but the body itself, so the file is refused rather than cut from the body.
 */
function readAccess(data: FrontMatterData, problems: ArticleProblem[]): Article['access'] | undefined {
  const access = data.access ?? 'free'
  if (access !== 'free' && access !== 'plus') {
    problems.push({ field: 'access', problem: `${quoted(access)} is neither "free" nor "plus"` })
    return undefined
  }
  if (access === 'plus' && (data.summary === undefined || data.summary.trim() === '')) {
    problems.push({ field: 'summary', problem: PLUS_NEEDS_SUMMARY })
    return undefined
  }
  return access
}

const PLUS_NEEDS_SUMMARY = 'access: plus needs a summary written in the front matter: the public feeds show it as the teaser'

function readId(value: string, problems: ArticleProblem[]): string {
  const read = readPermanentId(value)
  if ('id' in read) return read.id
  problems.push({ field: 'id', problem: read.problem })
  return value
}

function readEnclosure(
  value: NonNullable<FrontMatterData['enclosure']>,
  siteUrl: string,
  problems: ArticleProblem[],
  warnings: ArticleProblem[],
): Enclosure | undefined {
  const url = readUrl(value.url, 'enclosure.url', siteUrl, problems)
  if (url === undefined) return undefined
  if (/[^\x20-\x7e]/.test(value.url)) {
    // Percent-encoding keeps the URL valid, but not every podcast app decodes it.
    const name = value.url.split('/').pop() ?? ''
    const ascii = `${slugify(name.replace(/\.[^.]*$/, ''))}${/\.[^.]*$/.exec(name)?.[0] ?? ''}`
    warnings.push({ field: 'enclosure.url', problem: `has characters outside ASCII; some podcast apps refuse it: rename the file, e.g. to "${ascii}"` })
  }
  let type: string | undefined
  if (value.type === undefined) {
    type = mediaTypeFor(new URL(url).pathname)
    if (type === undefined) {
      problems.push({ field: 'enclosure.type', problem: 'is required: the file name does not tell the media type' })
      return undefined
    }
  } else {
    const normal = normaliseMediaType(value.type)
    if (normal === undefined) {
      problems.push({ field: 'enclosure.type', problem: `"${value.type}" is not a MIME type such as audio/mpeg` })
      return undefined
    }
    if (normal !== value.type.trim().toLowerCase()) {
      warnings.push({ field: 'enclosure.type', problem: `"${value.type}" is not a registered type; published as "${normal}"` })
    }
    type = normal
  }
  const duration = value.duration === undefined ? undefined : readDuration(value.duration)
  if (duration !== undefined && 'problem' in duration) {
    problems.push({ field: 'enclosure.duration', problem: duration.problem })
    return undefined
  }
  return { url, type, length: value.length, duration: duration?.seconds }
}

const heldXmlForbidden = (count: number): string => `held ${count} control or non-characters XML cannot carry; removed`

/**
 * Text for one line: without characters XML cannot carry, without
 * bidirectional controls (which make text display as other text), and with
 * every run of whitespace (newlines from YAML block scalars, tabs) as one
 * space. XML would turn a carriage return into a line feed anyway, and JSON
 * would not: the formats would disagree.
 */
function cleanText(value: string, field: string, warnings: ArticleProblem[], maxChars = Infinity): string {
  const clean = stripXmlForbidden(value)
  if (clean !== value) warnings.push({ field, problem: heldXmlForbidden(value.length - clean.length) })
  const shown = stripBidiControls(clean)
  if (shown !== clean) {
    warnings.push({ field, problem: `held ${clean.length - shown.length} bidirectional override or isolate controls, which make text display as other text; removed` })
  }
  const text = collapseWhiteSpace(shown).trim()
  // Most texts are shorter in UTF-16 units already: no array of their characters at each of 50,000 starts' parses.
  const cut = text.length <= maxChars ? text : cutAtWord(text, maxChars)
  if (cut !== text) warnings.push({ field, problem: `is ${Array.from(text).length} characters; only its first ${maxChars} are published, cut at a word` })
  return cut
}

function cleanList(values: readonly string[] | undefined, field: 'tags' | 'author', max: number, warnings: ArticleProblem[]): string[] {
  const seen = new Set<string>()
  for (const value of values ?? []) {
    const clean = cleanText(value, field, warnings, MAX_TEXT_CHARS[field])
    if (clean === '' || seen.has(clean)) continue
    if (seen.size === max) {
      warnings.push({ field, problem: `lists ${values?.length} entries; only the first ${max} are published` })
      break
    }
    seen.add(clean)
  }
  return [...seen]
}
