import { describe, expect, it } from 'vitest'
import type { Article } from '../../src/content/article.js'
import { createMediaFacts, type MediaFacts, type MediaInfo } from '../../src/content/media-info.js'
import { parseArticle } from '../../src/content/parse-article.js'
import { APPLE_MEDIA_TYPES, articleMediaProblems, isAppleArtwork, settingsMediaProblems } from '../../src/feeds/podcast-rules.js'
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../src/site-settings.js'
import { articleText, makeTempDir } from '../helpers/temp-dir.js'

const SITE = 'https://www.example.de/'

/** Media facts from a table: files that are there (with their facts); every other /media/ URL is missing. */
function media(files: Record<string, MediaInfo>): MediaFacts {
  const local = (url: string) => url.startsWith(`${SITE}media/`)
  return {
    info: (url) => files[url],
    isLocal: local,
    isMissing: (url) => local(url) && files[url] === undefined,
  }
}

const episode = (fields: Record<string, string>): Article =>
  parseArticle(articleText({ title: 'Folge', date: '2025-01-01T10:00:00Z', category: 'wirtschaft', ...fields }), 'folge.md', {
    siteUrl: SITE,
    timeZone: 'Europe/Berlin',
    language: 'de',
  }).article

describe('isAppleArtwork', () => {
  it('takes square JPEG and PNG from 1400 to 3000 px, and those of unknown size', () => {
    expect(isAppleArtwork(`${SITE}media/a.jpg`, 1400, 1400)).toBe(true)
    expect(isAppleArtwork(`${SITE}media/a.PNG`, 3000, 3000)).toBe(true)
    expect(isAppleArtwork(`${SITE}media/a.jpeg`, undefined, undefined)).toBe(true)
    expect(isAppleArtwork(`${SITE}media/a.jpg`, 1399, 1399)).toBe(false)
    expect(isAppleArtwork(`${SITE}media/a.jpg`, 3001, 3001)).toBe(false)
    expect(isAppleArtwork(`${SITE}media/a.jpg`, 1600, 1400)).toBe(false)
    expect(isAppleArtwork(`${SITE}media/a.webp`, 1400, 1400)).toBe(false)
  })
})

describe('articleMediaProblems', () => {
  it('finds nothing wrong with a measured MP3 episode that has a duration', () => {
    const article = episode({ enclosure: '{url: /media/folge.mp3, type: audio/mpeg, duration: 90}' })
    expect(articleMediaProblems(article, media({ [`${SITE}media/folge.mp3`]: { length: 1000, width: undefined, height: undefined } }))).toEqual([])
  })

  it('names a transcript file and chapter art that are not in MEDIA_DIR', () => {
    const article = episode({
      enclosure: '{url: /media/folge.mp3, type: audio/mpeg, duration: 90}',
      transcript: '/media/folge.vtt',
      chapters: '[{start: 0, title: A, image: /media/fehlt.jpg}, {start: 30, title: B, image: /media/da.jpg}]',
    })
    const there = { length: 1000, width: undefined, height: undefined }
    expect(articleMediaProblems(article, media({ [`${SITE}media/folge.mp3`]: there, [`${SITE}media/da.jpg`]: there }))).toEqual([
      { field: 'transcript', problem: 'names a file that is not in MEDIA_DIR; podcast apps will show no transcript' },
      { field: 'chapters[1].image', problem: 'names a file that is not in MEDIA_DIR; podcast apps will show no chapter art' },
    ])
  })

  it('names an image and an enclosure that are not in MEDIA_DIR', () => {
    const article = episode({ image: '/media/fehlt.jpg', enclosure: '{url: /media/fehlt.mp3, type: audio/mpeg, duration: 90}' })
    expect(articleMediaProblems(article, media({}))).toEqual([
      { field: 'image', problem: 'names a file that is not in MEDIA_DIR; readers will show a broken image' },
      { field: 'enclosure.url', problem: 'names a file that is not in MEDIA_DIR; podcast apps will fail to download it' },
    ])
  })

  it('asks for a length it cannot measure, and reports one that disagrees with the file', () => {
    const remote = episode({ enclosure: '{url: "https://cdn.example.org/folge.mp3", type: audio/mpeg, duration: 90}' })
    expect(articleMediaProblems(remote, media({}))).toEqual([
      { field: 'enclosure.length', problem: 'is missing, and the file is not under MEDIA_DIR to measure; podcast apps need the size in bytes' },
    ])
    const wrong = episode({ enclosure: '{url: /media/folge.mp3, type: audio/mpeg, length: 5, duration: 90}' })
    expect(articleMediaProblems(wrong, media({ [`${SITE}media/folge.mp3`]: { length: 1000, width: undefined, height: undefined } }))).toEqual([
      { field: 'enclosure.length', problem: "says 5 bytes, the file has 1000; the file's size is published" },
    ])
  })

  it('warns of audio Apple does not play and of a missing duration, but not for video', () => {
    const ogg = episode({ enclosure: '{url: "https://cdn.example.org/folge.ogg", type: audio/ogg, length: 10}' })
    expect(articleMediaProblems(ogg, media({})).map((p) => p.field)).toEqual(['enclosure.type', 'enclosure.duration'])
    expect(articleMediaProblems(ogg, media({}))[0]?.problem).toBe('audio/ogg is not a format Apple Podcasts plays (MP3, M4A); other podcast apps may')
    const video = episode({ enclosure: '{url: "https://cdn.example.org/film.mp4", type: video/mp4, length: 10}' })
    expect(articleMediaProblems(video, media({}))).toEqual([])
    expect(APPLE_MEDIA_TYPES.has('audio/x-m4a')).toBe(true)
  })
})

describe('settingsMediaProblems', () => {
  const settings = (images: Partial<SiteSettings['images']>, cover?: string): SiteSettings => ({
    ...DEFAULT_SITE_SETTINGS,
    images: { ...DEFAULT_SITE_SETTINGS.images, ...images },
    podcast: cover
      ? {
          title: 'T',
          description: 'D',
          author: 'A',
          owner: { name: 'O', email: 'o@example.de' },
          image: cover,
          category: 'News',
          subcategory: undefined,
          explicit: false,
          type: 'episodic',
          locked: true,
          copyright: undefined,
        }
      : undefined,
  })

  it('names every settings image missing from MEDIA_DIR, by its field', () => {
    const problems = settingsMediaProblems(settings({ icon: `${SITE}media/icon.png`, favicon: 'https://cdn.example.org/f.png' }, `${SITE}media/cover.jpg`), media({}))
    expect(problems).toEqual([
      { field: 'images.icon', problem: 'names a file that is not in MEDIA_DIR' },
      { field: 'podcast.image', problem: 'names a file that is not in MEDIA_DIR' },
    ])
  })

  it('refuses a podcast cover Apple would not take, with its size', () => {
    const cover = `${SITE}media/cover.jpg`
    expect(settingsMediaProblems(settings({}, cover), media({ [cover]: { length: 1, width: 600, height: 600 } }))).toEqual([
      { field: 'podcast.image', problem: 'is 600 × 600 px; Apple Podcasts wants a square JPEG or PNG of 1400 to 3000 px' },
    ])
    expect(settingsMediaProblems(settings({}, cover), media({ [cover]: { length: 1, width: 1400, height: 1400 } }))).toEqual([])
  })
})

describe('media facts from MEDIA_DIR', () => {
  it('counts a /media/ path the site refuses to serve (an encoded slash, a hidden part) as missing, and warns of it', () => {
    const temp = makeTempDir('media-facts-')
    try {
      temp.write('folge/ep.mp3', 'x'.repeat(4321))
      const facts = createMediaFacts(temp.dir, SITE)
      expect(facts.info(`${SITE}media/folge/ep.mp3`)?.length).toBe(4321)
      expect(facts.isMissing(`${SITE}media/folge/ep.mp3`)).toBe(false)
      for (const refused of ['folge%2Fep.mp3', 'folge%5Cep.mp3', '.versteckt.mp3']) {
        expect([facts.isLocal(`${SITE}media/${refused}`), facts.isMissing(`${SITE}media/${refused}`)], refused).toEqual([true, true])
      }
      expect([facts.isLocal('https://cdn.example.org/media/x.mp3'), facts.isMissing('https://cdn.example.org/media/x.mp3')]).toEqual([false, false])
      const article = episode({ enclosure: '{url: "/media/folge%2Fep.mp3", type: audio/mpeg, length: 5, duration: 60}' })
      expect(articleMediaProblems(article, facts)).toEqual([
        { field: 'enclosure.url', problem: 'names a file that is not in MEDIA_DIR; podcast apps will fail to download it' },
      ])
    } finally {
      temp.rm()
    }
  })
})
