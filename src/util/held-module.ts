/** Where a worker's module is: a file, or the code of one held in memory (heldModule). */
export type WorkerEntry = URL | (() => URL)

/** The URL a worker is started from now. */
export const entryUrl = (entry: WorkerEntry): URL => (typeof entry === 'function' ? entry() : entry)

/**
 * A worker's module as its file was read now (`read`), kept in memory: each
 * worker started from it later runs this code, as a `data:` URL, whatever
 * the file holds by then. The service reads its render worker so at its
 * start (main.ts): a worker it starts later (the second once it serves, or
 * one that replaces a worker stopped after a time limit) ran the module
 * from disk, so that after `npm run build` in the deployed folder and
 * before the restart (or with dist/ gone meanwhile) the old service
 * rendered with another build's code, or could not start the worker and
 * published bodies as plain text. The code keeps its file's name in stack
 * traces (`sourceURL`) and its source map beside it (`sourceMappingURL`),
 * and the bundles' `require` works from a `data:` URL (scripts/build.mjs:
 * its banner). A file that cannot be read now is started from disk, as
 * before: the worker's start then says why. Costs: the bytes held (1.1 MB
 * for dist/render-worker.js, 1.5 MB once its URL is made) and ~15 ms more of
 * the event loop at a worker's start than from the file (the URL's text
 * handed to the worker; ~50 ms at the first, which makes the URL).
 */
export function heldModule(file: URL, read: (file: URL) => Uint8Array): WorkerEntry {
  let code: Buffer | undefined
  try {
    // The last of each comment counts: a bundle's own source map is named relative to its file, which a data: URL is
    // not (under --enable-source-maps Node then failed to load the worker), so it is named again from the file.
    code = Buffer.concat([read(file), Buffer.from(`\n//# sourceURL=${file.href}\n//# sourceMappingURL=${file.href}.map\n`)])
  } catch {
    return file
  }
  // Made once, at the first worker's start, and the code then held in it alone: made anew, the render worker's URL
  // (1.5 MB of base64 parsed) took 35 ms of the event loop at each start, 50 in all against 15 (bench/worker-start.ts).
  let url: URL | undefined
  return () => {
    url ??= new URL(`data:text/javascript;base64,${(code as Buffer).toString('base64')}`)
    code = undefined
    return url
  }
}
