import type { PurgeTarget } from './cdn-config.js'

/** One purge request, ready for fetch. */
export interface PurgeRequest {
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/** How one CDN's purge API is spoken: batch limits, the request for a batch, and whether the answer says it worked. */
export interface PurgeClient {
  /** Where purges go, for log lines and /healthz (never the token). */
  readonly target: string
  /** Keys in one request at most. */
  readonly maxKeys: number
  /** Bytes of keys (joined with one separator each) in one request at most. */
  readonly maxBytes: number
  request(keys: readonly string[]): PurgeRequest
  /** undefined when the purge was done, else what went wrong, from the answer. */
  check(status: number, body: string): string | undefined
}

/** Where the providers' APIs live; tests point them at loopback stand-ins. */
export interface PurgeApis {
  readonly fastly?: string
  readonly cloudflare?: string
}

const FASTLY_API = 'https://api.fastly.com/'
const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4/'

/** The client for PURGE's target. */
export function createPurgeClient(target: PurgeTarget, apis: PurgeApis = {}): PurgeClient {
  switch (target.provider) {
    case 'varnish':
      return varnishClient(target.url)
    case 'fastly':
      return fastlyClient(target.serviceId, target.token, apis.fastly ?? FASTLY_API)
    case 'cloudflare':
      return cloudflareClient(target.zoneId, target.token, apis.cloudflare ?? CLOUDFLARE_API)
  }
}

/**
 * Varnish with varnish-modules' xkey: a `PURGE` request whose `xkey-purge`
 * header lists the keys, separated by spaces, as in the vmod's documentation
 * (https://raw.githubusercontent.com/varnish/libvmod-xkey/master/README.rst:
 * "The key to be purged is specified in the xkey-purge header";
 * xkey.purge() takes several keys, vmod_xkey(3)). ops/varnish/default.vcl
 * answers it. Varnish limits one request header to 8 KB by default
 * (http_req_hdr_len): 4,000 bytes of keys leave room.
 */
function varnishClient(url: string): PurgeClient {
  return {
    target: url,
    maxKeys: 256,
    maxBytes: 4000,
    request: (keys) => ({ url, method: 'PURGE', headers: { 'xkey-purge': keys.join(' ') } }),
    check: (status) => (status === 200 ? undefined : `Varnish answered ${status}`),
  }
}

/**
 * Fastly's batch purge by surrogate key: `POST /service/{service_id}/purge`
 * with the token in `Fastly-Key` and `{"surrogate_keys": [...]}`; "Up to 256
 * surrogate keys can be purged in one batch request"
 * (https://github.com/fastly/fastly-js/blob/main/docs/PurgeApi.md, bulkPurgeTag;
 * https://docs.rs/crate/fastly-api/1.3.0/source/docs/PurgeApi.md). The answer
 * maps each key to a purge id.
 */
function fastlyClient(serviceId: string, token: string, api: string): PurgeClient {
  return {
    target: `Fastly service ${serviceId}`,
    maxKeys: 256,
    maxBytes: 16384,
    request: (keys) => postJson(new URL(`service/${encodeURIComponent(serviceId)}/purge`, api), { 'Fastly-Key': token }, { surrogate_keys: keys }),
    check: (status, body) => (status === 200 ? undefined : `Fastly answered ${status}${apiMessage(body, 'msg')}`),
  }
}

/**
 * Cloudflare's purge by cache tags: `POST /client/v4/zones/{zone_id}/purge_cache`
 * with `Authorization: Bearer <token>` and `{"tags": [...]}`
 * (https://developers.cloudflare.com/api/go/resources/cache/methods/purge/,
 * https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/).
 * "Max operations per request: 100" on every plan below Enterprise (500 there):
 * 100 tags a request (https://developers.cloudflare.com/cache/how-to/purge-cache/).
 * The answer says `"success": true`.
 */
function cloudflareClient(zoneId: string, token: string, api: string): PurgeClient {
  return {
    target: `Cloudflare zone ${zoneId}`,
    maxKeys: 100,
    maxBytes: 16384,
    request: (keys) => postJson(new URL(`zones/${encodeURIComponent(zoneId)}/purge_cache`, api), { Authorization: `Bearer ${token}` }, { tags: keys }),
    check: (status, body) => {
      if (status === 200 && parsed(body)?.success === true) return undefined
      const errors = parsed(body)?.errors
      const message = Array.isArray(errors) && typeof errors[0]?.message === 'string' ? `: ${String(errors[0].message).slice(0, 200)}` : ''
      return `Cloudflare answered ${status}${message}`
    },
  }
}

/** A JSON POST to an API, with its credentials. */
function postJson(url: URL, credentials: Readonly<Record<string, string>>, body: unknown): PurgeRequest {
  return {
    url: url.href,
    method: 'POST',
    headers: { ...credentials, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  }
}

function parsed(body: string): { success?: unknown; errors?: { message?: unknown }[]; msg?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

function apiMessage(body: string, field: 'msg'): string {
  const message = parsed(body)?.[field]
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''
}

/** Splits keys into batches within a client's limits, in order. */
export function batchesOf(keys: readonly string[], client: Pick<PurgeClient, 'maxKeys' | 'maxBytes'>): string[][] {
  const batches: string[][] = []
  let batch: string[] = []
  let bytes = 0
  for (const key of keys) {
    if (batch.length > 0 && (batch.length >= client.maxKeys || bytes + key.length + 1 > client.maxBytes)) {
      batches.push(batch)
      batch = []
      bytes = 0
    }
    batch.push(key)
    bytes += key.length + 1
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}
