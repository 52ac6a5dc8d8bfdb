/**
 * Runs `steps` one after another, each `gapMs` after the one before it
 * settled, resolved or not (a step reports its own failure). For work a
 * service does in the background once it serves: started together, the
 * steps' short-lived memory adds up to one peak. A step that never settles
 * holds back the ones after it: give only steps that end.
 */
export async function oneAfterAnother(gapMs: number, ...steps: Array<() => unknown>): Promise<void> {
  for (const [index, step] of steps.entries()) {
    // Unref'd: a gap never keeps a stopping process alive.
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, gapMs).unref())
    await Promise.resolve()
      .then(step)
      .catch(() => undefined)
  }
}
