# Switchboard. `make run` sets up and runs the suite; `make test` sets up and runs the tests.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps

# Debian packages: Qt runtime (offscreen and Xvfb/xcb), PortAudio, a CJK font, Xvfb.
DEBS_QT := libegl1 libgl1 libglx0 libglvnd0 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 \
  libx11-6 libxcb1 libpng16-16 fontconfig libdbus-1-3
DEBS_XCB := libx11-xcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 \
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth
DEBS_AUDIO := libportaudio2
DEBS_FONTS := fonts-wqy-microhei fonts-noto-color-emoji
# The web widget's tests drive a real headless browser.
DEBS_BROWSER := chromium chromium-driver
# The email channel's tests run a real IMAP server (started by the tests, never as a system service).
DEBS_MAIL := dovecot-imapd
# Voice tests and prompts: SIPp as the carrier, baresip as an independent phone, espeak-ng for spoken prompts.
DEBS_VOICE := sip-tester baresip espeak-ng
DEBS := $(DEBS_QT) $(DEBS_XCB) $(DEBS_AUDIO) $(DEBS_FONTS) $(DEBS_BROWSER) $(DEBS_MAIL) $(DEBS_VOICE)

TS := $(wildcard resources/i18n/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: setup run test bench clean venv-check package package-test
setup: venv-check $(STAMPS)/debs $(STAMPS)/venv $(QM)

# A removed or broken .venv invalidates its stamp.
venv-check:
	@[ -x $(PY) ] && $(PY) -c 'import PySide6, zmq, duckdb' 2>/dev/null || rm -f $(STAMPS)/venv

$(STAMPS)/debs: Makefile packaging/setup/install-debs.sh
	@mkdir -p $(STAMPS)
	packaging/setup/install-debs.sh $(DEBS)
	@touch $@

$(STAMPS)/venv: requirements.txt requirements-dev.txt constraints-py311.txt packaging/setup/find-python.sh
	@mkdir -p $(STAMPS)
	@set -e; base=$$(packaging/setup/find-python.sh); \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys' 2>/dev/null; then echo "creating $(VENV) with $$base"; rm -rf $(VENV); "$$base" -m venv $(VENV); fi; \
	  cons=""; if $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then cons="-c constraints-py311.txt"; fi; \
	  $(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt $$cons
	@touch $@

resources/i18n/%.qm: resources/i18n/%.ts $(STAMPS)/venv
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

run: setup
	$(PY) main.py demo

test: setup
	$(VENV)/bin/lint-imports --config pyproject.toml
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Packaging for IT (docs/packaging.md): both PyInstaller bundles, then both .deb files in dist/.
# SB_DEB_COMPRESS=gzip packs faster than xz (about 60 s per package on 2 cores) but larger.
DEBS_PACKAGE := dpkg-dev
SB_DEB_COMPRESS ?= xz
package: setup
	packaging/setup/install-debs.sh $(DEBS_PACKAGE)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/pyinstaller/switchboard-edge.spec
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/pyinstaller/switchboard.spec
	$(PY) packaging/debian/build_debs.py --compress $(SB_DEB_COMPRESS) \
	  --desktop-depends "$(DEBS_QT) $(DEBS_XCB) $(DEBS_AUDIO) $(DEBS_FONTS)"

# Installs the .deb files into a temporary root and runs the installed edge and desktop (a few minutes).
package-test: package
	SB_PACKAGE_TEST=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/packaging -q -m package
	$(PY) bench/cold_start.py

clean:
	rm -rf $(STAMPS) build dist resources/i18n/*.qm
