import { describe, expect, it } from 'vitest'
import { hasScheme, LANGUAGE_TAG, withoutScheme } from '../../src/text/patterns.js'

describe('LANGUAGE_TAG', () => {
  it('accepts a two- or three-letter language with optional subtags', () => {
    expect(['de', 'DE', 'gsw', 'de-AT', 'en-US', 'zh-Hant-TW', 'de-1996'].filter((tag) => LANGUAGE_TAG.test(tag))).toEqual([
      'de', 'DE', 'gsw', 'de-AT', 'en-US', 'zh-Hant-TW', 'de-1996',
    ])
  })

  it('refuses what is no language tag', () => {
    expect(['', 'd', 'deutsch', 'de_DE', 'de-', 'de-AT-', 'de-toolongsub', ' de', 'de ', '1de'].filter((tag) => LANGUAGE_TAG.test(tag))).toEqual([])
  })
})

describe('hasScheme', () => {
  it('is true for a text that starts with a URI scheme and its colon', () => {
    expect(['https://example.de/', 'HTTP://x', 'mailto:a@b.de', 'javascript:alert(1)', 'tag:example.de,2025:x', 'a+b-c.d:x'].map(hasScheme)).toEqual([
      true, true, true, true, true, true,
    ])
  })

  it('is false for site paths, relative paths and texts that only hold a colon later', () => {
    expect(['/media/x.jpg', 'media/x.jpg', '//cdn.example.de/x.jpg', '1http://x', ':x', 'bild 10:30.jpg', ''].map(hasScheme)).toEqual([
      false, false, false, false, false, false, false,
    ])
  })
})

describe('withoutScheme', () => {
  it('removes a leading scheme and its two slashes, and nothing else', () => {
    expect(withoutScheme('https://www.example.de/wirtschaft/podcast.xml')).toBe('www.example.de/wirtschaft/podcast.xml')
    expect(withoutScheme('HTTP://example.de/')).toBe('example.de/')
  })

  it('leaves a text without `scheme://` at its start as it is', () => {
    expect(withoutScheme('mailto:a@b.de')).toBe('mailto:a@b.de')
    expect(withoutScheme('example.de/https://x')).toBe('example.de/https://x')
  })
})
