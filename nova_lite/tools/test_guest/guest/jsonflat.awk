# jsonflat.awk - flatten one JSON document into "PATH<TAB>VALUE" lines.
#
# Part of the nova-lite test guest (tools/build-test-guest.sh); it runs
# under busybox awk inside the guest's initramfs, so it sticks to POSIX
# awk (no gawk extensions).
#
# What it understands: the whole of RFC 8259 JSON (objects, arrays,
# strings with every escape including \uXXXX and surrogate pairs, numbers,
# true/false/null), which covers the config drive files Nova writes
# (meta_data.json, network_data.json, vendor_data*.json).
#
# Output, one line per scalar (a leaf of the tree), in document order:
#   PATH  object keys and array indices joined with "/", e.g.
#         "networks/0/routes/0/gateway"; the top-level scalar has PATH "".
#   VALUE strings unescaped to UTF-8, then re-escaped so that a value is
#         always one line: backslash -> \\, newline -> \n, CR -> \r,
#         tab -> \t.  Numbers, true, false and null are printed as written.
# Empty objects and arrays print nothing.  Keys are printed as they are
# (so a key holding "/" or a tab would be ambiguous; Nova never writes one).
#
# On malformed input it prints what it has parsed so far, a message on
# stderr, and exits 1.

{ s = s (NR > 1 ? "\n" : "") $0 }

END {
    n = length(s); pos = 1; failed = 0
    HEX = "0123456789abcdef"
    skipws()
    if (pos > n) fail("empty document")
    value("")
    skipws()
    if (!failed && pos <= n) fail("trailing data")
    exit failed
}

function fail(msg) {
    if (!failed)
        printf("jsonflat: %s at offset %d\n", msg, pos) > "/dev/stderr"
    failed = 1
    pos = n + 1
}

function skipws(    c) {
    while (pos <= n) {
        c = substr(s, pos, 1)
        if (c != " " && c != "\t" && c != "\n" && c != "\r")
            break
        pos++
    }
}

function join(path, k) {
    if (path == "")
        return k
    return path "/" k
}

function value(path,    c) {
    skipws()
    if (failed || pos > n) { fail("unexpected end"); return }
    c = substr(s, pos, 1)
    if (c == "{") object(path)
    else if (c == "[") array(path)
    else if (c == "\"") emit(path, jstring())
    else emit(path, literal())
}

function object(path,    k, c) {
    pos++
    skipws()
    if (substr(s, pos, 1) == "}") { pos++; return }
    while (!failed) {
        skipws()
        if (substr(s, pos, 1) != "\"") { fail("expected a key"); return }
        k = jstring()
        skipws()
        if (substr(s, pos, 1) != ":") { fail("expected ':'"); return }
        pos++
        value(join(path, k))
        skipws()
        c = substr(s, pos, 1)
        pos++
        if (c == "}") return
        if (c != ",") { fail("expected ',' or '}'"); return }
    }
}

function array(path,    i, c) {
    pos++
    skipws()
    if (substr(s, pos, 1) == "]") { pos++; return }
    i = 0
    while (!failed) {
        value(join(path, i))
        i++
        skipws()
        c = substr(s, pos, 1)
        pos++
        if (c == "]") return
        if (c != ",") { fail("expected ',' or ']'"); return }
    }
}

function literal(    t) {
    t = substr(s, pos)
    if (!match(t, /^[-+0-9.eEa-z]+/)) { fail("unexpected character"); return "" }
    t = substr(t, 1, RLENGTH)
    if (t !~ /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)$/) {
        fail("bad literal")
        return ""
    }
    pos += RLENGTH
    return t
}

function hex4(    i, v, d) {
    v = 0
    for (i = 0; i < 4; i++) {
        d = index(HEX, tolower(substr(s, pos + i, 1)))
        if (d == 0) { fail("bad \\u escape"); return 0 }
        v = v * 16 + d - 1
    }
    pos += 4
    return v
}

function utf8(cp) {
    if (cp < 128)
        return sprintf("%c", cp)
    if (cp < 2048)
        return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
    if (cp < 65536)
        return sprintf("%c%c%c", 224 + int(cp / 4096),
                       128 + int(cp / 64) % 64, 128 + cp % 64)
    return sprintf("%c%c%c%c", 240 + int(cp / 262144),
                   128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64,
                   128 + cp % 64)
}

function jstring(    out, t, c, cp, lo) {
    pos++                       # opening quote
    out = ""
    while (!failed) {
        t = substr(s, pos)
        if (match(t, /^[^"\\]+/)) {
            out = out substr(t, 1, RLENGTH)
            pos += RLENGTH
        }
        if (pos > n) { fail("unterminated string"); return out }
        c = substr(s, pos, 1)
        pos++
        if (c == "\"")
            return out
        # a backslash escape
        c = substr(s, pos, 1)
        pos++
        if (c == "\"" || c == "\\" || c == "/") out = out c
        else if (c == "n") out = out "\n"
        else if (c == "t") out = out "\t"
        else if (c == "r") out = out "\r"
        else if (c == "b") out = out "\b"
        else if (c == "f") out = out "\f"
        else if (c == "u") {
            cp = hex4()
            if (cp >= 55296 && cp < 56320 &&
                substr(s, pos, 2) == "\\u") {
                pos += 2
                lo = hex4()
                if (lo >= 56320 && lo < 57344)
                    cp = 65536 + (cp - 55296) * 1024 + (lo - 56320)
                else
                    out = out utf8(cp)
                if (lo < 56320 || lo >= 57344)
                    cp = lo
            }
            out = out utf8(cp)
        }
        else { fail("bad escape"); return out }
    }
    return out
}

function emit(path, v) {
    if (failed)
        return
    gsub(/\\/, "\\\\", v)
    gsub(/\n/, "\\n", v)
    gsub(/\r/, "\\r", v)
    gsub(/\t/, "\\t", v)
    printf("%s\t%s\n", path, v)
}
