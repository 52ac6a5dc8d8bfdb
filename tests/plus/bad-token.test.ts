import { describe, expect, it } from 'vitest'
import { badTokenAnswer, type BadTokenReason } from '../../src/plus/bad-token.js'
import type { SubscriberFile } from '../../src/plus/plus-paths.js'
import { jsonFeedSchemaErrors, readJsonFeed, readXmlFeeds } from '../helpers/consumers.js'

const context = {
  siteUrl: 'https://www.example.de/',
  siteName: 'Beispielzeitung',
  sectionTitle: 'Wirtschaft',
  renewUrl: 'https://www.example.de/abo',
  timeZone: 'Europe/Berlin',
  now: new Date('2026-12-01T12:00:00Z'),
}
const EXPIRED_AT = Date.parse('2026-11-30T23:00:00Z')
const REASONS: readonly BadTokenReason[] = ['expired', 'revoked', 'invalid']
const XML_FILES: readonly SubscriberFile[] = ['rss', 'atom', 'podcast']

const TITLES: Record<BadTokenReason, string> = {
  expired: 'Ihr Plus-Feed ist abgelaufen',
  revoked: 'Ihr Plus-Feed ist gesperrt',
  invalid: 'Dieser Plus-Feed-Link ist ungültig',
}

describe('the answers to bad tokens', () => {
  it('are 410 for an expired token and 403 for a revoked or invalid one, never stored', () => {
    for (const reason of REASONS) {
      const answer = badTokenAnswer('rss', { reason, expires: EXPIRED_AT }, context)
      expect([reason, answer.status]).toEqual([reason, reason === 'expired' ? 410 : 403])
    }
    expect(badTokenAnswer('atom', { reason: 'invalid' }, context).contentType).toBe('application/atom+xml; charset=utf-8')
    expect(badTokenAnswer('json', { reason: 'invalid' }, context).contentType).toBe('application/feed+json; charset=utf-8')
    expect(badTokenAnswer('podcast', { reason: 'invalid' }, context).contentType).toBe('application/rss+xml; charset=utf-8')
  })

  it('are valid minimal feeds that lxml and feedparser read, with one German item saying why and how to renew', () => {
    const documents = REASONS.flatMap((reason) =>
      XML_FILES.map((file) => {
        const answer = badTokenAnswer(file, { reason, expires: EXPIRED_AT }, context)
        return { body: answer.body, contentType: answer.contentType, url: 'https://www.example.de/wirtschaft/plus/x/feed.xml' }
      }),
    )
    const parsed = readXmlFeeds(documents)
    parsed.forEach((feed, index) => {
      const reason = REASONS[Math.floor(index / XML_FILES.length)] as BadTokenReason
      const file = XML_FILES[index % XML_FILES.length]
      expect([reason, file, feed.wellFormed, feed.bozo, feed.bozoException]).toEqual([reason, file, true, false, null])
      expect(feed.version).toBe(file === 'atom' ? 'atom10' : 'rss20')
      expect(feed.entries.length).toBe(1)
      const entry = feed.entries[0]!
      expect(entry.title?.value).toBe(TITLES[reason])
      expect(entry.link).toBe('https://www.example.de/abo')
      const text = entry.content[0]?.text ?? entry.summary?.text ?? ''
      expect(text).toContain('https://www.example.de/abo')
      expect(feed.feed.title).toBe(file === 'podcast' ? 'Wirtschaft – Beispielzeitung Plus (Podcast)' : 'Wirtschaft – Beispielzeitung Plus')
    })
    const expired = parsed[0]!.entries[0]!
    expect(expired.summary?.text ?? expired.content[0]?.text).toContain('Ihr persönlicher Link zu diesem Feed ist am 1.12.2026 abgelaufen.')
  })

  it('is a valid JSON Feed 1.1 in the JSON format, read by feedsmith', () => {
    for (const reason of REASONS) {
      const body = badTokenAnswer('json', { reason, expires: EXPIRED_AT }, context).body
      const document = JSON.parse(body) as { items: { title: string; url: string; content_text: string }[] }
      expect(jsonFeedSchemaErrors(document)).toEqual([])
      expect(document.items.map((item) => [item.title, item.url])).toEqual([[TITLES[reason], 'https://www.example.de/abo']])
      expect(readJsonFeed(body).items?.[0]?.title).toBe(TITLES[reason])
    }
  })

  it('escape what they carry', () => {
    const body = badTokenAnswer('rss', { reason: 'invalid' }, { ...context, siteName: 'A & B <Zeitung>' }).body
    expect(body).toContain('A &amp; B &lt;Zeitung&gt;')
  })
})
