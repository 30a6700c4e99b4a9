#!/usr/bin/env python3
"""Checks that every line of a file is one JSON document of the --json contract (docs/json.md).
Usage: json_schema.py KIND FILE [--lines N]
  KIND: video (status, wait, create, remix, extend, edit, list), download, batch, deleted."""
import json
import sys

STATUSES = {"queued", "in_progress", "completed", "failed", "cancelled", "expired"}
KINDS = {"invalid_argument", "io", "network", "timeout", "unauthorized", "forbidden", "not_found",
         "conflict", "rate_limited", "quota", "server", "http", "protocol", "job_failed",
         "cancelled", "moderation", "wait_timeout", "interrupted", "unsupported", "internal"}

# The video object's fields (OpenAI's names, in their order) and the type each must have.
STR, INT, NULL = (str,), (int,), (type(None),)
VIDEO = {
    "id": STR, "object": STR, "created_at": INT, "status": STR, "model": STR + NULL,
    "progress": INT, "seconds": STR + NULL, "size": STR + NULL,
    "remixed_from_video_id": STR + NULL, "completed_at": INT + NULL, "expires_at": INT + NULL,
    "prompt": STR + NULL, "error": (dict, type(None)), "server": (dict, str, type(None)),
}
# Lines sora writes without a server object at hand (download, batch) may not know every field.
PARTIAL = {key: types + NULL for key, types in VIDEO.items()}
ADDED = {"file": STR, "bytes": INT, "variant": STR, "cost": (dict,), "label": STR,
         "batch_status": STR, "earlier_run": (bool,)}


def problems(doc, kind):
    if not isinstance(doc, dict):
        return ["not an object"]
    if kind == "deleted":
        want = {"id": STR, "object": STR, "deleted": (bool,), "server": (dict, type(None))}
        extra = {}
    else:
        want = VIDEO if kind == "video" else PARTIAL
        extra = ADDED
    found = []
    for key, types in want.items():
        if key not in doc:
            found.append("missing %s" % key)
        elif type(doc[key]) not in types or (types == INT and isinstance(doc[key], bool)):
            found.append("%s is %r" % (key, doc[key]))
    for key in doc:
        if key not in want and key not in extra:
            found.append("unexpected key %s" % key)
        elif key in extra and type(doc[key]) not in extra[key]:
            found.append("%s is %r" % (key, doc[key]))
    if kind == "deleted":
        return found + ([] if doc.get("object") == "video.deleted" else ["object is not video.deleted"])
    if doc.get("object") != "video":
        found.append("object is %r" % doc.get("object"))
    if doc.get("status") is not None and doc["status"] not in STATUSES:
        found.append("status %r is not one of OpenAI's words" % doc["status"])
    progress = doc.get("progress")
    if isinstance(progress, int) and not 0 <= progress <= 100:
        found.append("progress %d is outside 0-100" % progress)
    error = doc.get("error")
    if isinstance(error, dict):
        if set(error) != {"code", "message", "kind"}:
            found.append("error has keys %s" % sorted(error))
        elif error["kind"] is not None and error["kind"] not in KINDS:
            found.append("error.kind %r is not a sora error kind" % error["kind"])
    if "cost" in doc and set(doc["cost"]) != {"estimate", "currency"}:
        found.append("cost has keys %s" % sorted(doc["cost"]))
    return found


def self_test():
    good = {"id": "v", "object": "video", "created_at": 1, "status": "queued", "model": None,
            "progress": 0, "seconds": "8", "size": "1280x720", "remixed_from_video_id": None,
            "completed_at": None, "expires_at": None, "prompt": None, "error": None, "server": {}}
    assert not problems(good, "video"), problems(good, "video")
    for key, bad in [("status", "processing"), ("progress", "45%"), ("seconds", 8),
                     ("created_at", None), ("error", {"message": "x"}), ("extra", 1)]:
        doc = dict(good)
        doc[key] = bad
        assert problems(doc, "video"), "not caught: %s = %r" % (key, bad)
    print("json_schema self-test: the checker rejects each broken field")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    kind, path = sys.argv[1], sys.argv[2]
    lines = [line for line in open(path, encoding="utf-8").read().split("\n") if line]
    if "--lines" in sys.argv and len(lines) != int(sys.argv[sys.argv.index("--lines") + 1]):
        sys.exit("%s: %d lines, expected %s" % (path, len(lines), sys.argv[-1]))
    if not lines:
        sys.exit("%s: no JSON lines" % path)
    bad = []
    for number, line in enumerate(lines, 1):
        try:
            doc = json.loads(line)
        except ValueError as e:
            bad.append("line %d: not JSON (%s)" % (number, e))
            continue
        bad += ["line %d: %s" % (number, p) for p in problems(doc, kind)]
    if bad:
        sys.exit("\n".join(bad))


if __name__ == "__main__":
    main()
