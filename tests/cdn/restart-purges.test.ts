/**
 * RestartPurges (src/cdn/restart-purges.ts): the CDN's side of a restart, as main.ts wires it. The service-level
 * cases are in purge-service.test.ts; these are the ones a running service cannot be brought to.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChangePurges } from '../../src/cdn/purge-on-change.js'
import { MEDIA_SLACK_MS, NO_FOLDER_KNOWN, PURGE_RECORD } from '../../src/cdn/purge-record.js'
import { RestartPurges } from '../../src/cdn/restart-purges.js'
import { stateFile } from '../../src/ops/state-file.js'
import type { Site } from '../../src/site/build-site.js'
import { SITE_KEY } from '../../src/site/cache-keys.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const temps: { rm(): void }[] = []
afterEach(() => {
  for (const temp of temps.splice(0)) temp.rm()
})

function restartIn(state: string) {
  const purged: string[][] = []
  const lines: string[] = []
  const changePurges = Object.assign(() => {}, {
    settled: () => true,
    now: () => {},
    afterRebuild: (keys: readonly string[]) => void purged.push([...keys]),
  }) as unknown as ChangePurges<Site>
  const restart = new RestartPurges({
    file: stateFile(state, PURGE_RECORD),
    target: 'varnish http://127.0.0.1:6081/ https://www.example.de/',
    mediaDir: path.join(state, 'keine-medien'),
    changePurges,
    delivered: () => true,
    logger: { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
  })
  return { restart, purged, lines }
}

const site = (keys: Map<string, string>, warm: () => Promise<void> = async () => {}): Site => ({ plan: { keys, warmKeys: warm } }) as unknown as Site

/** A STATE_DIR whose first run served a-1 at v1 and stopped cleanly (its start purge went out, every purge through). */
async function cleanlyStopped(): Promise<{ readonly dir: string }> {
  const state = makeTempDir('restart-purges-')
  temps.push(state)
  const first = restartIn(state.dir)
  await first.restart.purgeSinceStop(site(new Map([['a-1', 'v1']])))
  first.restart.end(Date.now(), site(new Map([['a-1', 'v1']])), [])
  return state
}

describe('RestartPurges', () => {
  it('purges the whole site when what changed since the last stop cannot be worked out, and can still stop cleanly', async () => {
    const state = await cleanlyStopped()
    const second = restartIn(state.dir)
    await second.restart.purgeSinceStop(site(new Map(), async () => Promise.reject(new Error('no versions'))))
    expect(second.purged).toEqual([[SITE_KEY]])
    expect(second.lines).toEqual([`purge: cannot work out what changed since the last stop (Error: no versions); purging the whole site (key ${SITE_KEY})`])
    second.restart.end(Date.now(), site(new Map([['a-1', 'v2']])), [])
    expect(JSON.parse(fs.readFileSync(path.join(state.dir, PURGE_RECORD), 'utf8'))).toHaveProperty('keys')
  })

  it('leaves the record saying the run is under way when it stops before its start purge went out', async () => {
    const state = await cleanlyStopped()
    // Stopped before its start purge: not a clean stop.
    restartIn(state.dir).restart.end(Date.now(), site(new Map([['a-1', 'v1']])), [])
    const third = restartIn(state.dir)
    await third.restart.purgeSinceStop(site(new Map([['a-1', 'v1']])))
    expect(third.purged).toEqual([[SITE_KEY]])
  })

  // A stop quiesces the store, which swaps no state in from then on (ContentStore): a media change whose rebuild ends
  // after the stop began is not served, and the next start must purge it. Counted as swapped, its file was older than
  // the mark (or its folder named as served), and the next start purged neither it nor the documents stating it.
  it('marks a media change whose rebuild ends after the stop began as not swapped in: the file, and a folder put in place', async () => {
    const state = await cleanlyStopped()
    const media = makeTempDir('restart-purges-media-')
    const other = makeTempDir('restart-purges-other-')
    temps.push(media, other)
    const { restart } = restartIn(state.dir)
    await restart.purgeSinceStop(site(new Map([['a-1', 'v1']])))
    await restart.folderId(media.dir)
    let swapFile: (value: Site) => void = () => {}
    let swapFolder: (value: Site) => void = () => {}
    restart.mediaChanged(() => {})(['folge.mp3'], new Promise((resolve) => (swapFile = resolve)))
    const heard = Date.now()
    // The deploy's link turned to another folder, seen, its rebuild under way.
    await restart.folderId(other.dir)
    restart.mediaChanged(() => {})(undefined, new Promise((resolve) => (swapFolder = resolve)))
    await new Promise((resolve) => setTimeout(resolve, 100))
    restart.stopping()
    swapFile(site(new Map()))
    swapFolder(site(new Map()))
    await new Promise((resolve) => setTimeout(resolve, 10))
    restart.end(Date.now(), site(new Map([['a-1', 'v1']])), [])
    const { media: mark } = JSON.parse(fs.readFileSync(path.join(state.dir, PURGE_RECORD), 'utf8')) as { media: { folder: string | null; since: number } }
    expect(mark.since).toBeLessThanOrEqual(heard - MEDIA_SLACK_MS)
    expect(mark.folder).toBe(NO_FOLDER_KNOWN)
  })
})
