import { describe, expect, it } from 'vitest'
import { parseArticle, type ParseArticleOptions } from '../../src/content/parse-article.js'
import { ArticleError } from '../../src/errors/article-error.js'

const options: ParseArticleOptions = { siteUrl: 'https://www.example.de/', timeZone: 'Europe/Berlin', language: 'de' }

const file = (frontMatter: string, body = 'Ein Absatz.\n'): string => `---\n${frontMatter.trim()}\n---\n${body}`
const minimal = 'title: Börse im Blick\ndate: 2025-01-28T09:30:00+01:00\ncategory: wirtschaft'

function refusal(text: string, name = 'wirtschaft/beispiel.md'): ArticleError {
  try {
    parseArticle(text, name, options)
  } catch (error) {
    if (error instanceof ArticleError) return error
    throw error
  }
  throw new Error('expected an ArticleError')
}

describe('parseArticle: a valid file', () => {
  it('reads every front-matter field of the contract', () => {
    const { article, body, warnings } = parseArticle(
      file(`
title: "DeepSeek: Weckruf für die US-Tech-Industrie"
date: 2025-01-28T09:30:00+01:00
updated: 2025-01-28T14:00:00+01:00
category: wirtschaft
tags: [KI, Nvidia, Börse]
author: Silke Mayr
summary: "Ein Satz, der den Artikel zusammenfasst."
image: /media/deepseek.jpg
image_alt: Das Logo von DeepSeek auf einem Bildschirm
enclosure:
  url: /media/deepseek-podcast.mp3
  type: audio/mpeg
  length: 1234567
  duration: 1805
episode: 7
explicit: false
slug: deepseek-weckruf
id: tag:example.de,2025:deepseek-weckruf
lang: de
`, 'Markdown **body**\n'),
      'ki/deepseek.md',
      options,
    )
    expect(warnings).toEqual([])
    expect(body).toBe('Markdown **body**\n')
    expect(article).toEqual({
      file: 'ki/deepseek.md',
      slug: 'deepseek-weckruf',
      id: 'tag:example.de,2025:deepseek-weckruf',
      title: 'DeepSeek: Weckruf für die US-Tech-Industrie',
      date: new Date('2025-01-28T08:30:00Z'),
      updated: new Date('2025-01-28T13:00:00Z'),
      categories: ['wirtschaft'],
      tags: ['KI', 'Nvidia', 'Börse'],
      authors: ['Silke Mayr'],
      summary: 'Ein Satz, der den Artikel zusammenfasst.',
      image: 'https://www.example.de/media/deepseek.jpg',
      imageAlt: 'Das Logo von DeepSeek auf einem Bildschirm',
      enclosure: { url: 'https://www.example.de/media/deepseek-podcast.mp3', type: 'audio/mpeg', length: 1234567, duration: 1805 },
      episode: 7,
      explicit: false,
      access: 'free',
      draft: false,
      lang: 'de',
      path: '/wirtschaft/deepseek-weckruf.html',
      url: 'https://www.example.de/wirtschaft/deepseek-weckruf.html',
    })
  })

  it('defaults the slug from the file name, the id from category and slug, updated from date', () => {
    const { article } = parseArticle(file(minimal), 'archiv/2025/Börsen Beben im Überblick.md', options)
    expect(article.slug).toBe('boersen-beben-im-ueberblick')
    expect(article.id).toBe('tag:www.example.de,2025:wirtschaft/boersen-beben-im-ueberblick')
    expect(article.updated).toEqual(article.date)
    expect(article.authors).toEqual([])
    expect(article.tags).toEqual([])
    expect(article.lang).toBe('de')
    expect(article.draft).toBe(false)
  })

  // Issue #10, point 9.
  it('makes the same slug and id from a file name in NFD (as macOS tools write it) as from the same name in NFC', () => {
    const nfc = 'archiv/Börse Öl.md'
    const nfd = nfc.normalize('NFD')
    expect(nfd).not.toBe(nfc)
    const [a, b] = [nfc, nfd].map((name) => parseArticle(file(minimal), name, options).article)
    expect([a?.slug, a?.id, a?.url]).toEqual(['boerse-oel', 'tag:www.example.de,2025:wirtschaft/boerse-oel', 'https://www.example.de/wirtschaft/boerse-oel.html'])
    expect([b?.slug, b?.id, b?.url]).toEqual([a?.slug, a?.id, a?.url])
    // The file stays the name on disk: it is what is opened again.
    expect(b?.file).toBe(nfd)
  })

  it('reads a date without a zone in the site time zone, in winter and in summer', () => {
    const winter = parseArticle(file('title: A\ndate: 2025-01-28T09:30:00\ncategory: wirtschaft'), 'a.md', options).article
    const summer = parseArticle(file('title: B\ndate: 2025-07-01 09:30\ncategory: wirtschaft'), 'b.md', options).article
    const dateOnly = parseArticle(file('title: C\ndate: 2025-03-30\ncategory: wirtschaft'), 'c.md', options).article
    expect(winter.date.toISOString()).toBe('2025-01-28T08:30:00.000Z')
    expect(summer.date.toISOString()).toBe('2025-07-01T07:30:00.000Z')
    expect(dateOnly.date.toISOString()).toBe('2025-03-29T23:00:00.000Z')
  })

  it('honours another site time zone', () => {
    const { article } = parseArticle(file('title: A\ndate: 2025-01-28T09:30:00\ncategory: wirtschaft'), 'a.md', {
      ...options,
      timeZone: 'America/New_York',
    })
    expect(article.date.toISOString()).toBe('2025-01-28T14:30:00.000Z')
  })

  it('cuts fractions of a second, which RSS cannot carry, so all formats agree', () => {
    const { article } = parseArticle(file('title: A\ndate: 2025-01-28T09:30:00.987Z\ncategory: wirtschaft'), 'a.md', options)
    expect(article.date.toISOString()).toBe('2025-01-28T09:30:00.000Z')
  })

  it('accepts a list of authors and of categories; the first category makes the URL', () => {
    const { article } = parseArticle(
      file('title: A\ndate: 2025-01-28T09:30:00Z\ncategory: [politik, wirtschaft]\nauthor: [Silke Mayr, Jonas Albrecht, Silke Mayr]'),
      'a.md',
      options,
    )
    expect(article.categories).toEqual(['politik', 'wirtschaft'])
    expect(article.authors).toEqual(['Silke Mayr', 'Jonas Albrecht'])
    expect(article.url).toBe('https://www.example.de/politik/a.html')
  })

  it('keeps numbers typed as titles or tags as the text they were', () => {
    const { article } = parseArticle(file('title: 1929\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\ntags: [2025, DAX]'), 'a.md', options)
    expect(article.title).toBe('1929')
    expect(article.tags).toEqual(['2025', 'DAX'])
  })

  it('publishes a title, summary, image text, tag or author of more characters than a feed should carry cut at a word, and says so', () => {
    const words = (word: string, n: number) => Array.from({ length: n }, () => word).join(' ')
    const { article, warnings } = parseArticle(
      file(`title: "${words('Zölle', 60)}"\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\nsummary: "${words('&&&&&', 10_000)}"\ntags: ["${words('DAX', 30)}", Euro]`),
      'a.md',
      options,
    )
    // 60 words of 5 characters and 59 spaces: 359; cut at the space before the 300th, marked.
    expect(article.title).toBe(`${words('Zölle', 50)} …`)
    expect(Array.from(article.summary ?? '')).toHaveLength(995 + 2)
    expect(article.tags).toEqual([`${words('DAX', 25)} …`, 'Euro'])
    expect(warnings).toEqual([
      { field: 'title', problem: 'is 359 characters; only its first 300 are published, cut at a word' },
      { field: 'tags', problem: 'is 119 characters; only its first 100 are published, cut at a word' },
      { field: 'summary', problem: 'is 59999 characters; only its first 1000 are published, cut at a word' },
    ])
  })

  it('accepts a UTF-8 byte-order mark and CRLF line endings', () => {
    const text = '\uFEFF---\r\ntitle: Zölle\r\ndate: 2025-01-28T09:30:00+01:00\r\ncategory: wirtschaft\r\n---\r\nText mit Umlauten: äöü.\r\n'
    const { article, body } = parseArticle(text, 'crlf.md', options)
    expect(article.title).toBe('Zölle')
    expect(body).toBe('Text mit Umlauten: äöü.\r\n')
  })

  it('resolves image and enclosure paths against SITE_URL, keeping its path prefix', () => {
    const { article } = parseArticle(
      file('title: A\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\nimage: /media/bild.jpg\nenclosure: {url: media/folge.mp3, length: 10}'),
      'a.md',
      { ...options, siteUrl: 'https://www.example.de/news/' },
    )
    expect(article.image).toBe('https://www.example.de/news/media/bild.jpg')
    expect(article.enclosure).toEqual({ url: 'https://www.example.de/news/media/folge.mp3', type: 'audio/mpeg', length: 10, duration: undefined })
    expect(article.url).toBe('https://www.example.de/news/wirtschaft/a.html')
  })

  it('normalises ids once, so every format writes the same one', () => {
    const { article } = parseArticle(file(`${minimal}\nid: HTTPS://WWW.Example.DE/a?b=1`), 'a.md', options)
    expect(article.id).toBe('https://www.example.de/a?b=1')
  })

  it('removes characters XML cannot carry from text fields, with a warning (bodies are cleaned when rendered)', () => {
    const { article, warnings } = parseArticle(
      file('title: "Zins\\u0001wende \\uFFFE"\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\nsummary: "a\\uD800b"\ntags: ["\\u0008EZB"]'),
      'a.md',
      options,
    )
    expect(article.title).toBe('Zinswende')
    expect(article.summary).toBe('ab')
    expect(article.tags).toEqual(['EZB'])
    expect(warnings).toEqual([
      { field: 'title', problem: 'held 2 control or non-characters XML cannot carry; removed' },
      { field: 'tags', problem: 'held 1 control or non-characters XML cannot carry; removed' },
      { field: 'summary', problem: 'held 1 control or non-characters XML cannot carry; removed' },
    ])
  })

  it('keeps titles, tags, authors and summaries on one line, whitespace collapsed', () => {
    const { article } = parseArticle(
      file('title: >\n  Eine lange\n  Überschrift\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\ntags: ["  KI\\tund  Chips "]\nsummary: "Erste Zeile.\\r\\nZweite Zeile."'),
      'a.md',
      options,
    )
    expect(article.title).toBe('Eine lange Überschrift')
    expect(article.tags).toEqual(['KI und Chips'])
    expect(article.summary).toBe('Erste Zeile. Zweite Zeile.')
  })

  it('maps unregistered media types to the registered one, with a warning', () => {
    const { article, warnings } = parseArticle(
      file(`${minimal}\nenclosure: {url: /media/a.mp3, type: audio/mp3, length: 5}`),
      'a.md',
      options,
    )
    expect(article.enclosure?.type).toBe('audio/mpeg')
    expect(warnings).toEqual([{ field: 'enclosure.type', problem: '"audio/mp3" is not a registered type; published as "audio/mpeg"' }])
  })

  it('warns about fields it does not know, and about enclosure names outside ASCII', () => {
    const { article, warnings } = parseArticle(file(`${minimal}\nautor: X\nenclosure: {url: /media/Zölle Folge.m4a}`), 'a.md', options)
    expect(article.enclosure?.url).toBe('https://www.example.de/media/Z%C3%B6lle%20Folge.m4a')
    expect(article.enclosure?.type).toBe('audio/x-m4a')
    expect(warnings).toEqual([
      { field: 'autor', problem: 'is not a known field and is ignored' },
      { field: 'enclosure.url', problem: 'has characters outside ASCII; some podcast apps refuse it: rename the file, e.g. to "zoelle-folge.m4a"' },
    ])
  })
})

describe('parseArticle: unknown fields and empty bodies', () => {
  it('names many unknown fields in one warning, not one line each', () => {
    const fields = Array.from({ length: 10 }, (_, n) => `feld${n}: ${n}`).join('\n')
    expect(parseArticle(file(`${minimal}\n${fields}`), 'a.md', options).warnings).toEqual([
      { field: 'feld0, feld1, feld2, feld3, feld4, feld5, feld6, feld7, … (10 in all)', problem: 'are not known fields and are ignored' },
    ])
  })

  it('publishes an empty body with its summary, and refuses one with nothing at all to show', () => {
    expect(parseArticle(file(`${minimal}\nsummary: Folgt.`, ''), 'a.md', options).warnings).toEqual([
      { field: 'body', problem: 'is empty; the article is published with its summary only' },
    ])
    expect(() => parseArticle(file(minimal, '\n  \n'), 'a.md', options)).toThrow('a.md: body: is empty and there is no summary: nothing to publish')
  })
})

describe('parseArticle: a file that is refused names the file, the field and the problem', () => {
  it.each([
    ['date: 2025-01-28T09:30:00Z\ncategory: wirtschaft', 'x.md: title: is required'],
    ['title: A\ncategory: wirtschaft', 'x.md: date: is required'],
    ['title: A\ndate: 2025-01-28T09:30:00Z', 'x.md: category: is required'],
    ['title: A\ndate: 2025-01-28T09:30:00Z\ncategory: 7', 'x.md: category: must be a category slug such as "wirtschaft", or a list of them'],
    ['title: A\ndate: 2025-01-28\ncategory: wirtschaft\nauthor: ~', 'x.md: author: has no value'],
    ['title: "  "\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft', 'x.md: title: must not be empty'],
    ['title: [a, b]\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft', 'x.md: title: must be text'],
    ['title: A\ndate: 28.01.2025\ncategory: wirtschaft', 'x.md: date: "28.01.2025" is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00'],
    ['title: A\ndate: 2025-02-30\ncategory: wirtschaft', 'x.md: date: "2025-02-30" is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00'],
    ['title: A\ndate: 2025-01-28T09:30:00Z\nupdated: gestern\ncategory: wirtschaft', 'x.md: updated: "gestern" is not an ISO 8601 date such as 2025-01-28T09:30:00+01:00'],
    ['title: A\ndate: 2025-01-28T09:30:00Z\ncategory: Wirtschaft', 'x.md: category: "Wirtschaft" is not a category slug (did you mean "wirtschaft"?)'],
    [`${minimal}\ntags: {a: 1}`, 'x.md: tags: must be text or a list of texts'],
    [`${minimal}\ndraft: yes`, 'x.md: draft: must be true or false'],
    [`${minimal}\nslug: Mein Artikel`, 'x.md: slug: must be lower-case letters, digits and single hyphens'],
    [`${minimal}\nid: "12345"`, 'x.md: id: "12345" is not a permanent URI (tag:example.de,2025:slug, urn:uuid:…, or an http(s) URL)'],
    [`${minimal}\nimage: "javascript:alert(1)"`, 'x.md: image: "javascript:alert(1)" is not an http(s) URL or a site path such as /media/datei'],
    [`${minimal}\nenclosure: /media/a.mp3`, 'x.md: enclosure: must be a mapping with url, type, length and duration'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, length: -1}`, 'x.md: enclosure.length: must not be negative'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, length: "groß"}`, 'x.md: enclosure.length: must be a number of bytes'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, type: "audio mpeg"}`, 'x.md: enclosure.type: "audio mpeg" is not a MIME type such as audio/mpeg'],
    [`${minimal}\nenclosure: {url: /media/a.unbekannt}`, 'x.md: enclosure.type: is required: the file name does not tell the media type'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, title: Folge 1}`, 'x.md: enclosure: has unknown fields "title" (known: url, type, length, duration)'],
    [`${minimal}\nlang: deutsch`, 'x.md: lang: must be a language tag such as "de" or "de-AT"'],
    [`${minimal}\nepisode: 0`, 'x.md: episode: must be 1 or more'],
    [`${minimal}\nepisode: 1.5`, 'x.md: episode: must be a whole number'],
    [`${minimal}\nexplicit: nein`, 'x.md: explicit: must be true or false'],
  ])('%j → %s', (frontMatter, message) => {
    const error = refusal(file(frontMatter), 'x.md')
    expect(error.message).toBe(message)
    expect(error.file).toBe('x.md')
  })

  // Issue #10, point 11: values that were accepted and gave feeds no consumer can read.
  it.each([
    ['title: A\ndate: 0000-12-31T12:00:00Z\ncategory: wirtschaft', 'x.md: date: "0000-12-31T12:00:00Z" is in the year 0000; feeds carry the years 0001 to 9999'],
    ['title: A\ndate: 0001-01-01T00:30:00+01:00\ncategory: wirtschaft', 'x.md: date: "0001-01-01T00:30:00+01:00" is in the year 0000 once converted to UTC; feeds carry the years 0001 to 9999'],
    ['title: A\ndate: 2025-01-28T09:30:00Z\nupdated: 9999-12-31T23:00:00-02:00\ncategory: wirtschaft', 'x.md: updated: "9999-12-31T23:00:00-02:00" is in the year 10000 once converted to UTC; feeds carry the years 0001 to 9999'],
    ['title: A\ndate: 2025-01-28T09:30:00+14:30\ncategory: wirtschaft', 'x.md: date: "2025-01-28T09:30:00+14:30" has the offset +14:30; offsets go from -14:00 to +14:00'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: 1e300}`, 'x.md: enclosure.duration: is 1e+300 seconds, more than 1000 hours (3600000 seconds)'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: 3600001}`, 'x.md: enclosure.duration: is 3600001 seconds, more than 1000 hours (3600000 seconds)'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: "1:99:99"}`, 'x.md: enclosure.duration: "1:99:99" has minutes or seconds of 60 or more; write H:MM:SS with both below 60'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: "75:00"}`, 'x.md: enclosure.duration: "75:00" has minutes or seconds of 60 or more; write H:MM:SS with both below 60'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: "1000:00:01"}`, 'x.md: enclosure.duration: "1000:00:01" is more than 1000 hours'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: "99999999999999999999:00:00"}`, 'x.md: enclosure.duration: "99999999999999999999:00:00" is more than 1000 hours'],
    ...['tag:example.de,2025-13-01:x', 'tag:example.de,2025-02-30:x', 'tag:example.de,25:x', 'tag:exa_mple.de,2025:x', 'tag:-example.de,2025:x', 'tag:example.de,2025:a<b>', 'tag:example.de,2025:über', 'tag:example.de,2025:a%zz', 'tag:example.de,2025:a#b#c'].map(
      (id) => [`${minimal}\nid: "${id}"`, `x.md: id: "${id}" is not a valid tag URI (RFC 4151) such as tag:example.de,2025:wirtschaft/slug: a domain or e-mail address, a date (2025, 2025-01 or 2025-01-28), then only ASCII letters, digits, -._~!$&'()*+,;=:@/? and %XX`],
    ),
    ...['urn:uuid:not-a-uuid', 'urn:isbn:', 'urn:-x:y', 'urn:x y:z', 'urn:isbn:978 3', 'urn:a:b'].map(
      (id) => [`${minimal}\nid: "${id}"`, `x.md: id: "${id}" is not a valid URN (RFC 8141) such as urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66 or urn:isbn:978-3-16-148410-0`],
    ),
    [`${minimal}\nid: "tag:example.de,2025:${'a-'.repeat(1100)}"`, 'x.md: id: is 2220 characters long; an id has at most 2048'],
    [`${minimal}\nid: "https://www.example.de/a|b"`, 'x.md: id: "https://www.example.de/a|b" is not a valid http(s) URL: "|" must be percent-encoded (%7C)'],
    [`${minimal}\nid: "https://www.example.de/?q={x}"`, 'x.md: id: "https://www.example.de/?q={x}" is not a valid http(s) URL: "{" must be percent-encoded (%7B)'],
  ])('%j → %s', (frontMatter, message) => {
    expect(refusal(file(frontMatter), 'x.md').message).toBe(message)
  })

  it('accepts what the specs allow at their edges: the years 0001 and 9999, offsets of ±14:00, 1000 hours, tag URIs, URNs and URLs', () => {
    const read = (extra: string) => parseArticle(file(`title: A\ncategory: wirtschaft\n${extra}`), 'x.md', options).article
    const early = read('date: 0001-01-01T00:00:00Z\nupdated: 9999-12-31T23:59:59Z')
    expect([early.date.toISOString(), early.updated.toISOString(), early.id]).toEqual([
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.000Z',
      // RFC 4151: the year has four digits.
      'tag:www.example.de,0001:wirtschaft/x',
    ])
    expect(read('date: 0050-06-01T14:00:00+14:00').id).toBe('tag:www.example.de,0050:wirtschaft/x')
    expect(read('date: 2025-01-28T09:30:00-14:00').date.toISOString()).toBe('2025-01-28T23:30:00.000Z')
    const durations = ['3600000', '"1000:00:00"', '"59:59"', '"0:00"', '1805.4'].map(
      (duration) => read(`date: 2025-01-28\nenclosure: {url: /media/a.mp3, duration: ${duration}}`).enclosure?.duration,
    )
    expect(durations).toEqual([3600000, 3600000, 3599, 0, 1805])
    const ids = [
      'tag:example.de,2025:wirtschaft/a',
      'tag:redaktion@example.de,2025-01-28:a/b?c=d;e#f',
      'TAG:Example.de,2025-02:%C3%BC',
      'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
      'urn:isbn:978-3-16-148410-0',
      'urn:newsml:dpa.com:20090101:090101-99-00001:3',
      'https://www.example.de/artikel?id=1#x',
    ]
    expect(ids.map((id) => read(`date: 2025-01-28\nid: "${id}"`).id)).toEqual(ids)
  })

  it('reports every field at fault in one line', () => {
    const error = refusal(file('date: morgen\ncategory: 7'), 'x.md')
    expect(error.problems.map((p) => p.field)).toEqual(['title', 'category'])
    expect(error.message).toBe('x.md: title: is required; category: must be a category slug such as "wirtschaft", or a list of them')
  })

  it.each([
    ['', "x.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'"],
    ['Nur Text, keine Metadaten.\n', "x.md: front matter: missing: the file must start with a '---' line, then YAML, then '---'"],
    ['---\ntitle: A\n', "x.md: front matter: is not closed by a '---' line"],
    ['---\n---\nText\n', 'x.md: title: is required; date: is required; category: is required'],
    ['---\n- a\n- b\n---\n', 'x.md: front matter: must be a YAML mapping of fields (title: …, date: …)'],
    ['---\ntitle: [unclosed\n---\n', 'x.md: front matter: YAML: unexpected end of the stream within a flow collection at line 3, column 1'],
    ['---\ntitle: A\ntitle: B\n---\n', 'x.md: front matter: YAML: duplicated mapping key at line 3, column 1'],
    ['---\ntitle: !!js/function "function () {}"\n---\n', 'x.md: front matter: YAML: unknown tag !<tag:yaml.org,2002:js/function> at line 2, column 38'],
  ])('refuses broken front matter %j', (text, message) => {
    expect(refusal(text, 'x.md').message).toBe(message)
  })

  it('never evaluates JavaScript front matter', () => {
    const marker = '__frontMatterRan'
    const attempts = [
      `---js\n{ title: (globalThis.${marker} = 'js') }\n---\nText\n`,
      `---javascript\n(globalThis.${marker} = 'javascript', { title: 'x' })\n---\n`,
      `--- js \n{ title: (globalThis.${marker} = 'spaced') }\n---\n`,
      `---JavaScript\n{ title: (globalThis.${marker} = 'case') }\n---\n`,
      `---json\n{"title": "x"}\n---\n`,
    ]
    for (const text of attempts) {
      const error = refusal(text, 'x.md')
      expect(error.field).toBe('front matter')
      expect(error.message).toMatch(/^x\.md: front matter: must be YAML; the opening line asks for "/)
    }
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined()
  })

  it('refuses a YAML alias bomb without ever expanding it', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
      'title: *i',
      'date: 2025-01-28',
      'category: *i',
      'tags: *i',
    ].join('\n')
    // 9^9 (387 million) strings if expanded; aliases stay shared references and
    // the schema stops at the first list where text belongs.
    const started = performance.now()
    const error = refusal(`---\n${bomb}\n---\n`, 'x.md')
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error.message).toBe(
      'x.md: title: must be text; category: must be a category slug such as "wirtschaft", or a list of them; tags: must be text or a list of texts',
    )
  })
})

/** What a validation library says in its own words, which no message may carry. */
const LIBRARY_WORDS = /Invalid|expected|received|Too (big|small)|Unrecognized|pattern|[<>]=|\/\^|\$\//

describe('parseArticle: every refusal in the project\'s words', () => {
  it.each([
    ['title: A\ndate: 2025-01-28T09:30:00Z\ncategory: []', 'x.md: category: must not be an empty list'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: -3}`, 'x.md: enclosure.duration: must not be negative'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, duration: eine Stunde}`, 'x.md: enclosure.duration: must be seconds, or HH:MM:SS'],
    [`${minimal}\ntags: [KI, {a: 1}]`, 'x.md: tags: must be text or a list of texts'],
    [`${minimal}\nenclosure: {url: /media/a.mp3, length: ~}`, 'x.md: enclosure.length: has no value'],
    ['title: ~\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft', 'x.md: title: has no value'],
  ])('%j → %s', (frontMatter, message) => {
    expect(refusal(file(frontMatter), 'x.md').message).toBe(message)
  })

  it('words every wrong value of every field itself, never in a library\'s words', () => {
    const fields = [
      'title', 'date', 'updated', 'category', 'tags', 'author', 'summary', 'image', 'image_alt', 'episode', 'explicit', 'slug', 'id', 'draft', 'lang', 'access',
      'enclosure', 'enclosure.url', 'enclosure.type', 'enclosure.length', 'enclosure.duration',
    ]
    const values = ['42', '-3', '1.5', '1e400', 'true', '~', '[]', '[1, [2]]', '[a, {b: 1}]', '{a: 1}', '""', '"x"', '"1:99:99"', '.nan', '.inf']
    const problems = new Set<string>()
    for (const field of fields) {
      for (const value of values) {
        const [name, sub] = field.split('.')
        const fields = { title: 'A', date: '2025-01-28T09:30:00Z', category: 'wirtschaft', ...(sub ? {} : { [field]: value }) }
        const enclosure = sub ? `\nenclosure: {${sub === 'url' ? '' : 'url: /media/a.mp3, '}${sub}: ${value}}` : ''
        const text = `---\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}${enclosure}\n---\nText.\n`
        try {
          parseArticle(text, 'x.md', options)
        } catch (error) {
          if (!(error instanceof ArticleError)) throw error
          for (const problem of error.problems) problems.add(`${problem.field}: ${problem.problem}`)
        }
        expect(name).toBeDefined()
      }
    }
    const foreign = [...problems].filter((problem) => LIBRARY_WORDS.test(problem) || !/^[\w.]+: (must|is|has|"|cannot|held)/.test(problem))
    expect(foreign).toEqual([])
    expect(problems.size).toBeGreaterThan(40)
  })

  it('shows a field name that holds a line break or control quoted, so it cannot forge a log line', () => {
    const { warnings } = parseArticle(file(`${minimal}\n"x\\nskipped other.md": 1`), 'a.md', options)
    expect(warnings).toEqual([{ field: '"x\\nskipped other.md"', problem: 'is not a known field and is ignored' }])
    expect(refusal(file(`${minimal}\nenclosure: {url: /media/a.mp3, "\\u202Etxt.exe": 1}`), 'x.md').message).toBe(
      'x.md: enclosure: has unknown fields "\\u202etxt.exe" (known: url, type, length, duration)',
    )
  })
})

describe('parseArticle: line endings, bidirectional controls and controls in the body', () => {
  it('reads a file with old-Mac line endings (CR only) as if they were LF', () => {
    const { article, body } = parseArticle('---\rtitle: Zölle\rdate: 2025-01-28T09:30:00+01:00\rcategory: wirtschaft\r---\rErste Zeile.\rZweite.\r', 'mac.md', options)
    expect(article.title).toBe('Zölle')
    expect(body).toBe('Erste Zeile.\nZweite.\n')
  })

  it('removes bidirectional override and isolate controls from titles, bylines, tags and summaries, with a warning', () => {
    const { article, warnings } = parseArticle(
      file(`title: "Zins\\u202Ewende"\ndate: 2025-01-28T09:30:00Z\ncategory: wirtschaft\nauthor: "\\u2066Lea Voigt\\u2069"\ntags: ["K\\u202AI", EZB]\nsummary: "a\\u202Bb\\u202Cc\\u202Dd\\u2067e\\u2068"\nimage_alt: "\\u202EBild"`),
      'a.md',
      options,
    )
    expect([article.title, article.authors, article.tags, article.summary, article.imageAlt]).toEqual(['Zinswende', ['Lea Voigt'], ['KI', 'EZB'], 'abcde', 'Bild'])
    const problem = (n: number) => `held ${n} bidirectional override or isolate controls, which make text display as other text; removed`
    expect(warnings).toEqual([
      { field: 'title', problem: problem(1) },
      { field: 'tags', problem: problem(1) },
      { field: 'author', problem: problem(2) },
      { field: 'summary', problem: problem(5) },
      { field: 'image_alt', problem: problem(1) },
    ])
  })

  it('warns about characters XML cannot carry in the body, which rendering removes', () => {
    const { warnings } = parseArticle(file(minimal, 'Ein\u0001 Absatz\u0085 mit \uFFFESteuerzeichen.\n'), 'a.md', options)
    expect(warnings).toEqual([{ field: 'body', problem: 'held 3 control or non-characters XML cannot carry; removed' }])
    expect(parseArticle(file(minimal, 'Ohne \u{1F4C8} Steuerzeichen.\n'), 'a.md', options).warnings).toEqual([])
  })
})


describe('parseArticle: access (free or plus)', () => {
  it('reads access: plus, and makes every article free that does not say otherwise', () => {
    expect(parseArticle(file(minimal), 'a.md', options).article.access).toBe('free')
    expect(parseArticle(file(`${minimal}\naccess: free`), 'a.md', options).article.access).toBe('free')
    const { article, warnings } = parseArticle(file(`${minimal}\naccess: plus\nsummary: Der Teaser.`), 'a.md', options)
    expect(article.access).toBe('plus')
    expect(article.summary).toBe('Der Teaser.')
    expect(warnings).toEqual([])
  })

  it.each([
    [`${minimal}\naccess: premium`, 'x.md: access: "premium" is neither "free" nor "plus"'],
    [`${minimal}\naccess: Plus\nsummary: Der Teaser.`, 'x.md: access: "Plus" is neither "free" nor "plus"'],
    [`${minimal}\naccess: true`, 'x.md: access: must be "free" or "plus"'],
    [`${minimal}\naccess: ~`, 'x.md: access: has no value'],
  ])('refuses another access value, naming the allowed ones: %j → %s', (frontMatter, message) => {
    expect(refusal(file(frontMatter), 'x.md').message).toBe(message)
  })

  it('refuses a plus article without a summary written in the front matter: the public feeds show it as the teaser', () => {
    const message = 'x.md: summary: access: plus needs a summary written in the front matter: the public feeds show it as the teaser'
    expect(refusal(file(`${minimal}\naccess: plus`), 'x.md').message).toBe(message)
    expect(refusal(file(`${minimal}\naccess: plus\nsummary: "  "`), 'x.md').message).toBe(message)
  })

  it('refuses a free article whose audio or transcript file lies in media/plus/, never public: its podcast item and download link would answer 404', () => {
    const audio = 'enclosure: { url: /media/Plus/folge-14.mp3, type: audio/mpeg, length: 10 }'
    expect(refusal(file(`${minimal}\n${audio}`), 'x.md').message).toBe(
      'x.md: enclosure.url: names a file in the plus folder of MEDIA_DIR, which is never public: set access: plus, or move the file out of that folder',
    )
    expect(refusal(file(`${minimal}\ntranscript: /media/plus/folge-14.vtt`), 'x.md').message).toBe(
      'x.md: transcript: names a file in the plus folder of MEDIA_DIR, which is never public: set access: plus, or move the file out of that folder',
    )
    expect(parseArticle(file(`${minimal}\n${audio}\naccess: plus\nsummary: Der Teaser.`), 'a.md', options).article.access).toBe('plus')
    expect(parseArticle(file(`${minimal}\nenclosure: { url: /media/plusfolge.mp3, type: audio/mpeg, length: 10 }`), 'a.md', options).article.access).toBe('free')
  })
})
