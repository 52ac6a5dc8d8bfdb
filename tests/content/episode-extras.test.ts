/**
 * The Podcasting 2.0 fields of an episode's front matter: transcript,
 * chapters and season, read and refused by parseArticle.
 */
import { describe, expect, it } from 'vitest'
import { parseArticle, type ParseArticleOptions } from '../../src/content/parse-article.js'
import { ArticleError } from '../../src/errors/article-error.js'

const options: ParseArticleOptions = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }
const episode = (extra: string, duration = '12:00'): string =>
  `---\ntitle: Folge 3\ndate: 2025-10-02T05:00:00+02:00\ncategory: wirtschaft\nenclosure: { url: /media/folge-3.mp3, duration: "${duration}" }\n${extra.trim()}\n---\nText.\n`

function thrownBy(text: string): ArticleError {
  try {
    parseArticle(text, 'folge-3.md', options)
  } catch (error) {
    if (error instanceof ArticleError) return error
    throw error
  }
  throw new Error('expected an ArticleError')
}

function refusal(text: string): string {
  try {
    parseArticle(text, 'folge-3.md', options)
  } catch (error) {
    if (error instanceof ArticleError) return error.message
    throw error
  }
  throw new Error('expected an ArticleError')
}

describe('parseArticle: transcript', () => {
  it('reads a WebVTT or SRT file under /media/ as an absolute URL with its media type', () => {
    expect(parseArticle(episode('transcript: /media/folge-3.vtt'), 'folge-3.md', options).article.transcript).toEqual({
      url: 'https://www.example.de/media/folge-3.vtt',
      type: 'text/vtt',
    })
    expect(parseArticle(episode('transcript: /media/folge-3.SRT'), 'folge-3.md', options).article.transcript).toEqual({
      url: 'https://www.example.de/media/folge-3.SRT',
      type: 'application/x-subrip',
    })
  })

  it.each([
    ['/etc/passwd.vtt', '"/etc/passwd.vtt"'],
    ['/media/../site.yaml.vtt', '"/media/../site.yaml.vtt"'],
    ['/media/%2e%2e/%2e%2e/etc/passwd.vtt', '"/media/%2e%2e/%2e%2e/etc/passwd.vtt"'],
    ['/media/./folge-3.vtt', '"/media/./folge-3.vtt"'],
    ['https://www.example.de/media/%2E%2E/site.yaml.vtt', '"https://www.example.de/media/%2E%2E/site.yaml.vtt"'],
    ['https://www.example.de/wirtschaft/folge-3.vtt', '"https://www.example.de/wirtschaft/folge-3.vtt"'],
    ['//elsewhere.example/folge-3.vtt', '"//elsewhere.example/folge-3.vtt"'],
  ])('refuses the transcript %s: not a file under /media/, which would be published as a dead link', (value, shown) => {
    expect(refusal(episode(`transcript: "${value}"`))).toBe(
      `folge-3.md: transcript: ${shown} is not a file under /media/ (no "." or ".." parts, plain or percent-encoded); write a site path such as /media/folge-12.vtt, or "article"`,
    )
  })

  it('reads a transcript at an absolute URL on another host as given', () => {
    expect(parseArticle(episode('transcript: https://podcasts.example/t/folge-3.vtt'), 'folge-3.md', options).article.transcript).toEqual({
      url: 'https://podcasts.example/t/folge-3.vtt',
      type: 'text/vtt',
    })
  })

  it('reads "article": the article text is the transcript', () => {
    expect(parseArticle(episode('transcript: article'), 'folge-3.md', options).article.transcript).toBe('article')
  })
})

describe('parseArticle: chapters, and the refusals of every episode field', () => {
  it('reads starts in seconds or HH:MM:SS, titles, and links and images made absolute', () => {
    const { article } = parseArticle(
      episode(`
chapters:
  - { start: 0, title: Begrüßung }
  - { start: "02:30", title: "Zinsen & Gebühren", url: /wirtschaft/zinsen.html }
  - { start: "0:10:05", title: Fazit, image: /media/fazit.jpg }
`),
      'folge-3.md',
      options,
    )
    expect(article.chapters).toEqual([
      { start: 0, title: 'Begrüßung', url: undefined, image: undefined },
      { start: 150, title: 'Zinsen & Gebühren', url: 'https://www.example.de/wirtschaft/zinsen.html', image: undefined },
      { start: 605, title: 'Fazit', url: undefined, image: 'https://www.example.de/media/fazit.jpg' },
    ])
  })

  it.each([
    ['transcript: /media/folge-3.txt', 'folge-3.md: transcript: "/media/folge-3.txt" is neither a WebVTT (.vtt) nor an SRT (.srt) file; write a site path such as /media/folge-12.vtt, or "article"'],
    ['transcript: "javascript:alert(1)"', 'folge-3.md: transcript: "javascript:alert(1)" is not an http(s) URL or a site path such as /media/datei'],
    ['transcript: [a.vtt]', 'folge-3.md: transcript: must be a site path such as /media/folge-12.vtt, or "article"'],
    ['season: 0', 'folge-3.md: season: must be 1 or more'],
    ['season: 1.5', 'folge-3.md: season: must be a whole number'],
    ['season: zwei', 'folge-3.md: season: must be a whole number'],
    ['season: 10000', 'folge-3.md: season: must be 9999 or less'],
    ['season: 9007199254740991', 'folge-3.md: season: must be 9999 or less'],
    [
      'chapters:\n  - { start: 0, title: A }\n  - { start: "05:00", title: B }\n  - { start: 300, title: C }',
      'folge-3.md: chapters[3].start: 300 s does not come after the start of chapter 2 (300 s); chapters must start in increasing order',
    ],
    [
      'chapters:\n  - { start: 60, title: A }\n  - { start: 30, title: B }',
      'folge-3.md: chapters[2].start: 30 s does not come after the start of chapter 1 (60 s); chapters must start in increasing order',
    ],
    [
      'chapters:\n  - { start: 0, title: A }\n  - { start: "12:01", title: B }',
      'folge-3.md: chapters[2].start: 721 s is not before the end of the episode (enclosure.duration: 720 s)',
    ],
    ['chapters:\n  - { start: "1:75", title: A }', 'folge-3.md: chapters[1].start: "1:75" has minutes or seconds of 60 or more; write H:MM:SS with both below 60'],
    ['chapters:\n  - { start: 0 }', 'folge-3.md: chapters[1].title: is required'],
    ['chapters:\n  - { start: 0, title: A, bild: x.jpg }', 'folge-3.md: chapters[1]: has unknown fields "bild" (known: start, title, url, image)'],
    ['chapters:\n  - { start: 0, title: A, url: "ftp://x" }', 'folge-3.md: chapters[1].url: "ftp://x" is not an http(s) URL or a site path such as /media/datei'],
    ['chapters: Intro', 'folge-3.md: chapters: must be a list of chapters, each with start and title'],
  ])('refuses %j, naming the field (and the chapter)', (field, message) => {
    expect(refusal(episode(field))).toBe(message)
  })

  it('refuses more than 500 chapters', () => {
    const many = Array.from({ length: 501 }, (_, n) => `  - { start: ${n}, title: K${n} }`).join('\n')
    expect(refusal(episode(`chapters:\n${many}`, '1:00:00'))).toBe('folge-3.md: chapters: lists 501 chapters; at most 500 are allowed')
  })

  it('refuses 9,000 empty chapters with one problem, before reading any, in a log line of a few hundred bytes', () => {
    const many = Array.from({ length: 9000 }, () => '  - {}').join('\n')
    const error = thrownBy(episode(`chapters:\n${many}`, '1:00:00'))
    expect(error.message).toBe('folge-3.md: chapters: lists 9000 chapters; at most 500 are allowed')
    // The line the catalog logs (article-catalog.ts: `skipped …` with logFields), as LOG_FORMAT=json writes it.
    expect(JSON.stringify({ level: 40, msg: `skipped ${error.message}`, ...error.logFields() }).length).toBeLessThan(500)
  })

  it('names at most ten problems of a file, and how many more there are', () => {
    const many = Array.from({ length: 400 }, () => '  - {}').join('\n')
    const error = thrownBy(episode(`chapters:\n${many}`, '1:00:00'))
    const first = Array.from({ length: 5 }, (_, n) => `chapters[${n + 1}].start: is required; chapters[${n + 1}].title: is required`).join('; ')
    expect(error.message).toBe(`folge-3.md: ${first}; and 790 more problems`)
    expect(error.logFields().problems).toHaveLength(10)
    expect(error.logFields().moreProblems).toBe(790)
    expect(JSON.stringify({ level: 40, msg: `skipped ${error.message}`, ...error.logFields() }).length).toBeLessThan(2000)
  })
})

describe('parseArticle: season', () => {
  it('reads a season number', () => {
    expect(parseArticle(episode('season: 2'), 'folge-3.md', options).article.season).toBe(2)
    expect(parseArticle(episode('season: 9999'), 'folge-3.md', options).article.season).toBe(9999)
  })
})

describe('parseArticle: episode fields without audio', () => {
  it('warns that transcript, chapters and season do nothing without an enclosure', () => {
    const text = '---\ntitle: T\ndate: 2025-10-02T05:00:00+02:00\ncategory: wirtschaft\nseason: 1\ntranscript: article\n---\nText.\n'
    expect(parseArticle(text, 'x.md', options).warnings).toEqual([
      { field: 'transcript, season', problem: 'belong to a podcast episode; without an enclosure they are not published' },
    ])
  })
})
