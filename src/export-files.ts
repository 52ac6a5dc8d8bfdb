/**
 * The files of one static export (export.ts) in its folder: which it writes
 * and how, which it keeps from the last export, and its manifest. Every
 * write lands whole or not at all: a document and its `.gz` and `.br` are
 * written in a staging folder and renamed into place, which replaces a link
 * rather than writing through it. Before the first write, the manifest is
 * marked incomplete: an export that stops half-way (a kill, a full disk, an
 * unwritable file) leaves a manifest that lists every file it may have
 * written and vouches for none, so the next export writes every document
 * again and still knows which files are its own.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { copyRegularFile } from './export-copy.js'
import { ConfigError } from './errors/config-error.js'
import { inputDigest, parseManifest, type Inputs, type Manifest } from './site/export-manifest.js'
import type { Resource } from './site/resource.js'

/**
 * The list of files an export wrote, relative to its folder: JSON,
 * `{ "version": 4, "files": [...], "stamps": {...}, "inputs": {...}, "times": {...} }`, which holds any file
 * name as it is. `stamps` (since the export skips what is unchanged) names, for each document, its SHA-256 tag and
 * the sizes of its files, and for each media copy the size and modification time of its original. `inputs` names,
 * for each document, a digest of what it was made of and the cache keys it showed (see inputDigest): the next
 * export renders it again only when that changed, and always one it names none of (a document naming ANY_KEY, or
 * showing a body not exported as written: site/bodies-not-as-written.ts). `times` names each file's modification
 * time (nanoseconds) as the export left it: a file kept as unchanged must still have it, so one overwritten since
 * at the same size, or put back from an older copy, is written again. Version 2 had no `inputs`; it is read, and
 * every document rendered once. Version 3 had no `times`; its files are checked by size once.
 * While an export writes, it says `"complete": false` and vouches for no file.
 */
export const MANIFEST = '.export-manifest'
const MANIFEST_VERSION = 4
/** Where files are written before they are renamed into place; removed at the end, and at the start of the next export. */
const STAGING = '.export-staging'
/** Held while an export writes into the folder: `pid host token` of its process (lockFolder). */
const LOCK = '.export-lock'

/** A file and its siblings, as a document is exported. */
export const withSiblings = (file: string): string[] => [file, `${file}.gz`, `${file}.br`]

/** The last export into `outDir`, and why its manifest could not be read, if it could not. */
export async function readManifest(outDir: string): Promise<{ manifest: Manifest; problem?: string }> {
  const text = await fs.promises.readFile(path.join(outDir, MANIFEST), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw new Error(`${path.join(outDir, MANIFEST)} cannot be read (${error.code ?? error.message})`)
  })
  const manifest = parseManifest(text)
  return manifest.problem === undefined ? { manifest } : { manifest, problem: `${path.join(outDir, MANIFEST)} ${manifest.problem}` }
}

/** How often a held lock's time is renewed, and how old a lock may be before it is taken for one whose export is gone. */
const LOCK_BEAT_MS = 30_000
const LOCK_STALE_MS = 120_000
/** An empty or unreadable lock younger than this is one being written (`wx` makes it, then writes it). */
const LOCK_FRESH_MS = 10_000
/** The locks this process holds, by token: a second export in it is refused, a lock of an earlier life with its pid is not. */
const heldTokens = new Set<string>()

/**
 * Takes the folder for this export: a second export into it at once would
 * mix the two sites and both would say they succeeded. The lock names the
 * process (pid, host, a token of its own) and its time is renewed while the
 * export runs. It is taken over when its process is gone: on this host, a
 * pid that no longer runs (or this pid, in an earlier life of a container);
 * from another host (a shared volume), a time not renewed for two minutes.
 * Taking over goes through `.export-lock.takeover`, so that two exports that
 * both found a stale lock never both take the folder. Resolves to the release.
 */
export async function lockFolder(outDir: string): Promise<() => Promise<void>> {
  await fs.promises.mkdir(outDir, { recursive: true })
  const lock = path.join(outDir, LOCK)
  const token = randomUUID()
  const mine = `${process.pid} ${os.hostname()} ${token}\n`
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.promises.writeFile(lock, mine, { flag: 'wx' })
      heldTokens.add(token)
      const beat = setInterval(() => void fs.promises.utimes(lock, new Date(), new Date()).catch(() => {}), LOCK_BEAT_MS)
      beat.unref()
      return async () => {
        clearInterval(beat)
        heldTokens.delete(token)
        if ((await fs.promises.readFile(lock, 'utf8').catch(() => '')) === mine) await fs.promises.rm(lock, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 50) throw error
    }
    const found = await fs.promises.readFile(lock, 'utf8').catch(() => undefined)
    const stats = await fs.promises.lstat(lock).catch(() => undefined)
    if (found === undefined || stats === undefined) continue // gone meanwhile: try again
    const [pid, host, held] = found.trim().split(' ')
    const holder = Number(pid)
    const age = Date.now() - stats.mtimeMs
    const stale = !Number.isInteger(holder) || holder <= 0 || host === undefined || held === undefined
      ? age > LOCK_FRESH_MS
      : host === os.hostname()
        ? (holder === process.pid ? !heldTokens.has(held) : !alive(holder))
        : age > LOCK_STALE_MS
    if (!stale) {
      const who = held === undefined ? 'its lock not yet written whole' : `pid ${pid}${host === os.hostname() ? '' : ` on ${host}`}`
      // A line naming --out, not a stack: the folder is busy, nothing went wrong (errors/run-main.ts).
      throw new ConfigError('--out', `another export (${who}) is writing into ${outDir}; wait for it, or remove ${lock} if no such export runs`)
    }
    await takeOver(lock, found)
  }
}

/** Removes the stale lock `text` unless another export took it over first (the takeover file is the turn to look). */
async function takeOver(lock: string, text: string): Promise<void> {
  const turn = `${lock}.takeover`
  try {
    await fs.promises.writeFile(turn, `${process.pid}\n`, { flag: 'wx' })
  } catch {
    // Another export is taking over: look again shortly. A turn left by a process killed in it is old.
    const left = await fs.promises.lstat(turn).catch(() => undefined)
    if (left && Date.now() - left.mtimeMs > LOCK_FRESH_MS) await fs.promises.rm(turn, { force: true })
    await new Promise((resolve) => setTimeout(resolve, 50))
    return
  }
  try {
    if ((await fs.promises.readFile(lock, 'utf8').catch(() => undefined)) === text) await fs.promises.rm(lock, { force: true })
  } finally {
    await fs.promises.rm(turn, { force: true })
  }
}

/** A manifest's text, sorted so that the same export writes the same bytes; `complete: false` while an export writes (#begin). */
function manifestText(files: Iterable<string>, stamps: ReadonlyMap<string, string>, inputs: ReadonlyMap<string, string>, times: ReadonlyMap<string, string>, complete = true): string {
  const sorted = (map: ReadonlyMap<string, string>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)))
  const lists = { files: [...files].sort(), stamps: sorted(stamps), inputs: sorted(inputs), times: sorted(times) }
  const manifest = { version: MANIFEST_VERSION, ...(complete ? {} : { complete: false }), ...lists }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

/** Whether a process with this pid runs on this host (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The files of one export: written, or found unchanged from the last (its stamps, or its inputs). */
export class ExportedFiles {
  readonly written = new Set<string>()
  readonly stamps = new Map<string, string>()
  /** Of each document: its inputDigest and the cache keys it shows, space-separated (keys hold no space). */
  readonly inputs = new Map<string, string>()
  /** Of each file written or kept: its modification time (ns) as this export leaves it. */
  readonly times = new Map<string, string>()
  readonly #outDir: string
  readonly #previous: Manifest
  readonly #previousFiles: ReadonlySet<string>
  /** Every file this export may write: its documents with their siblings, its media copies. */
  readonly #candidates: ReadonlySet<string>
  readonly #folders = new Set<string>()
  #begun: Promise<void> | undefined
  #staged = 0

  constructor(outDir: string, previous: Manifest, candidates: Iterable<string>) {
    this.#outDir = outDir
    this.#previous = previous
    this.#previousFiles = new Set(previous.files)
    this.#candidates = new Set(candidates)
  }

  /**
   * Removes what the last export wrote and this one cannot write (a withdrawn
   * article, a renamed media file), and folders that leaves empty, before
   * anything is written: a media file that became a folder of the same name,
   * or the reverse, is then no obstacle.
   */
  async removeStale(): Promise<void> {
    const stale = this.#previous.files.filter((file) => !this.#candidates.has(file))
    if (stale.length > 0) await this.#begin()
    await this.#remove(stale)
  }

  /**
   * Whether the last export made `file` from the same inputs (its keys' versions
   * now digest to what it recorded) and its files are still there at their
   * sizes: then they are kept as they are, and the document is not rendered.
   */
  unchangedInputs(file: string, inputs: Inputs, variant = ''): boolean {
    const recorded = this.#previous.inputs.get(file)
    const stamp = this.#previous.stamps.get(file)
    if (recorded === undefined || stamp === undefined) return false
    const [digest, ...keys] = recorded.split(' ')
    if (inputDigest(inputs, keys, variant) !== digest) return false
    const names = withSiblings(file).filter((name, index) => index === 0 || this.#previousFiles.has(name))
    const sizes = stamp.split(' ').slice(1).map(Number)
    if (sizes.length !== names.length || !this.#present(names.map((name, index) => [name, sizes[index] as number]))) return false
    this.stamps.set(file, stamp)
    this.inputs.set(file, recorded)
    for (const name of names) this.written.add(name)
    return true
  }

  /** A document and its `.gz` and `.br` siblings; with `inputs`, what it was made of (and `variant`) is recorded. */
  async document(file: string, resource: Resource, inputs?: Inputs, variant = ''): Promise<void> {
    const bodies: [string, Uint8Array][] = [[file, resource.identity.body]]
    if (resource.encodings.gzip) bodies.push([`${file}.gz`, resource.encodings.gzip.body])
    if (resource.encodings.br) bodies.push([`${file}.br`, resource.encodings.br.body])
    // The identity's tag (SHA-256) and every file's size: a sibling compressed otherwise since has another size.
    const stamp = `${resource.identity.etag.slice(1, -1)} ${bodies.map(([, body]) => body.byteLength).join(' ')}`
    await this.#unlessUnchanged(file, stamp, bodies.map(([name, body]) => [name, body.byteLength] as const), async () => {
      const staged = await Promise.all(bodies.map(([, body]) => this.#stage((target) => fs.promises.writeFile(target, body))))
      // The siblings first: while the document still has its old bytes, a sibling newer than it is the lesser mix-up.
      for (let index = bodies.length - 1; index >= 0; index--) await this.#place(staged[index] as string, (bodies[index] as [string, Uint8Array])[0])
    })
    for (const [name] of bodies) this.written.add(name)
    const digest = inputs && inputDigest(inputs, resource.keys, variant)
    if (digest !== undefined) this.inputs.set(file, [digest, ...resource.keys].join(' '))
  }

  /** A media file, copied (the file itself, never a link: a static host might follow one anywhere); false: kept unchanged. */
  async media(file: string, absolute: string, copied?: (bytes: number) => void): Promise<boolean> {
    const original = await fs.promises.stat(absolute)
    let wrote = false
    await this.#unlessUnchanged(file, `${original.size} ${original.mtimeMs}`, [[file, original.size]], async () => {
      wrote = true
      await this.#place(await this.#stage((target) => copyRegularFile(absolute, target, copied)), file)
    })
    this.written.add(file)
    return wrote
  }

  /**
   * Removes what the last export wrote and this one did not, and the folders
   * that leaves empty; then writes the manifest (in one piece), unless it is
   * what was there, and removes the staging folder.
   */
  async finish(): Promise<void> {
    // The stale ones went before (removeStale): a media file that became a folder is that folder now.
    await this.#remove(this.#previous.files.filter((file) => this.#candidates.has(file) && !this.written.has(file)))
    // The times of the files it kept or wrote: one it looked at and then did not keep (a document gone meanwhile) is gone.
    const times = new Map([...this.times].filter(([name]) => this.written.has(name)))
    const manifest = manifestText(this.written, this.stamps, this.inputs, times)
    // Also when it is what was there: the incomplete one (#begin) has replaced that since.
    if (manifest !== this.#previous.text || this.#begun !== undefined) await this.#writeManifest(manifest)
    await this.discardStaged()
  }

  /** Removes the staging folder and what it holds (an export that failed: the incomplete manifest stays). */
  async discardStaged(): Promise<void> {
    await fs.promises.rm(path.join(this.#outDir, STAGING), { recursive: true, force: true }).catch(() => {})
  }

  /** Runs `write` unless the last export recorded `stamp` for `file` and each of `sizes` is a file of that size (not a link). */
  async #unlessUnchanged(file: string, stamp: string, sizes: readonly (readonly [string, number])[], write: () => Promise<void>): Promise<void> {
    this.stamps.set(file, stamp)
    if (this.#previous.stamps.get(file) === stamp && this.#present(sizes)) return
    await this.#begin()
    await write()
  }

  /**
   * Before the first change to the folder: a staging folder emptied of what an
   * export that stopped left there, and a manifest that lists every file the
   * last export and this one may have written, marked incomplete.
   */
  #begin(): Promise<void> {
    this.#begun ??= (async () => {
      await this.discardStaged()
      await fs.promises.mkdir(path.join(this.#outDir, STAGING), { recursive: true })
      await this.#writeManifest(manifestText(new Set([...this.#previous.files, ...this.#candidates]), new Map(), new Map(), new Map(), false))
    })()
    return this.#begun
  }

  /** Writes a new file in the staging folder with `write`; resolves to its path. */
  async #stage(write: (target: string) => Promise<unknown>): Promise<string> {
    const target = path.join(this.#outDir, STAGING, String(++this.#staged))
    await write(target)
    return target
  }

  /**
   * Renames a staged file to `file` (a link there is replaced, not followed), its folder made (once). Where that
   * folder is on another file system (a mount, or a link to another disk, under the export's folder), the file is
   * copied beside its place first, `.<name>.export-staged`, and renamed from there.
   */
  async #place(staged: string, file: string): Promise<void> {
    const target = path.join(this.#outDir, file)
    const folder = path.dirname(target)
    if (!this.#folders.has(folder)) {
      await fs.promises.mkdir(folder, { recursive: true })
      this.#folders.add(folder)
    }
    try {
      await fs.promises.rename(staged, target)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
      const beside = path.join(folder, `.${path.basename(target)}.export-staged`)
      await fs.promises.copyFile(staged, beside)
      await fs.promises.rename(beside, target)
      await fs.promises.rm(staged, { force: true })
    }
    this.times.set(file, String(fs.lstatSync(target, { bigint: true }).mtimeNs))
  }

  async #writeManifest(text: string): Promise<void> {
    const staged = path.join(this.#outDir, `${MANIFEST}.${process.pid}.tmp`)
    await fs.promises.writeFile(staged, text)
    await fs.promises.rename(staged, path.join(this.#outDir, MANIFEST))
  }

  /** Removes `files` and then each folder they leave empty, up to the export's own folder. */
  async #remove(files: readonly string[]): Promise<void> {
    const folders = new Set<string>()
    for (const file of files) {
      // A folder by that name now is not what the export wrote (a media file became a folder): it stays.
      if (fs.lstatSync(path.join(this.#outDir, file), { throwIfNoEntry: false })?.isDirectory()) continue
      await fs.promises.rm(path.join(this.#outDir, file), { force: true })
      for (let folder = path.dirname(file); folder !== '.' && folder !== '/'; folder = path.dirname(folder)) folders.add(folder)
    }
    // Deepest first; a folder that still holds something (an operator's file, another export's) stays.
    for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length)) {
      await fs.promises.rmdir(path.join(this.#outDir, folder)).catch(() => {})
      this.#folders.delete(path.join(this.#outDir, folder))
    }
  }

  /**
   * Whether each file is there as the last export left it: a file (not a
   * link) of its size, with the time the manifest names (a manifest before
   * version 4 names none); the time of each is noted for this export's
   * manifest (`times`). Synchronous: a repeated export asks this of every
   * file, and 16,000 lstat calls took 2 s through the promise API (a
   * thread-pool round trip each), 0.1–0.2 s so.
   */
  #present(sizes: readonly (readonly [string, number])[]): boolean {
    return sizes.every(([name, size]) => {
      const stats = fs.lstatSync(path.join(this.#outDir, name), { bigint: true, throwIfNoEntry: false })
      if (stats?.isFile() !== true || stats.size !== BigInt(size)) return false
      const time = String(stats.mtimeNs)
      const recorded = this.#previous.times.get(name)
      if (recorded !== undefined && recorded !== time) return false
      this.times.set(name, time)
      return true
    })
  }
}
