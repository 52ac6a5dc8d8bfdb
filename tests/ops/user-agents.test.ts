import { describe, expect, it } from 'vitest'
import { isDocumentedClient } from '../../src/http/user-agent-family.js'
import { parseSubscribers, pollerKind } from '../../src/ops/user-agents.js'

/**
 * Each parser against a User-Agent its aggregator sends, cited where it is
 * documented: the aggregator's fetcher page, or the code that builds it.
 */
describe('subscriber counts in User-Agents', () => {
  it.each([
    // The format Feedly's fetcher sends, as given in issue 17 and logged by sites (Feedly's fetcher page,
    // http://feedly.com/fetcher.html, names the "Feedly/1.0" agent but shows no count).
    ['feedly', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', 52],
    // http://www.inoreader.com/feed-fetcher: "The Inoreader Fetcher always identifies itself with the following user agent".
    ['inoreader', 'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )', 3],
    // https://github.com/samuelclay/NewsBlur/blob/master/apps/rss_feeds/models.py (Feed.user_agent):
    // "NewsBlur Feed Fetcher - %s subscriber%s - %s %s" % (num_subscribers, "s", permalink, fake_user_agent)
    [
      'newsblur',
      'NewsBlur Feed Fetcher - 7 subscribers - https://www.newsblur.com/site/1234/beispielzeitung ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.1 Safari/605.1.15")',
      7,
    ],
    ['newsblur', 'NewsBlur Feed Fetcher - 1 subscriber - https://www.newsblur.com/site/99/x ("Mozilla/5.0")', 1],
    // https://github.com/feedbin/feedbin/blob/main/app/jobs/feed_crawler/downloader.rb:
    // user_agent: "Feedbin feed-id:#{@feed_id} - #{@subscribers} subscribers"
    ['feedbin', 'Feedbin feed-id:1602368 - 4 subscribers', 4],
    // No first-party page found; the form as sites log it (e.g. "Mozilla/5.0 (compatible; theoldreader.com; 1 subscribers; feed-id=…)").
    ['theoldreader', 'Mozilla/5.0 (compatible; theoldreader.com; 12 subscribers; feed-id=0719795c4d27c784217b0bc0)', 12],
    // https://ooh.directory/about/crawler/: "OohDirectory/1.0 (+ 1 subscribers)"
    ['other', 'OohDirectory/1.0 (+ 1 subscribers)', 1],
    // http://www.freshreader.com/ver2/en/manual/55.html: "FreshReader/[version] (id: [Server ID]; lang: en; http://www.freshreader.com/; [n] subscribers)"
    ['other', 'FreshReader/2.0 (id: 3; lang: en; http://www.freshreader.com/; 8 subscribers)', 8],
  ])('reads %s from %j', (aggregator, userAgent, subscribers) => {
    expect(parseSubscribers(userAgent)).toEqual({ aggregator, subscribers })
    expect(pollerKind(userAgent)).toBe(aggregator)
  })

  it('reads no count where none is sent, and knows the aggregator anyway', () => {
    expect(parseSubscribers('Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)')).toBeUndefined()
    expect(pollerKind('Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)')).toBe('feedly')
    expect(parseSubscribers('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBeUndefined()
    expect(pollerKind('newsboat/2.38.0 (Linux x86_64)')).toBe('direct')
    expect(pollerKind(undefined)).toBe('direct')
  })

  it('believes no absurd count and parses no overlong User-Agent', () => {
    expect(parseSubscribers('Feedly/1.0 (+http://www.feedly.com/fetcher.html; 99999999999 subscribers; )')).toBeUndefined()
    expect(parseSubscribers(`Feedly/1.0 (${'x'.repeat(600)}; 5 subscribers; )`)).toBeUndefined()
  })

  it('exempts documented aggregators and podcast apps from POLL_MIN_INTERVAL, and nobody else', () => {
    for (const agent of [
      'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )',
      'Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )',
      'AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; de_de)',
      'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
      'AntennaPod/3.4.0',
      'PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)',
    ]) {
      expect(isDocumentedClient(agent), agent).toBe(true)
    }
    expect(isDocumentedClient('curl/8.5.0')).toBe(false)
    expect(isDocumentedClient('python-requests/2.32.3')).toBe(false)
    expect(isDocumentedClient(undefined)).toBe(false)
  })
})
