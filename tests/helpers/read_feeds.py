#!/usr/bin/python3
"""Reads feeds the way independent consumers do, for the tests.

Input (stdin): a JSON list of {"body": str, "contentType": str, "url": str};
with --serve, one such list per line, answered line by line.
Output (stdout): a JSON list, one result per document:
  - wellFormed / xmlError: lxml's strict parse (what `xmllint --noout` checks)
  - bozo, version, feed, entries: what Python's feedparser makes of it

Needs Debian's python3-feedparser and python3-lxml (installed by .ci/run).
"""
import calendar
import html
import json
import re
import sys
from datetime import datetime, timezone

import feedparser
from lxml import etree


def iso(struct):
    if not struct:
        return None
    d = datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)
    # %Y writes the year 1 as "1" with glibc: four digits, as RFC 3339 has them.
    return f"{d.year:04d}-" + d.strftime("%m-%dT%H:%M:%SZ")


def detail(entry, key):
    value = entry.get(key)
    if value is None:
        return None
    d = entry.get(key + "_detail") or {}
    kind = d.get("type")
    # What a reader shows: HTML is turned into its text, plain text kept as is.
    text = html.unescape(re.sub(r"<[^>]*>", "", value)) if kind and "html" in kind else value
    return {"value": value, "type": kind, "text": text}


def names(authors):
    return [a.get("name") or a.get("email") for a in authors or [] if a.get("name") or a.get("email")]


def read(doc):
    body = doc["body"].encode("utf-8")
    out = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, load_dtd=False)
    try:
        etree.fromstring(body, parser)
        out["wellFormed"] = True
    except etree.XMLSyntaxError as e:
        out["wellFormed"] = False
        out["xmlError"] = str(e)
    d = feedparser.parse(body, response_headers={"content-type": doc.get("contentType", ""),
                                                  "content-location": doc.get("url", "")})
    out["bozo"] = bool(d.bozo)
    out["bozoException"] = str(d.get("bozo_exception")) if d.bozo else None
    out["version"] = d.version
    f = d.feed
    out["feed"] = {
        "title": f.get("title"), "link": f.get("link"), "language": f.get("language"),
        "updated": iso(f.get("updated_parsed")), "authors": names(f.get("authors")),
        "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in f.get("links", [])],
        "subtitle": f.get("subtitle"), "id": f.get("id"),
    }
    out["entries"] = [{
        "id": e.get("id"), "link": e.get("link"),
        "title": detail(e, "title"), "summary": detail(e, "summary"),
        "content": [{"value": c.get("value"), "type": c.get("type")} for c in e.get("content", [])],
        "published": iso(e.get("published_parsed")), "updated": iso(e.get("updated_parsed")),
        "authors": names(e.get("authors")), "author": e.get("author"),
        "tags": [t.get("term") for t in e.get("tags", [])],
        "enclosures": [{"href": x.get("href"), "type": x.get("type"), "length": x.get("length")}
                       for x in e.get("enclosures", [])],
        "media": [{"url": m.get("url"), "type": m.get("type"), "medium": m.get("medium")}
                  for m in e.get("media_content", [])],
        "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in e.get("links", [])],
        "guidIsLink": e.get("guidislink"),
    } for e in d.entries]
    return out


if __name__ == "__main__":
    if "--serve" in sys.argv:
        # One JSON list of documents per line in, one JSON list of results per line out.
        for line in sys.stdin:
            sys.stdout.write(json.dumps([read(doc) for doc in json.loads(line)], ensure_ascii=True) + "\n")
            sys.stdout.flush()
    else:
        docs = json.load(sys.stdin)
        json.dump([read(doc) for doc in docs], sys.stdout, ensure_ascii=False)
