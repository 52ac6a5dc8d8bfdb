import { describe, expect, it } from 'vitest'
import { tagsOf } from '../../src/content/article.js'
import { isWithheldMedia, plusFolderKey, mediaPathKey, plusMediaKeys } from '../../src/content/plus-media.js'
import { makeArticle, makeEnclosure } from '../helpers/article-fixtures.js'

const SITE = 'https://www.example.de/'

describe('tagsOf', () => {
  it('puts Plus first on a plus article, and shows it on no free article', () => {
    expect(tagsOf({ access: 'plus', tags: ['Zinsen'] })).toEqual(['Plus', 'Zinsen'])
    expect(tagsOf({ access: 'plus', tags: ['plus', 'Zinsen'] })).toEqual(['Plus', 'Zinsen'])
    expect(tagsOf({ access: 'free', tags: ['PLUS', 'Zinsen'] })).toEqual(['Zinsen'])
    const tags = ['Zinsen']
    expect(tagsOf({ access: 'free', tags })).toBe(tags)
  })
})

describe('plus media', () => {
  const episode = makeArticle('folge', {
    date: '2026-01-01T00:00:00Z',
    access: 'plus',
    enclosure: makeEnclosure('Folge%20Eins.mp3', 'audio/mpeg'),
    transcript: { url: `${SITE}media/folge.vtt`, type: 'text/vtt' },
  })

  it('are a plus article\'s audio and transcript file, as decoded, NFC, lower-case paths; a free article has none', () => {
    expect(plusMediaKeys(episode)).toEqual(['/media/folge eins.mp3', '/media/folge.vtt'])
    expect(plusMediaKeys({ ...episode, access: 'free' })).toEqual([])
    expect(plusMediaKeys({ ...episode, transcript: 'article' })).toEqual(['/media/folge eins.mp3'])
    expect(mediaPathKey('https://www.example.de/media/Bo%CC%88rse.mp3')).toBe('/media/börse.mp3'.normalize('NFC'))
  })

  it('are withheld under every spelling of their request, and so is everything in the plus/ folder', () => {
    const known = new Set(plusMediaKeys(episode))
    const withheld = (relative: string) => isWithheldMedia(SITE, plusFolderKey(SITE), relative, (key) => known.has(key))
    expect(['Folge%20Eins.mp3', 'folge%20eins.MP3', 'folge.vtt', 'plus/irgendwas.mp3', 'Plus/x.mp3', 'x/../folge.vtt'].filter((r) => !withheld(r))).toEqual([])
    expect(['folge-zwei.mp3', 'bild.jpg', 'plusfolge.mp3'].filter(withheld)).toEqual([])
  })

  it('are found under a SITE_URL with a path prefix', () => {
    const prefixed = 'https://www.example.de/zeitung/'
    const key = mediaPathKey(`${prefixed}media/folge.mp3`) as string
    expect(isWithheldMedia(prefixed, plusFolderKey(prefixed), 'folge.mp3', (k) => k === key)).toBe(true)
    expect(isWithheldMedia(prefixed, plusFolderKey(prefixed), 'plus/a.mp3', () => false)).toBe(true)
  })
})
