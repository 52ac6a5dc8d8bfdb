# Varnish in front of one or more wirtschaft-feeds instances (docs/deployment.md).
#
# Start with: varnishd -a :80 -f /path/to/default.vcl -p vcl_path=/path/to/ops/varnish
# and put the origins in backends.vcl next to it (backends.example.vcl shows
# the form). Run the instances with CDN=varnish (or PURGE=varnish:<this
# Varnish's URL>) and CDN_MAX_AGE=86400.
#
# - Every response names its cache keys in `xkey` (varnish-modules' vmod_xkey,
#   vmod_xkey(3)); the service purges them with `PURGE` + `xkey-purge: k1 k2`
#   (or `xkey-softpurge`), allowed from the ACL below only.
# - The shared lifetime comes from Surrogate-Control (CDN_MAX_AGE), as on
#   Fastly; browsers get the service's Cache-Control untouched.
# - X-Cache says HIT or MISS; X-Cache-Origin which backend filled the entry.
vcl 4.1;

import std;
import xkey;
import directors;

# Backends, and `sub vcl_init` creating the director `origin` over them.
include "backends.vcl";

# Who may purge: the instances. Loopback here; add the instances' addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # The header names of the vmod's documentation
        # (https://raw.githubusercontent.com/varnish/libvmod-xkey/master/README.rst).
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        return (synth(400, "PURGE needs an xkey-purge or xkey-softpurge header"));
    }
    set req.backend_hint = origin.backend();
    # Nothing the service sends depends on cookies or credentials.
    unset req.http.Cookie;
    unset req.http.Authorization;
}

sub vcl_backend_response {
    # The uncompressed bytes an instance sends while it makes a changed document's gzip (Surrogate-Control: no-store,
    # no Content-Encoding; Varnish asked for gzip): with two instances or more, the one that made its gzip first
    # purged, and the fetch went to another one still making it. Asked once more, the director takes the next
    # instance. Else every client of those milliseconds got the whole document uncompressed (4 edits in 20).
    if (bereq.retries == 0 && beresp.status == 200 && beresp.http.Surrogate-Control ~ "no-store" && !beresp.http.Content-Encoding && bereq.http.Accept-Encoding ~ "gzip") {
        return (retry);
    }
    # CDN_MAX_AGE: the lifetime for this tier alone; Cache-Control stays for browsers.
    if (beresp.http.Surrogate-Control ~ "(^|[ ,])max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "^(.*[ ,])?max-age=([0-9]+).*$", "\2") + "s", 0s);
        # stale-if-error from Cache-Control still serves a copy while every origin is down.
        set beresp.grace = 0s;
        set beresp.keep = 1h;
        unset beresp.http.Surrogate-Control;
    }
    set beresp.http.X-Cache-Origin = beresp.backend.name;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for this tier; clients have no use for them.
    unset resp.http.xkey;
    # Whatever Surrogate-Control says (no-store on a browser page), it is for this cache alone.
    unset resp.http.Surrogate-Control;
}
