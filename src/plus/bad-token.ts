import { escapeHtml } from '../text/escape.js'
import { FEED_MEDIA_TYPES } from '../site/paths.js'
import type { SubscriberFile } from './plus-paths.js'

/** Why a token gets no feed: past its expiry (410), its subscriber revoked, or not a token we signed (403). */
export type BadTokenReason = 'expired' | 'revoked' | 'invalid'

export interface BadTokenContext {
  readonly siteUrl: string
  readonly siteName: string
  readonly sectionTitle: string
  /** Where a subscriber gets a new link (the subscription page). */
  readonly renewUrl: string
  readonly timeZone: string
  readonly now: Date
}

export interface BadTokenAnswer {
  readonly status: 403 | 410
  readonly contentType: string
  readonly body: string
}

/**
 * The answer to a bad token: a valid minimal feed in the format asked for,
 * with one German item saying why and how to get a new link. Feed readers
 * show an item to the person; a bare 403 page they keep to themselves.
 * 410 Gone for an expired token (RFC 9110 §15.5.11: for good, at this URL),
 * 403 otherwise.
 */
export function badTokenAnswer(file: SubscriberFile, problem: { readonly reason: BadTokenReason; readonly expires?: number | undefined }, context: BadTokenContext): BadTokenAnswer {
  const item = explanation(problem.reason, problem.expires, context)
  const title = `${context.sectionTitle} – ${context.siteName} Plus${file === 'podcast' ? ' (Podcast)' : ''}`
  // The day, not the instant: a reader that polls again sees the same item, not a new one each time.
  const day = new Date(Math.floor(context.now.getTime() / 86_400_000) * 86_400_000)
  const id = `${context.siteUrl}#plus-feed-${problem.reason}`
  const document = { title, item, day, id, context }
  const format = file === 'podcast' ? 'rss' : file
  const body = format === 'atom' ? atom(document) : format === 'json' ? json(document) : rss(document)
  return { status: problem.reason === 'expired' ? 410 : 403, contentType: `${FEED_MEDIA_TYPES[format]}; charset=utf-8`, body }
}

interface Explanation {
  readonly title: string
  readonly text: string
}

function explanation(reason: BadTokenReason, expires: number | undefined, context: BadTokenContext): Explanation {
  const renew = `Einen neuen persönlichen Link finden Sie unter ${context.renewUrl}; tragen Sie ihn dann in Ihrem Feedreader oder Ihrer Podcast-App anstelle dieses Links ein.`
  switch (reason) {
    case 'expired': {
      const date = expires === undefined ? '' : ` am ${new Intl.DateTimeFormat('de-DE', { timeZone: context.timeZone, day: 'numeric', month: 'numeric', year: 'numeric' }).format(expires)}`
      return { title: 'Ihr Plus-Feed ist abgelaufen', text: `Ihr persönlicher Link zu diesem Feed ist${date} abgelaufen. ${renew}` }
    }
    case 'revoked':
      return {
        title: 'Ihr Plus-Feed ist gesperrt',
        text: `Dieser persönliche Link gilt nicht mehr, etwa weil das Abo beendet wurde oder der Link weitergegeben wurde. ${renew}`,
      }
    case 'invalid':
      return {
        title: 'Dieser Plus-Feed-Link ist ungültig',
        text: `Der Link ist unvollständig oder verändert. Kopieren Sie ihn vollständig aus der E-Mail oder Ihrem Kundenkonto. ${renew}`,
      }
  }
}

interface MinimalDocument {
  readonly title: string
  readonly item: Explanation
  readonly day: Date
  readonly id: string
  readonly context: BadTokenContext
}

function rss({ title, item, day, id, context }: MinimalDocument): string {
  const x = escapeHtml
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0">',
    '<channel>',
    `<title>${x(title)}</title>`,
    `<link>${x(context.siteUrl)}</link>`,
    `<description>${x(item.title)}</description>`,
    '<language>de</language>',
    `<item><title>${x(item.title)}</title><link>${x(context.renewUrl)}</link><description>${x(item.text)}</description>`,
    `<guid isPermaLink="false">${x(id)}</guid><pubDate>${day.toUTCString().replace('GMT', '+0000')}</pubDate></item>`,
    '</channel>',
    '</rss>',
    '',
  ].join('\n')
}

function atom({ title, item, day, id, context }: MinimalDocument): string {
  const x = escapeHtml
  const updated = day.toISOString().replace('.000Z', 'Z')
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
    `<title>${x(title)}</title>`,
    `<id>${x(`${context.siteUrl}#plus-feed`)}</id>`,
    `<updated>${updated}</updated>`,
    `<link rel="alternate" type="text/html" href="${x(context.siteUrl)}"/>`,
    `<author><name>${x(context.siteName)}</name></author>`,
    `<entry><title>${x(item.title)}</title><id>${x(id)}</id><updated>${updated}</updated>`,
    `<link rel="alternate" type="text/html" href="${x(context.renewUrl)}"/><content type="text">${x(item.text)}</content></entry>`,
    '</feed>',
    '',
  ].join('\n')
}

function json({ title, item, day, id, context }: MinimalDocument): string {
  const document = {
    version: 'https://jsonfeed.org/version/1.1',
    title,
    home_page_url: context.siteUrl,
    language: 'de',
    items: [{ id, url: context.renewUrl, title: item.title, content_text: item.text, date_published: day.toISOString().replace('.000Z', 'Z') }],
  }
  return `${JSON.stringify(document, null, 2)}\n`
}
