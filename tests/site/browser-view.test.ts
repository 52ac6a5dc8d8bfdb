/// <reference lib="dom" />
/**
 * A person who opens a feed URL in a browser: Debian's Chromium 156,
 * headless, driven by playwright-core, with XSLT on (where Chromium lays its
 * deprecation banner over transformed pages) and off
 * (`--disable-blink-features=XSLT`, as after its removal). Every view is the
 * server's German page, whichever. Screenshots land in .tmp/screenshots/.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../helpers/in-process-server.js'
import { bundledSite } from '../helpers/bundled-site.js'

const SHOTS = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// Chromium's own network traffic would be refused on a closed machine; keep it quiet.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const XSLT = { on: [], off: ['--disable-blink-features=XSLT'] } as const
/** A date as the pages write it; never RFC 822 (`Fri, 08 May 2026 05:00:00 GMT`). */
const GERMAN_DATE = /^\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4} um \d\d:\d\d Uhr$/

const VIEWS = [
  ['rss', '/wirtschaft/feed.xml', 'Wirtschaft – Beispielzeitung'],
  ['atom', '/wirtschaft/atom.xml', 'Wirtschaft – Beispielzeitung'],
  ['podcast', '/wirtschaft/podcast.xml', 'Geldfragen – der Wirtschaftspodcast der Beispielzeitung'],
  ['article', '/wirtschaft/mittelstand-energiepreise.html', '„Wir zahlen doppelt“: Mittelständler ächzen unter Energiepreisen'],
] as const

let server: Awaited<ReturnType<typeof listen>>
const browsers: Partial<Record<keyof typeof XSLT, Browser>> = {}
/**
 * One tab of each browser, every test's view a navigation of its own: a new page started a renderer process, 0.5-1.2 s
 * of each test on a loaded 2-core machine. Its HTTP cache is off, so each view loads everything, as a new page did.
 */
const tabs: Partial<Record<keyof typeof XSLT, Page>> = {}

beforeAll(async () => {
  // The site URL must be the address the browser uses, or the stylesheets would be cross-origin:
  // listen first, then build the app for that address.
  let app: Hono | undefined
  server = await listen(new Hono().all('*', (c) => (app as Hono).fetch(c.req.raw)))
  ;({ app } = await bundledSite(server.base, new Date('2026-12-01T09:00:00Z')))
  fs.mkdirSync(SHOTS, { recursive: true })
  // Both at once: each launch waits mostly on Chromium's own start.
  await Promise.all(
    (['on', 'off'] as const).map(async (mode) => {
      const browser = (browsers[mode] = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...XSLT[mode]] }))
      const tab = (tabs[mode] = await browser.newPage({ locale: 'de-DE', viewport: { width: 1280, height: 900 } }))
      await (await tab.context().newCDPSession(tab)).send('Network.setCacheDisabled', { cacheDisabled: true })
    }),
  )
}, 60_000)

afterAll(async () => {
  for (const browser of Object.values(browsers)) await browser?.close()
  await server?.close()
})

async function open(mode: keyof typeof XSLT, path: string): Promise<Page> {
  const page = tabs[mode] as Page
  const response = await page.goto(`${server.base}${path}`)
  expect(response?.status()).toBe(200)
  expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8')
  return page
}

/** Whether the page's h1 is inside the viewport and nothing lies over it: the element at its centre is the h1 (or within it). */
function titleShown(page: Page) {
  return page.evaluate(() => {
    const h1 = document.querySelector('h1') as HTMLElement
    const box = h1.getBoundingClientRect()
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    return {
      text: h1.textContent,
      inViewport: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth && box.height > 0,
      uncovered: hit !== null && h1.contains(hit),
    }
  })
}

describe.each(['on', 'off'] as const)('Chromium 156 with XSLT %s', (mode) => {
  it.each(VIEWS)('shows the %s view as a German page whose title is visible and not covered', async (name, path, title) => {
    const page = await open(mode, path)
    expect(await page.locator('html').getAttribute('lang')).toBe('de')
    expect(await titleShown(page)).toEqual({ text: title, inViewport: true, uncovered: true })
    const dates = await page.locator('main time').allTextContents()
    expect(dates.length).toBeGreaterThan(0)
    for (const date of dates) expect(date).toMatch(GERMAN_DATE)
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Georgia')
    await page.screenshot({ path: `${SHOTS}/${name}-xslt-${mode}.png`, fullPage: true })
  })

  it('lists the RSS items with titles that lead to the article, and every author', async () => {
    const page = await open(mode, '/wirtschaft/feed.xml')
    const item = page.locator('ol.articles li', { hasText: 'Mittelständler ächzen' })
    expect(await item.locator('.byline').textContent()).toBe('17. September 2025 um 06:00 Uhr · von Jonas Albrecht, Miriam Okafor')
    await item.locator('h3 a').click()
    await page.waitForURL(`${server.base}/wirtschaft/mittelstand-energiepreise.html`)
    expect(await page.locator('h1').textContent()).toBe('„Wir zahlen doppelt“: Mittelständler ächzen unter Energiepreisen')
  })

  it('has a player or a download link for every episode on the podcast view', async () => {
    const page = await open(mode, '/wirtschaft/podcast.xml')
    const episodes = await page.locator('ol.episodes > li').evaluateAll((items) =>
      items.map((li) => ({
        title: li.querySelector('h3')?.textContent,
        player: li.querySelector('audio, video')?.getAttribute('src') ?? null,
        download: li.querySelector('a[download]')?.getAttribute('href') ?? null,
      })),
    )
    const mp3 = (episode: number) => `${server.base}/media/geldfragen-folge-${episode}.mp3`
    expect(episodes).toEqual([
      { title: 'Geldfragen, Folge 13: Tagesgeld, Festgeld oder Anleihe?', player: mp3(13), download: mp3(13) },
      { title: 'Geldfragen, Folge 12: Lohnt sich der ETF-Sparplan noch?', player: mp3(12), download: mp3(12) },
    ])
    expect(await page.locator('img.cover').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
  })
})
