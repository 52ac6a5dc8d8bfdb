/**
 * Several instances on one articles folder answer as one: the same bytes,
 * ETags, Last-Modified and cache keys for every document, and a copy
 * revalidated by one is current for the other, however their start times,
 * clocks and the order in which they saw the changes differ.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bundledConfig, bundledInstance, copyBundledSite, documentPaths, snapshot } from '../helpers/bundled-site.js'

let folder: ReturnType<typeof copyBundledSite> | undefined
const stores: { close(): void }[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
  folder?.rm()
})

const write = (dir: string, file: string, title: string, date: string) =>
  fs.writeFileSync(path.join(dir, file), `---\ntitle: "${title}"\ndate: ${date}\ncategory: wirtschaft\ntags: [EZB]\n---\nEin Absatz.\n`)

describe('two instances on one folder', () => {
  it('give every document the same bytes, ETag, Last-Modified and keys, and 304 to each other’s validators', async () => {
    folder = copyBundledSite()
    const config = bundledConfig(folder)
    // A starts an hour before B, and sees two changes one by one, in the order B's listing will not.
    // Clocks after the copied media files' times (a Last-Modified is never later than now).
    const base = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000
    let nowA = new Date(base)
    const a = await bundledInstance(config, () => nowA)
    stores.push(a.store)
    // A day before both clocks: inside the news sitemap's 48 hours for both (a fixed date fell out of it for one
    // clock and not the other in the hour before it turned 48 hours old, so the test failed then).
    const published = new Date(base - 86_400_000).toISOString().replace('.000Z', 'Z')
    write(folder.articles, 'zz-spaet.md', 'Gleichzeitig B', published)
    await a.store.applyChanges(['zz-spaet.md'])
    write(folder.articles, 'aa-frueh.md', 'Gleichzeitig A', published)
    await a.store.applyChanges(['aa-frueh.md'])
    nowA = new Date(base + 3_607_000)

    const nowB = new Date(base + 3_600_000)
    const b = await bundledInstance(config, () => nowB)
    stores.push(b.store)

    const paths = documentPaths(a.store, config)
    expect(documentPaths(b.store, config)).toEqual(paths)
    expect(paths.length).toBeGreaterThan(60)
    const fromA = await snapshot(a.app, paths)
    const fromB = await snapshot(b.app, paths)
    for (const path of paths) expect(fromB.get(path), path).toEqual(fromA.get(path))
    expect(fromA.get('/wirtschaft/feed.xml')?.status).toBe(200)

    for (const path of paths) {
      const shot = fromA.get(path)
      if (shot?.status !== 200 || shot.etag === null) continue
      const response = await b.app.request(path, { headers: { 'If-None-Match': shot.etag } })
      expect(response.status, path).toBe(304)
      expect(response.headers.get('ETag'), path).toBe(shot.etag)
    }
  })

  it('date an empty section alike: never by the time each one planned it', async () => {
    folder = copyBundledSite()
    fs.rmSync(folder.articles, { recursive: true })
    fs.mkdirSync(folder.articles)
    const config = bundledConfig(folder)
    const a = await bundledInstance(config, () => new Date('2026-12-01T09:00:00Z'))
    const b = await bundledInstance(config, () => new Date('2026-12-01T10:30:00Z'))
    stores.push(a.store, b.store)
    for (const path of ['/wirtschaft/atom.xml', '/wirtschaft/feed.xml', '/wirtschaft/feed.json', '/wirtschaft/podcast.xml']) {
      const [one, two] = await Promise.all([a.app.request(path), b.app.request(path)])
      expect(await two.text(), path).toBe(await one.text())
    }
    expect(await (await a.app.request('/wirtschaft/atom.xml')).text()).toContain('<updated>1970-01-01T00:00:00.000Z</updated>')
  })
})
