import { describe, expect, it } from 'vitest'
import { routeFamilies } from '../../src/http/route-family.js'

const FEEDS = new Set(['/wirtschaft/feed.xml', '/wirtschaft/atom.xml', '/wirtschaft/feed.json', '/wirtschaft/podcast.xml'])

describe('routeFamilies: the bounded family of a request, for metrics and the access log', () => {
  const familyOf = routeFamilies('wirtschaft', FEEDS)
  it.each([
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml', 'feed'],
    ['/wirtschaft/podcast.xml', 'https://x/wirtschaft/podcast.xml', 'feed'],
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml?tag=KI', 'view'],
    ['/wirtschaft/atom.xml', 'https://x/wirtschaft/atom.xml?tag=Handel', 'view'],
    ['/wirtschaft/feed.json', 'https://x/wirtschaft/feed.json?limit=50', 'view'],
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml?_=123&author=Jana+Beck', 'view'],
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml?token=x', 'feed'],
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml?_=123', 'feed'],
    ['/wirtschaft/feed.xml', 'https://x/wirtschaft/feed.xml?', 'feed'],
    ['/wirtschaft/archiv/3/feed.json', 'https://x/wirtschaft/archiv/3/feed.json', 'archive'],
    ['/', 'https://x/', 'page'],
    ['/wirtschaft/zins.html', 'https://x/wirtschaft/zins.html', 'page'],
    ['/media/folge.mp3', 'https://x/media/folge.mp3', 'media'],
    ['/assets/site.css', 'https://x/assets/site.css', 'asset'],
    ['/feeds.opml', 'https://x/feeds.opml', 'other'],
    ['/healthz', 'https://x/healthz', 'other'],
    ['/wp-login.php', 'https://x/wp-login.php', 'other'],
    ['/wirtschaft/plus/t0k3n/feed.xml', 'https://x/wirtschaft/plus/t0k3n/feed.xml', 'plus'],
  ])('puts %s (%s) in the family %s', (path, url, family) => {
    expect(familyOf(path, url)).toBe(family)
  })
})
