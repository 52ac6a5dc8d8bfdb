import type sanitizeHtml from 'sanitize-html'

/**
 * Characters of `srcset` a body's images and sources may have in all; the
 * lists past it are left out. Raw HTML is one step however long (it is not
 * counted by MAX_MARKUP_STEPS, render-markdown.ts), and each candidate costs
 * a parse and a URL resolved, twice (render-markdown.ts's absolutise and the
 * sanitiser's scheme check): one `<img>` with 2 MiB of `a ,` took 3.3 s to
 * sanitise (a review). A picture's list is a few hundred characters; 64 KiB
 * is a hundred of them at their longest.
 */
export const MAX_SRCSET_CHARS = 64 * 1024

/** What is left of one body's MAX_SRCSET_CHARS while the sanitiser reads its tags, first come first kept. */
export class SrcsetBudget {
  #left = MAX_SRCSET_CHARS
  #dropped = 0

  /** A tag's attributes, its srcset left out when the body's budget cannot hold it. */
  within(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
    const length = attribs.srcset?.length
    if (length === undefined) return attribs
    if (length <= this.#left) {
      this.#left -= length
      return attribs
    }
    this.#dropped += 1
    const { srcset: _, ...rest } = attribs
    return rest
  }

  /** The body's problem, when lists were left out. */
  problem(): string | undefined {
    return this.#dropped === 0 ? undefined : `its srcset lists pass ${MAX_SRCSET_CHARS} characters in all; ${this.#dropped} left out, their images keep their src`
  }
}
