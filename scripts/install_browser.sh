#!/usr/bin/env bash
# Headless Chromium for the viewer's browser test (tests/test_viewer_browser.py): Debian's
# chromium and chromium-driver. Quick when both are already there; installs them with apt-get
# when this is a Debian machine and we may (root); otherwise says why and carries on — the
# browser test then skips with its reason. Never fails the build.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get here; the browser test will skip" >&2
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "install_browser: not root, cannot apt-get install chromium chromium-driver; the browser test will skip" >&2
    exit 0
fi
echo "install_browser: installing chromium and chromium-driver (Debian packages) ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; } >/dev/null; then
    echo "install_browser: apt-get failed; the browser test will skip" >&2
fi
exit 0
