#!/bin/sh
# Build Switchboard.app and a .dmg on macOS. NOT run in this repository's CI (no macOS machine here).
# Requirements: Python 3.12 (python.org universal2 or Homebrew), Xcode command line tools (hdiutil).
# Signing/notarisation need the team's Developer ID: set SB_CODESIGN_ID to sign.
set -eu
cd "$(dirname "$0")/../.."
python3.12 -m venv .venv
.venv/bin/python -m pip install -r requirements-dev.txt
for ts in resources/i18n/*.ts; do .venv/bin/pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"; done
.venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/pyinstaller/switchboard.spec
.venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/pyinstaller/switchboard-edge.spec
if [ -n "${SB_CODESIGN_ID:-}" ]; then
    codesign --deep --force --options runtime --sign "$SB_CODESIGN_ID" dist/Switchboard.app
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
hdiutil create -volname Switchboard -srcfolder dist/Switchboard.app -ov -format UDZO "dist/Switchboard-$version.dmg"
