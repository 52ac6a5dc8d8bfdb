import { defineConfig } from 'vitest/config'

/**
 * Files whose asserts hold a time: an event-loop delay, a ratio of two timings, a deadline or a
 * margin of a socket, a cache's seconds, a load round. They run last, one at a time, with no other
 * test file beside them, whatever the first group's number of workers.
 */
const ALONE = [
  'tests/hardening/stalls.test.ts',
  'tests/hardening/faults.test.ts',
  'tests/hardening/growth.test.ts',
  'tests/hardening/silent-client.test.ts',
  'tests/hardening/http-input.test.ts',
  'tests/store/article-index-orders.test.ts',
  'tests/store/first-site.test.ts',
  'tests/store/live-updates.test.ts',
  'tests/store/folder-storm.test.ts',
  'tests/store/snapshot-write.test.ts',
  'tests/store/racy-entries.test.ts',
  'tests/util/worker-pool.test.ts',
  'tests/util/keep-tick-maps.test.ts',
  'tests/util/map-limit.test.ts',
  'tests/content/parse-article.test.ts',
  'tests/content/load-articles.test.ts',
  'tests/content/watch-folder.test.ts',
  'tests/plus/revocation.test.ts',
  'tests/http/silent-sockets.test.ts',
  'tests/http/silent-sockets-review.test.ts',
  'tests/http/nginx-cache.test.ts',
  'tests/cdn/varnish.test.ts',
  'tests/cdn/varnish-compressing.test.ts',
  'tests/site/renderer.test.ts',
  'tests/site/brotli-window.test.ts',
  'tests/websub/publisher.test.ts',
  'tests/http/plus-feeds.test.ts',
  'tests/hardening/bad-files.test.ts',
  'tests/server.test.ts',
]

const ALL = ['tests/**/*.test.ts', 'tests/**/*.test.tsx']

/** Files that replace a module (vi.mock): each gets modules of its own, as every file did before. */
const MOCKING = [
  'tests/content/file-stamps-no-start.test.ts',
  'tests/content/file-stamps-one-worker.test.ts',
  'tests/store/first-site.test.ts',
  'tests/site/sitemap-rewrites.test.ts',
]

export default defineConfig({
  test: {
    // A heavy test took 18 s of its 20 at load 20 on one worker: a time limit is for a test that hangs, not a slow machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Every other file, on two workers: much of these files' time is spent waiting on a child process (the service, a
      // real client, Chromium, nginx) or a file-system event. On a quiet machine (load ~1) a whole `npm test` took 331 s
      // on Node 20 and 327 s on Node 24, against 430 s and 395 s on one worker in a fresh-clone .ci/run the same hour; at load
      // 14-34 earlier two took as long as one, and one full run there found a race (opml-import, fixed).
      // Their modules are shared by the files of a worker (isolate: false): importing them anew for every file took
      // 68-79 s of a run; now 23-26 s, the whole `npm test` 257-265 s. A file that replaces a module (MOCKING) still gets
      // modules of its own; every file creates its own stores, servers, folders and ports.
      { extends: true, test: { name: 'shared', include: ALL, exclude: [...ALONE, ...MOCKING], maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'mocking', include: MOCKING, exclude: ALONE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
})
