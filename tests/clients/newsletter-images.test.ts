/**
 * rss2email's HTML mail (issue #11.8): the bundled 1200 px lead image must
 * scale down to the reading pane, and still say its width and height.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rss2email, withBundledSite } from '../helpers/real-clients.js'

const site = withBundledSite('newsletter-images-')

describe('rss2email HTML mail', () => {
  it('shows the lead image scaled to the pane, with its width and height kept', () => {
    const r2e = rss2email(path.join(site.dir(), 'rss2email'))
    r2e.add('wirtschaft', `${site.base()}/wirtschaft/feed.xml`)
    const message = r2e.run().messages.find((m) => m.subject === '„Wir zahlen doppelt“: Mittelständler ächzen unter Energiepreisen')
    // articles/mittelstand-energiepreise.md: image /media/werkhalle-mittelstand.jpg, 1200 × 675 px.
    expect(message?.html.match(/<img [^>]*>/g)).toEqual([
      `<img alt="Blick in eine Werkhalle mit Maschinen" height="675" src="${site.base()}/media/werkhalle-mittelstand.jpg" style="width: 100%; height: auto;" width="1200" />`,
    ])
  })
})
