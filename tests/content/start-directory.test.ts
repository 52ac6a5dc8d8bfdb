import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { startDirectory } from '../../src/content/start-directory.js'
import { makeTempDir } from '../helpers/temp-dir.js'

describe('startDirectory', () => {
  let temp: ReturnType<typeof makeTempDir> | undefined
  afterEach(() => temp?.rm())

  it('is $PWD through the `current` link a deploy swaps, so relative paths follow the swap; the real path when $PWD is another folder or none', () => {
    temp = makeTempDir()
    const root = temp.dir
    for (const release of ['C', 'D']) fs.mkdirSync(path.join(root, 'releases', release, 'articles'), { recursive: true })
    const current = path.join(root, 'current')
    fs.symlinkSync(path.join('releases', 'C'), current)
    const real = fs.realpathSync(path.join(root, 'releases', 'C'))
    // As `npm start` in current/: the process's directory is the real one, $PWD the one typed.
    expect(startDirectory(current, real)).toBe(current)
    expect(loadConfig({}, [], startDirectory(`${current}/`, real)).articlesDir).toBe(path.join(current, 'articles'))
    // The deploy: current swapped to D, C removed. ARTICLES_DIR is D's articles; with the real path it was gone.
    fs.rmSync(current)
    fs.symlinkSync(path.join('releases', 'D'), current)
    fs.rmSync(real, { recursive: true })
    expect(fs.existsSync(path.join(current, 'articles'))).toBe(true)
    // A $PWD that is not the directory (a stale one, inherited), relative, or none: the real path.
    expect(startDirectory(current, fs.realpathSync(path.join(root, 'releases', 'D')))).toBe(current)
    const d = fs.realpathSync(path.join(root, 'releases', 'D'))
    expect(startDirectory(path.join(root, 'releases'), d)).toBe(d)
    expect(startDirectory('current', real)).toBe(real)
    expect(startDirectory(undefined, real)).toBe(real)
    expect(startDirectory(path.join(root, 'nirgends'), real)).toBe(real)
  })

  it('is never a $PWD with `.` or `..` in it (as `pwd -L`): checked physically, it was returned resolved by name, another folder', () => {
    temp = makeTempDir()
    const root = temp.dir
    fs.mkdirSync(path.join(root, 'releases', 'C', 'articles'), { recursive: true })
    fs.mkdirSync(path.join(root, 'articles'))
    fs.symlinkSync(path.join('releases', 'C'), path.join(root, 'current'))
    // current/.. is releases/ on disk, and the root by name.
    const releases = fs.realpathSync(path.join(root, 'releases'))
    expect(startDirectory(`${root}/current/..`, releases)).toBe(releases)
    expect(startDirectory(`${root}/current/.`, fs.realpathSync(path.join(root, 'releases', 'C')))).toBe(fs.realpathSync(path.join(root, 'releases', 'C')))
  })
})
