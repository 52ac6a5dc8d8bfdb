/**
 * The built service started as a deploy starts it: `npm start` in the
 * `current` link to a release, with a relative ARTICLES_DIR. main.ts makes
 * that path absolute against `$PWD` (content/start-directory.ts), so the
 * service follows `current` to the release swapped in, as docs/operations.md
 * (The working directory) says; against the real start directory it read a
 * release the deploy then removed, and published nothing more.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startServer, type RunningServer } from './helpers/server-process.js'
import { articleText, makeTempDir } from './helpers/temp-dir.js'

const FIRST = articleText({ title: 'Zinsen bleiben stabil', date: '2025-01-01T10:00:00Z', category: 'wirtschaft' })
const ADDED_TITLE = 'Export legt nach dem Tausch zu'

let temp: ReturnType<typeof makeTempDir> | undefined
let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop()
  temp?.rm()
  server = temp = undefined
})

describe('a deploy that swaps the `current` release under the running service', () => {
  it('is followed: ARTICLES_DIR=articles leads through `current` to the new release, whose new article the feed then has', { timeout: 30_000 }, async () => {
    temp = makeTempDir('release-swap-')
    const root = temp.dir
    temp.write('release-1/articles/zinsen.md', FIRST)
    temp.write('release-2/articles/zinsen.md', FIRST)
    const current = path.join(root, 'current')
    fs.symlinkSync('release-1', current)
    // As `npm start` in /srv/app/current: the process's directory is release-1 itself, $PWD the path through the link.
    server = await startServer({ ARTICLES_DIR: 'articles', PWD: current }, [], { cwd: current })
    const running = server
    expect(running.output().split('\n')).toContain(`loading ${current}/articles`)

    // The deploy: `current` replaced in one step (a new link renamed over it), the old release removed, then an edit.
    fs.symlinkSync('release-2', path.join(root, 'current.new'))
    fs.renameSync(path.join(root, 'current.new'), current)
    fs.rmSync(path.join(root, 'release-1'), { recursive: true })
    temp.write('release-2/articles/export.md', articleText({ title: ADDED_TITLE, date: '2025-01-02T10:00:00Z', category: 'wirtschaft' }))

    const feed = async (): Promise<string> => (await fetch(`${running.base}/wirtschaft/feed.xml`)).text()
    // The folder's identity is looked at once a second (store/live-updates.ts): polled, generously for a loaded machine.
    const rss = await vi.waitFor(
      async () => {
        const text = await feed()
        expect(text).toContain(`<title>${ADDED_TITLE}</title>`)
        return text
      },
      { timeout: 20_000, interval: 100 },
    )
    expect(rss).toContain('<title>Zinsen bleiben stabil</title>')
    expect(running.output().split('\n')).toContain(`${current}/articles is another folder now; reloading`)
  })
})
