import { describe, expect, it } from 'vitest'
import { websubTopics } from '../../src/site/paths.js'

describe('websubTopics', () => {
  it('names the three subscription feeds and the podcast, by path, with their absolute URLs', () => {
    expect([...websubTopics('https://www.example.de/', 'wirtschaft')]).toEqual([
      ['/wirtschaft/feed.xml', 'https://www.example.de/wirtschaft/feed.xml'],
      ['/wirtschaft/atom.xml', 'https://www.example.de/wirtschaft/atom.xml'],
      ['/wirtschaft/feed.json', 'https://www.example.de/wirtschaft/feed.json'],
      ['/wirtschaft/podcast.xml', 'https://www.example.de/wirtschaft/podcast.xml'],
    ])
  })

  it('keeps the prefix of a site served below one', () => {
    expect([...websubTopics('https://example.de/news/', 'wirtschaft').values()]).toEqual([
      'https://example.de/news/wirtschaft/feed.xml',
      'https://example.de/news/wirtschaft/atom.xml',
      'https://example.de/news/wirtschaft/feed.json',
      'https://example.de/news/wirtschaft/podcast.xml',
    ])
  })

  it('holds no archive page', () => {
    expect(websubTopics('https://www.example.de/', 'wirtschaft').has('/wirtschaft/archiv/1/feed.xml')).toBe(false)
  })
})
