import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mediaPathFor } from '../../src/content/media-info.js'
import { servedMediaParts } from '../../src/content/media-path.js'

describe('servedMediaParts', () => {
  it('gives the decoded parts of a path the site serves', () => {
    expect(servedMediaParts('bild.jpg')).toEqual(['bild.jpg'])
    expect(servedMediaParts('autoren/anna.png')).toEqual(['autoren', 'anna.png'])
    expect(servedMediaParts('folge%201%20%C3%BCber%20Z%C3%B6lle.mp3')).toEqual(['folge 1 über Zölle.mp3'])
  })

  it('refuses empty paths and empty parts', () => {
    expect(['', '/bild.jpg', 'autoren//anna.png', 'autoren/'].map(servedMediaParts)).toEqual([undefined, undefined, undefined, undefined])
  })

  it('refuses hidden, `.` and `..` parts, also when they are percent-encoded', () => {
    expect(['.htaccess', 'autoren/.git/x', '../geheim.txt', 'a/./b.jpg', '%2e%2e/geheim.txt', '%2Ehtaccess'].map(servedMediaParts)).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined,
    ])
  })

  it('refuses NUL, backslashes and encoded slashes', () => {
    expect(['bild%00.jpg', 'a%5Cb.jpg', 'a\\b.jpg', 'autoren%2Fanna.png', 'autoren%2fanna.png'].map(servedMediaParts)).toEqual([
      undefined, undefined, undefined, undefined, undefined,
    ])
  })

  it('refuses broken percent-encoding', () => {
    expect(['bild%.jpg', '%E0%A4%A.jpg', '%C3'].map(servedMediaParts)).toEqual([undefined, undefined, undefined])
  })
})

describe('mediaPathFor', () => {
  const pathOf = mediaPathFor('/srv/media', 'https://www.example.de/news/')

  it('maps a URL under SITE_URL/media/ to its file under MEDIA_DIR', () => {
    expect(pathOf('https://www.example.de/news/media/autoren/anna%20b.png')).toBe(path.join('/srv/media', 'autoren', 'anna b.png'))
  })

  it('maps no other URL, and no path /media/ requests would be refused', () => {
    expect(
      [
        'https://www.example.de/media/bild.jpg',
        'https://cdn.example.de/news/media/bild.jpg',
        'https://www.example.de/news/media/.htaccess',
        'https://www.example.de/news/media/autoren%2Fanna.png',
        'https://www.example.de/news/media/a%5Cb.jpg',
      ].map(pathOf),
    ).toEqual([undefined, undefined, undefined, undefined, undefined])
  })
})
