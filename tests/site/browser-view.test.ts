/// <reference lib="dom" />
/**
 * A person who opens a feed URL in a browser: Debian's Chromium, headless,
 * driven by playwright-core. Screenshots land in .tmp/screenshots/ for a look.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createApp } from '../../src/http/app.js'
import { ContentStore } from '../../src/store/content-store.js'
import { listen } from '../helpers/in-process-server.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/articles', import.meta.url))
const SHOTS = fileURLToPath(new URL('../../.tmp/screenshots', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// Chromium's own network traffic would be refused on a closed machine; keep it quiet.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let server: Awaited<ReturnType<typeof listen>>
let store: ContentStore

beforeAll(async () => {
  // The site URL must be the address the browser uses, or the stylesheets would be cross-origin:
  // listen first, then build the app for that address.
  let app: Hono | undefined
  server = await listen(new Hono().all('*', (c) => (app as Hono).fetch(c.req.raw)))
  const config = loadConfig({ ARTICLES_DIR: FIXTURES, SITE_URL: server.base })
  store = new ContentStore({ config, clock: () => new Date('2026-01-01T00:00:00Z'), logger: { info: () => {}, warn: () => {} } })
  await store.load()
  store.close()
  app = createApp({ config, store })
  fs.mkdirSync(SHOTS, { recursive: true })
})

afterAll(async () => {
  await server?.close()
})

async function withBrowser<T>(extraFlags: string[], use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraFlags] })
  try {
    return await use(browser)
  } finally {
    await browser.close()
  }
}

describe('a feed opened in a browser', () => {
  it.each([
    ['RSS', '/wirtschaft/feed.xml'],
    ['Atom', '/wirtschaft/atom.xml'],
  ])('%s is shown as a German page: what it is, how to subscribe, the newest items', async (name, path) => {
    await withBrowser([], async (browser) => {
      const page = await browser.newPage({ locale: 'de-DE' })
      const response = await page.goto(`${server.base}${path}`)
      expect(response?.status()).toBe(200)
      await page.waitForSelector('h1')
      expect(await page.locator('html').getAttribute('lang')).toBe('de')
      expect(await page.locator('h1').textContent()).toBe('Wirtschaft – Beispielzeitung')
      expect(await page.locator('.subscribe').textContent()).toContain('So abonnieren Sie:')
      expect(await page.locator('.feed-url code').textContent()).toBe(`${server.base}${path}`)
      const titles = await page.locator('ol.articles h3 a').allTextContents()
      expect(titles).toEqual([
        'Müller & Söhne: "Rekord" <für> den Mittelstand ]]> AT&amp;T',
        'Geldfragen, Folge 7: Inflation verstehen',
        'Ohne Zeitzone geschrieben',
        'Links und Bilder',
        'Tax news in English',
      ])
      expect(await page.locator('ol.articles h3 a').first().getAttribute('href')).toBe(`${server.base}/wirtschaft/sonderzeichen.html`)
      const first = await page.locator('ol.articles li').first().textContent()
      // RSS names co-authors in one dc:creator ("A und B"), Atom one author element each.
      expect(first).toContain(`1. September 2025 · von ${name === 'RSS' ? 'Silke Mayr und Jonas Albrecht' : 'Silke Mayr, Jonas Albrecht'}`)
      expect(first).toContain('Weniger <als> erwartet & trotzdem „gut“')
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Georgia')
      await page.screenshot({ path: `${SHOTS}/feed-${name.toLowerCase()}-xslt.png`, fullPage: true })
    })
  })

  it('falls back to the CSS stylesheet where the browser has no XSLT', async () => {
    await withBrowser(['--disable-features=XSLT'], async (browser) => {
      const page = await browser.newPage()
      await page.goto(`${server.base}/wirtschaft/feed.xml`)
      expect(await page.evaluate(() => document.documentElement.nodeName)).toBe('rss')
      const style = await page.evaluate(() => {
        const channel = document.querySelector('channel') as Element
        const title = document.querySelector('channel > title') as Element
        const link = document.querySelector('channel > link') as Element
        return {
          hint: getComputedStyle(channel, '::before').content,
          title: getComputedStyle(title).fontSize,
          hidden: getComputedStyle(link).display,
        }
      })
      expect(style.hint).toContain('Dies ist ein Newsfeed.')
      expect(style.title).toBe('33.6px')
      expect(style.hidden).toBe('none')
      // fullPage screenshots hang on XML documents; the viewport is enough to look at.
      await page.screenshot({ path: `${SHOTS}/feed-rss-css.png` })
    })
  })
})
