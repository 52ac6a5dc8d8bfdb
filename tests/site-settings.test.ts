import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors/config-error.js'
import { loadSiteSettings, updateMinutes } from '../src/site-settings.js'
import { makeTempDir } from './helpers/temp-dir.js'

const SITE = 'https://www.example.de/'
const podcast = (extra: string) => `podcast:
  title: T
  description: D
  author: A
  owner: { name: O, email: o@example.de }
  image: /media/c.jpg
  category: Business
  explicit: false
${extra}`

/** What a validation library says in its own words, which no message may carry. */
const LIBRARY_WORDS = /Invalid|expected|received|Too (big|small)|Unrecognized|pattern|[<>]=|\/\^|\$\//

function problem(source: string): string {
  try {
    loadSiteSettings(source, 'site.yaml', SITE)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('site settings', () => {
  it('reads images, the podcast and the author registry, with URLs made absolute', () => {
    const settings = loadSiteSettings(
      `${podcast('  subcategory: Investing')}\nimages: { icon: /media/i.png }\nauthors:\n  Anna: { url: /autoren/anna, avatar: https://cdn.example.org/a.png }\n  Bert:\n`,
      'site.yaml',
      SITE,
    )
    expect(settings.podcast).toMatchObject({ image: `${SITE}media/c.jpg`, category: 'Business', subcategory: 'Investing', type: 'episodic', locked: true })
    expect(settings.images.icon).toBe(`${SITE}media/i.png`)
    expect([...settings.authors.values()]).toEqual([
      { name: 'Anna', url: `${SITE}autoren/anna`, email: undefined, avatar: 'https://cdn.example.org/a.png', bio: undefined },
      { name: 'Bert', url: undefined, email: undefined, avatar: undefined, bio: undefined },
    ])
  })

  it('reads Feedly branding (URLs made absolute, the colour as six upper-case digits) and update hints, hourly by default', () => {
    const settings = loadSiteSettings('feedly: { icon: /media/i.png, cover: https://cdn.example.org/c.jpg, accent_color: "#0b4f8a" }\nupdates: { period: daily }\n', 'site.yaml', SITE)
    expect(settings.feedly).toEqual({ icon: `${SITE}media/i.png`, logo: undefined, cover: 'https://cdn.example.org/c.jpg', accentColor: '0B4F8A' })
    expect(settings.updates).toEqual({ period: 'daily', frequency: 1 })
    expect(loadSiteSettings('', 'site.yaml', SITE).updates).toEqual({ period: 'hourly', frequency: 1 })
    expect(loadSiteSettings('', 'site.yaml', SITE).feedly).toBeUndefined()
    expect([updateMinutes({ period: 'hourly', frequency: 1 }), updateMinutes({ period: 'daily', frequency: 4 }), updateMinutes({ period: 'hourly', frequency: 60 })]).toEqual([60, 360, 1])
  })

  it.each([
    [podcast('').replace('Business', 'Wirtschaft'), 'site.yaml: podcast.category: must be one of Apple Podcasts\u2019 categories'],
    [podcast('  subcategory: Cooking'), 'site.yaml: podcast.subcategory: is not a subcategory of the category'],
    [podcast('').replace('o@example.de', 'keine-adresse'), 'site.yaml: podcast.owner.email: must be an e-mail address'],
    [
      podcast('  explizit: true'),
      'site.yaml: podcast: has unknown fields "explizit" (known: title, description, author, owner, image, category, subcategory, explicit, type, locked, copyright, funding, update_frequency)',
    ],
    ['images: { rss: { url: /x.png, width: 300, height: 100 } }', 'site.yaml: images.rss.width: must be a whole number of pixels from 1 to 144'],
    ['images: { rss: { url: /x.png, width: 100, height: 0.5 } }', 'site.yaml: images.rss.height: must be a whole number of pixels from 1 to 400'],
    ['podcsat: {}', 'site.yaml: has unknown fields "podcsat" (known: images, podcast, feedly, updates, authors, plus)'],
    ['- images', 'site.yaml: must be a mapping of fields (images, podcast, feedly, updates, authors, plus)'],
    [podcast('').replace('  title: T\n', ''), 'site.yaml: podcast.title: is required'],
    [podcast('').replace('title: T', 'title: 1929'), 'site.yaml: podcast.title: must be text'],
    [podcast('  type: täglich'), 'site.yaml: podcast.type: must be episodic or serial'],
    ['authors: { Anna: { "b\\u202Eio": x } }', 'site.yaml: authors.Anna: has unknown fields "b\\u202eio" (known: url, email, avatar, bio, role)'],
    ['authors: { Anna: { email: nein } }', 'site.yaml: authors.Anna.email: must be an e-mail address'],
    ['images: [', 'site.yaml: is not valid YAML: unexpected end of the stream within a flow collection at line 2, column 1'],
    [podcast('').replace('title: T', 'title: "Geld\\afunk"'), 'site.yaml: podcast.title: holds control or non-characters XML cannot carry (U+0007); remove them'],
    [podcast('').replace('title: T', 'title: "Geldfunk \\uFFFE\\uD800"'), 'site.yaml: podcast.title: holds control or non-characters XML cannot carry (U+FFFE, U+D800); remove them'],
    [podcast('  copyright: "\\x85 2025"'), 'site.yaml: podcast.copyright: holds control or non-characters XML cannot carry (U+0085); remove them'],
    ['authors: { "Anna\\x01": { bio: B } }', 'site.yaml: authors: "Anna\\u0001" holds control or non-characters XML cannot carry (U+0001); remove them'],
    ['images: { icon: "javascript:x" }', 'site.yaml: images.icon: "javascript:x" is not an http(s) URL or a site path'],
    ['feedly: { cover: "ftp://x/c.jpg" }', 'site.yaml: feedly.cover: "ftp://x/c.jpg" is not an http(s) URL or a site path'],
    ['feedly: { accent_color: "#0b4f8" }', 'site.yaml: feedly.accent_color: must be a colour of six hex digits such as "#0B4F8A"'],
    ['feedly: { accent_color: blau }', 'site.yaml: feedly.accent_color: must be a colour of six hex digits such as "#0B4F8A"'],
    // Unquoted, YAML reads the colour as a comment.
    ['feedly:\n  accent_color: #0b4f8a\n', 'site.yaml: feedly.accent_color: has no value'],
    ['feedly: { farbe: rot }', 'site.yaml: feedly: has unknown fields "farbe" (known: icon, logo, cover, accent_color)'],
    ['updates: { period: stündlich }', 'site.yaml: updates.period: must be hourly, daily, weekly, monthly or yearly'],
    ['updates: { frequency: 0 }', 'site.yaml: updates.frequency: must be a whole number from 1 to 60'],
    ['updates: { frequency: 1.5 }', 'site.yaml: updates.frequency: must be a whole number from 1 to 60'],
  ])('refuses a bad file with the file and field: %#', (source, message) => {
    expect(problem(source)).toBe(message)
  })

  it('words every wrong value of every field itself, never in a library\'s words', () => {
    /** `images.rss.width` and `42` → `{ "images": { "rss": { "width": 42 } } }`. */
    const settings = (field: string, value: string): string =>
      field.split('.').reduceRight((inner, key) => `{ ${JSON.stringify(key)}: ${inner} }`, value)
    const fields = [
      'images', 'images.icon', 'images.favicon', 'images.rss', 'images.rss.url', 'images.rss.width', 'images.rss.height',
      'podcast', 'feedly', 'feedly.icon', 'feedly.logo', 'feedly.cover', 'feedly.accent_color', 'updates', 'updates.period', 'updates.frequency',
      'authors', 'authors.Anna', 'authors.Anna.url', 'authors.Anna.email', 'authors.Anna.avatar', 'authors.Anna.bio', 'authors.Anna.role',
    ]
    const podcastFields = ['title', 'description', 'author', 'owner', 'owner.name', 'owner.email', 'image', 'category', 'subcategory', 'explicit', 'type', 'locked', 'copyright', 'funding', 'update_frequency']
    const values = ['42', '-3', '1.5', '1e400', 'true', '~', '[]', '[1, [2]]', '{a: 1}', '""', '"x"', '.nan', '.inf']
    const problems = new Set<string>()
    const attempt = (source: string) => {
      try {
        loadSiteSettings(source, 'site.yaml', SITE)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        problems.add(error.message)
      }
    }
    for (const value of values) {
      attempt(value)
      for (const field of fields) attempt(settings(field, value))
      for (const field of podcastFields) {
        const [key, sub] = field.split('.')
        const line = new RegExp(`^  ${key}: .*$`, 'm')
        const replaced = sub ? `  ${key}: { name: O, email: o@example.de, ${sub}: ${value} }` : `  ${key}: ${value}`
        const source = podcast('')
        attempt(line.test(source) ? source.replace(line, replaced) : `${source}${replaced}\n`)
      }
    }
    const foreign = [...problems].filter((problem) => LIBRARY_WORDS.test(problem) || !/^site\.yaml: ([\w.]+: )?(must|is|has|"|holds)/.test(problem))
    expect(foreign).toEqual([])
    expect(problems.size).toBeGreaterThan(30)
  })

  it('reads the Podcasting 2.0 settings: funding, update frequency and each author\'s podcast role', () => {
    const settings = loadSiteSettings(
      `${podcast('  funding: { url: /unterstuetzen, text: "Jetzt unterstützen" }\n  update_frequency: { rrule: "FREQ=WEEKLY;BYDAY=TH", text: Jeden Donnerstag }')}\n` +
        'authors:\n  Anna: { role: Co-Host }\n  Bert: { url: /autoren/bert }\n',
      'site.yaml',
      SITE,
    )
    expect(settings.podcast?.funding).toEqual({ url: `${SITE}unterstuetzen`, text: 'Jetzt unterstützen' })
    expect(settings.podcast?.updateFrequency).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TH', text: 'Jeden Donnerstag' })
    expect([...settings.authors.values()].map((author) => author.role)).toEqual(['co-host', undefined])
  })

  it.each([
    [podcast('  funding: { url: "ftp://x", text: Danke }'), 'site.yaml: podcast.funding.url: "ftp://x" is not an http(s) URL or a site path'],
    [podcast('  funding: { url: /x }'), 'site.yaml: podcast.funding.text: is required'],
    [podcast(`  funding: { url: /x, text: "${'x'.repeat(129)}" }`), 'site.yaml: podcast.funding.text: must be at most 128 characters long'],
    [podcast('  funding: { url: /x, text: T, betrag: 5 }'), 'site.yaml: podcast.funding: has unknown fields "betrag" (known: url, text)'],
    [podcast('  update_frequency: { rrule: "FREQ=FORTNIGHTLY", text: T }'), 'site.yaml: podcast.update_frequency.rrule: "FREQ=FORTNIGHTLY" is not an RFC 5545 recurrence rule: FREQ must be one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY'],
    [podcast('  update_frequency: { rrule: "BYDAY=MO", text: T }'), 'site.yaml: podcast.update_frequency.rrule: "BYDAY=MO" is not an RFC 5545 recurrence rule: it needs FREQ'],
    [podcast('  update_frequency: { rrule: "FREQ=WEEKLY;ALLE=2", text: T }'), 'site.yaml: podcast.update_frequency.rrule: "FREQ=WEEKLY;ALLE=2" is not an RFC 5545 recurrence rule: ALLE is not one of its parts'],
    [podcast('  update_frequency: { rrule: "FREQ=WEEKLY;COUNT=10", text: T }'), 'site.yaml: podcast.update_frequency.rrule: "FREQ=WEEKLY;COUNT=10" is not an RFC 5545 recurrence rule: COUNT needs a start date, which these settings do not take; use UNTIL'],
    [podcast('  update_frequency: { rrule: "FREQ=WEEKLY" }'), 'site.yaml: podcast.update_frequency.text: is required'],
    ['authors: { Anna: { role: Moderatorin } }', 'site.yaml: authors.Anna.role: "Moderatorin" is not a role of the Podcast Taxonomy (such as host, co-host, guest, reporter, producer)'],
  ])('refuses bad Podcasting 2.0 settings, naming the field: %#', (source, message) => {
    expect(problem(source)).toBe(message)
  })

  it('reads where plus articles\' pages ask readers to subscribe, and refuses what is not a URL', () => {
    expect(loadSiteSettings('plus: { subscribe_url: /abo/plus }\n', 'site.yaml', SITE).plus).toEqual({ subscribeUrl: `${SITE}abo/plus` })
    expect(loadSiteSettings('', 'site.yaml', SITE).plus).toBeUndefined()
    expect(problem('plus: { subscribe_url: "ftp://x" }')).toBe('site.yaml: plus.subscribe_url: "ftp://x" is not an http(s) URL or a site path')
    expect(problem('plus: { subscribe_url: /abo, preis: 5 }')).toBe('site.yaml: plus: has unknown fields "preis" (known: subscribe_url)')
  })

  it('is optional unless SITE_CONFIG names it', () => {
    const temp = makeTempDir()
    const readFile = (file: string) => fs.readFileSync(file, 'utf8')
    try {
      expect(loadConfig({}, [], temp.dir, readFile).settings.podcast).toBeUndefined()
      expect(() => loadConfig({ SITE_CONFIG: 'fehlt.yaml' }, [], temp.dir, readFile)).toThrow(
        `SITE_CONFIG: cannot read ${path.join(temp.dir, 'fehlt.yaml')} (ENOENT)`,
      )
      fs.writeFileSync(path.join(temp.dir, 'site.yaml'), podcast(''))
      expect(loadConfig({}, [], temp.dir, readFile).settings.podcast?.title).toBe('T')
      // Without a way to read files, Config is built from the environment alone.
      expect(loadConfig({}, [], temp.dir).settings.podcast).toBeUndefined()
    } finally {
      temp.rm()
    }
  })
})
