#!/usr/bin/env python3
"""Evaluates a Python expression over sora-mock's request log (GET /_mock/requests).

Usage: reqlog.py REQUESTS.json EXPR

Names available to EXPR:
  log             the whole log, as received (a JSON array)
  api             the entries for API routes (paths not under /_mock), in order
  reqs(method=None, path=None)
                  entries of `api` with that method and whose path matches the regular
                  expression `path` (re.search), e.g. reqs("GET", r"/videos/video_1$")
  param(r, name)  a request parameter: the multipart field `name` (string, or the dict
                  {filename, content_type, size[, width, height]} for a file; width and
                  height when it is an image), else the JSON body's `name`
  query(r)        the query string of a request as a dict {name: value}
  re, json        the modules
Dicts and lists print as JSON, everything else with str().
"""
import json
import re
import sys
from urllib.parse import parse_qsl


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        log = json.load(f)
    if not isinstance(log, list):
        sys.exit("the request log is not a JSON array")
    api = [r for r in log if not str(r.get("path", "")).startswith("/_mock")]

    def reqs(method=None, path=None):
        return [
            r
            for r in api
            if (method is None or str(r.get("method", "")).upper() == method.upper())
            and (path is None or re.search(path, str(r.get("path", ""))))
        ]

    def query(r):
        q = r.get("query")
        if q is None:
            return {}
        if isinstance(q, dict):
            return q
        return dict(parse_qsl(str(q).lstrip("?"), keep_blank_values=True))

    def param(r, name):
        fields = r.get("fields") or {}
        if isinstance(fields, dict) and name in fields:
            return fields[name]
        body = r.get("json")
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                body = None
        if isinstance(body, dict):
            return body.get(name)
        return None

    names = {"log": log, "api": api, "reqs": reqs, "param": param, "query": query,
             "re": re, "json": json}
    value = eval(sys.argv[2], names)  # noqa: S307 - test helper, expressions come from the tests
    print(json.dumps(value) if isinstance(value, (dict, list)) else value)


if __name__ == "__main__":
    main()
