"""Cold page weight: one page load in headless Chromium with a fresh profile (no cache, no cookies),
summing the bytes that came over the wire for the page and everything it fetched.

    .venv/bin/python bench/meetings/pageweight.py URL [--header 'X-Forwarded-Proto: https'] [--settle 3]

Bytes are Chromium's own count (CDP `Network.loadingFinished.encodedDataLength`: headers plus the
body as transferred, i.e. compressed when the server compressed it), per response, the way nginx's
`$bytes_sent` counts them for the Indico figure. Chromium negotiates `Accept-Encoding: gzip, deflate,
br, zstd` itself. Prints one JSON object: requests, bytes, per resource type, and every response.
Uses the system Chromium (/usr/bin/chromium) through Playwright; nothing is downloaded.
"""

import argparse
import json
import sys

from playwright.sync_api import sync_playwright


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[], help="extra request header, 'Name: value'")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait after load for late requests")
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    responses: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(extra_http_headers=headers)  # a fresh profile: empty cache and cookies
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        def on_response(event):
            response = event["response"]
            responses[event["requestId"]] = {
                "url": response["url"], "status": response["status"], "type": event.get("type", ""),
                "encoding": {k.lower(): v for k, v in response.get("headers", {}).items()}.get("content-encoding", ""),
                "bytes": 0,
            }

        def on_finished(event):
            if event["requestId"] in responses:
                responses[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        page.goto(args.url, wait_until="networkidle")
        page.wait_for_timeout(args.settle * 1000)
        browser.close()
    rows = list(responses.values())
    by_type: dict[str, int] = {}
    for row in rows:
        by_type[row["type"]] = by_type.get(row["type"], 0) + row["bytes"]
    print(json.dumps({
        "url": args.url, "requests": len(rows), "bytes": sum(r["bytes"] for r in rows),
        "document_bytes": sum(r["bytes"] for r in rows if r["type"] == "Document"),
        "non_200": sum(1 for r in rows if r["status"] != 200), "by_type": by_type, "responses": rows,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
