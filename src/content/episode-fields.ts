import { z } from 'zod'
import type { ArticleProblem } from '../errors/article-error.js'
import { describeIssue, inOurWords } from '../errors/describe-issue.js'
import { quoted } from '../text/display.js'
import { hasScheme } from '../text/patterns.js'
import { collapseWhiteSpace } from '../text/white-space.js'
import { stripXmlForbidden } from '../text/xml-chars.js'
import type { Chapter, Enclosure, TranscriptFile } from './article.js'
import { readDuration } from './durations.js'
import { mediaTypeFor } from './media-types.js'
import { readUrl } from './read-url.js'

/**
 * The Podcasting 2.0 fields of an episode's front matter: `transcript`,
 * `chapters` and `season` (podcastindex.org/namespace/1.0). Pure: the
 * values in, the article's fields or problems naming the field out.
 */

/** Chapters an episode may list: a chapter a minute for eight hours; the JSON document stays a few dozen KB. */
export const MAX_CHAPTERS = 500

/**
 * The highest season number: podcast:season is "an integer" with no bound
 * (podcastindex.org/namespace/1.0#season), and apps read it into 32-bit or
 * smaller fields; four digits are decades of seasons.
 */
export const MAX_SEASON = 9999

/** The schema entries parse-article.ts adds to the front matter's. */
export const EPISODE_FIELDS = {
  transcript: z.string({ error: 'must be a site path such as /media/folge-12.vtt, or "article"' }).optional(),
  // Checked here, chapter by chapter, so that a problem names the chapter as editors count (chapters[2].start).
  chapters: z.unknown().optional(),
  season: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .positive('must be 1 or more')
    .max(MAX_SEASON, `must be ${MAX_SEASON} or less`)
    .optional(),
}

const chapterSchema = z
  .object({
    start: z.union([z.number().nonnegative('must not be negative'), z.string().regex(/^(\d+:)?\d{1,2}:\d{2}$/, 'must be seconds, or HH:MM:SS')], {
      error: 'must be seconds, or HH:MM:SS',
    }),
    title: z.union([z.string(), z.number().transform(String)], { error: 'must be text' }),
    url: z.string({ error: 'must be a URL or a site path such as /wirtschaft/artikel.html' }).optional(),
    image: z.string({ error: 'must be a URL or a site path such as /media/bild.jpg' }).optional(),
  })
  .strict()
const chapterList = z.array(chapterSchema, { error: 'must be a list of chapters, each with start and title' })

/** `transcript:`: `article`, or a WebVTT or SRT file named like `image`. */
export function readTranscript(value: string, siteUrl: string, problems: ArticleProblem[]): TranscriptFile | 'article' | undefined {
  if (value.trim() === 'article') return 'article'
  const url = readUrl(value, 'transcript', siteUrl, problems)
  if (url === undefined) return undefined
  if (!isUnderMedia(value, url, siteUrl)) {
    problems.push({
      field: 'transcript',
      problem: `${quoted(value)} is not a file under /media/ (no "." or ".." parts, plain or percent-encoded); write a site path such as /media/folge-12.vtt, or "article"`,
    })
    return undefined
  }
  // The types podcast apps read (Apple Podcasts: WebVTT and SRT), by the file's extension.
  const type = mediaTypeFor(new URL(url).pathname)
  if (type === 'text/vtt' || type === 'application/x-subrip') return { url, type }
  problems.push({
    field: 'transcript',
    problem: `${quoted(value)} is neither a WebVTT (.vtt) nor an SRT (.srt) file; write a site path such as /media/folge-12.vtt, or "article"`,
  })
  return undefined
}

/** A `.` or `..` path part, plain or percent-encoded (URL parsers resolve `%2e%2e` like `..`: WHATWG URL, path state). */
const DOT_PART = /(?:^|\/)(?:\.|%2e){1,2}(?:[/?#]|$)/i

/**
 * Whether a transcript names a file the site can serve: on this site, only
 * under /media/ (a path leaving it is a dead link, or names a file that is
 * not the transcript's); elsewhere, any http(s) URL, as given. Dot parts are
 * refused outright rather than resolved.
 */
function isUnderMedia(value: string, url: string, siteUrl: string): boolean {
  if (DOT_PART.test(value.trim())) return false
  const onThisSite = !hasScheme(value.trim()) || new URL(url).origin === new URL(siteUrl).origin
  return !onThisSite || url.startsWith(new URL('media/', siteUrl).href)
}

/**
 * `chapters:`: each `{start, title, url?, image?}`, `start` in seconds or
 * HH:MM:SS like `duration`. Refused: starts that do not increase, and starts
 * at or past the end of the episode (when its duration is known).
 */
export function readChapters(value: unknown, enclosure: Enclosure | undefined, siteUrl: string, problems: ArticleProblem[]): Chapter[] | undefined {
  // The length first: a hostile list of thousands of entries gives one problem, not two per entry.
  if (Array.isArray(value) && value.length > MAX_CHAPTERS) {
    problems.push({ field: 'chapters', problem: `lists ${value.length} chapters; at most ${MAX_CHAPTERS} are allowed` })
    return undefined
  }
  const result = chapterList.safeParse(value, { error: inOurWords })
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [index, ...rest] = issue.path
      const field = typeof index === 'number' ? `chapters[${index + 1}]${rest.map((key) => `.${String(key)}`).join('')}` : 'chapters'
      problems.push({ field, problem: describeIssue(issue, value).problem })
    }
    return undefined
  }
  const before = problems.length
  const chapters = result.data.map((chapter, index): Chapter => {
    const field = `chapters[${index + 1}]`
    const start = readDuration(chapter.start)
    if ('problem' in start) problems.push({ field: `${field}.start`, problem: start.problem })
    const title = collapseWhiteSpace(stripXmlForbidden(chapter.title)).trim()
    if (title === '') problems.push({ field: `${field}.title`, problem: 'must not be empty' })
    return {
      start: 'seconds' in start ? start.seconds : 0,
      title,
      url: chapter.url === undefined ? undefined : readUrl(chapter.url, `${field}.url`, siteUrl, problems),
      image: chapter.image === undefined ? undefined : readUrl(chapter.image, `${field}.image`, siteUrl, problems),
    }
  })
  if (problems.length > before) return undefined
  chapters.forEach((chapter, index) => {
    const previous = chapters[index - 1]
    const field = `chapters[${index + 1}].start`
    if (previous !== undefined && chapter.start <= previous.start) {
      problems.push({
        field,
        problem: `${chapter.start} s does not come after the start of chapter ${index} (${previous.start} s); chapters must start in increasing order`,
      })
    }
    const duration = enclosure?.duration
    if (duration !== undefined && chapter.start >= duration) {
      problems.push({ field, problem: `${chapter.start} s is not before the end of the episode (enclosure.duration: ${duration} s)` })
    }
  })
  return problems.length > before ? undefined : chapters
}

/** Episode fields an article without an enclosure gives: one warning naming them, since nothing publishes them. */
export function episodeFieldsWithoutAudio(data: { transcript?: unknown; chapters?: unknown; season?: unknown }): ArticleProblem[] {
  const given = (['transcript', 'chapters', 'season'] as const).filter((field) => data[field] !== undefined)
  if (given.length === 0) return []
  return [{ field: given.join(', '), problem: `${given.length === 1 ? 'belongs' : 'belong'} to a podcast episode; without an enclosure ${given.length === 1 ? 'it is' : 'they are'} not published` }]
}
