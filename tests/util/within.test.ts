import { describe, expect, it } from 'vitest'
import { SharedWait, within } from '../../src/util/within.js'
import { collected } from '../helpers/collected.js'

const never = new Promise<void>(() => {})
const settled = async (promise: Promise<unknown>, ms = 0): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))])

describe('within', () => {
  it('resolves when the promise settles, rejected or not, or after ms', async () => {
    expect(await settled(within(Promise.reject(new Error('no')), 10_000), 50)).toBe(true)
    const started = performance.now()
    await within(never, 30)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
  })
})

describe('SharedWait (one wait for a promise, shared by its callers, ended after ms)', () => {
  it('gives every caller the one wait of a promise until ms after its first caller, then none', () => {
    let now = 0
    const waits = new SharedWait(1000, () => now)
    const first = waits.of(never)
    now = 999
    expect(waits.of(never)).toBe(first)
    now = 1000
    expect(waits.of(never)).toBeUndefined() // a promise that hangs: no caller after the bound waits, nor adds a reaction
    expect(waits.of(undefined)).toBeUndefined()
  })

  it('starts a new wait for another promise, and ends a wait when its promise settles', async () => {
    let now = 0
    const waits = new SharedWait(1000, () => now)
    let resolve = () => {}
    const batch = new Promise<void>((done) => (resolve = done))
    const wait = waits.of(batch) as Promise<void>
    expect(await settled(wait)).toBe(false)
    resolve()
    expect(await settled(wait)).toBe(true)
    now = 5000
    const next = waits.of(never)
    expect(next).toBeDefined()
    expect(next).not.toBe(wait)
  })

  it('holds no promise it waited for, nor so its value: a reload\'s rebuild resolves to its whole site, kept past the next swap', async () => {
    const waits = new SharedWait(1000)
    let site: object | undefined = { resources: new Map([['/feed.xml', new Uint8Array(1 << 20)]]) }
    const ref = new WeakRef(site)
    let rebuild: Promise<unknown> | undefined = Promise.resolve(site)
    await waits.of(rebuild)
    site = rebuild = undefined
    expect(await collected(ref)).toBe(true)
  })
})
